"""Restaurant settings: typed defaults here, a manager's changes in the database.

`get_settings()` reads every stored value in one query and caches the result for the
request. Managers change values through `update_settings()`, which audits each change.
To add a setting, add a field with its default to `Settings`; nothing else is needed.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_app_context
from flask.signals import Namespace
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class SettingValue(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON)


def _services() -> list[dict[str, str]]:
    return [
        {"name": "lunch", "start": "11:30", "end": "15:00"},
        {"name": "dinner", "start": "17:00", "end": "23:00"},
    ]


def _durations() -> list[list[int]]:
    # [largest party size, minutes]; the last row covers every larger party.
    return [[2, 90], [4, 105], [6, 120], [30, 150]]


def _retention() -> dict[str, int]:
    return {"bank_card": 7, "id_document": 7, "phone": 30}


@dataclass
class Settings:
    restaurant_name: str = "De Gouden Lepel"
    timezone: str = "Europe/Amsterdam"
    day_boundary: str = "04:00"
    default_language: str = "nl"
    # Opening hours are the union of the services.
    services: list[dict[str, str]] = field(default_factory=_services)
    # Host screen
    greet_amber_seconds: int = 30
    greet_red_seconds: int = 60
    greet_red_sound: bool = False  # every host screen chimes when a greeting turns red
    arriving_window_minutes: int = 30
    no_show_grace_minutes: int = 15
    undo_seconds: int = 120
    max_party_size: int = 30
    late_after_minutes: int = 10  # a booking that arrives later than this counts as a late arrival
    durations: list[list[int]] = field(default_factory=_durations)  # the default turn times
    # Pacing: the most covers that may start in a quarter hour, per service name (missing or 0: no limit).
    pacing_limits: dict[str, int] = field(default_factory=dict)
    # Shared tablets
    pin_idle_minutes: int = 10
    # Lost and found
    retention_days_default: int = 90
    retention_days: dict[str, int] = field(default_factory=_retention)
    personal_data_erasure_days: int = 90
    verification_required_matches: int = 0  # 0 = every question must match
    bank_card_min_questions: int = 3
    claim_lock_after_failures: int = 3
    arrival_check_days: int = 4
    # E-mail
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: bool = True
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = ""
    reply_to: str = ""  # the restaurant's own address that guests' replies go to; empty: the sender address
    daily_summary: bool = False  # e-mail each manager the figures of the service day after it ends
    daily_summary_addresses: dict[str, str] = field(default_factory=dict)  # manager's user id: address
    # Text messages to waitlist guests (sms.py): the provider and its account
    sms_provider: str = ""  # "" (none) or "twilio"
    sms_account_sid: str = ""
    sms_auth_token: str = ""
    sms_sender: str = ""  # the number (E.164) or sender name texts come from
    sms_api_base: str = "https://api.twilio.com"
    # Exports
    csv_delimiter: str = ";"
    # Online booking (the public page /book)
    online_booking: bool = False
    online_horizon_days: int = 60  # how far ahead a guest may book
    online_max_party: int = 8  # larger parties are asked to call
    online_cutoff_hours: int = 2  # a guest changes or cancels until this long before the visit
    online_area_ids: list[int] = field(default_factory=list)  # empty: every area
    online_table_ids: list[int] = field(default_factory=list)  # tables bookable online besides those areas
    online_text: str = ""  # a short text shown on the booking page
    restaurant_phone: str = ""  # shown to parties too large to book online
    online_public_url: str = ""  # where guests reach /book (for the links in e-mails), e.g. https://book.example.nl
    guest_erasure_days: int = 365  # guests' personal data is erased this long after their last visit

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def boundary(self) -> time:
        return time.fromisoformat(self.day_boundary)

    def duration_for(self, party_size: int) -> int:
        for largest, minutes in self.durations:
            if party_size <= largest:
                return minutes
        return self.durations[-1][1]

    def retention_for(self, category: str) -> int:
        return self.retention_days.get(category, self.retention_days_default)


FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def load_settings() -> Settings:
    stored = db.session.execute(sa.select(SettingValue.key, SettingValue.value))
    return Settings(**{key: value for key, value in stored if key in FIELDS})


def get_settings() -> Settings:
    """The restaurant's settings, read from the database once per request."""
    if not has_app_context():
        return Settings()
    if "hostdesk_settings" not in g:
        g.hostdesk_settings = load_settings()
    return g.hostdesk_settings


settings_changed = Namespace().signal("hostdesk.settings-changed")  # sent inside the changing transaction


def update_settings(actor, **changes: Any) -> Settings:
    """Store changed settings and audit them; secrets are audited as changed, not shown."""
    from .audit import record

    current = get_settings()
    changed: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in FIELDS:
            raise KeyError(key)
        if getattr(current, key) == value:
            continue
        row = db.session.get(SettingValue, key)
        if row is None:
            db.session.add(SettingValue(key=key, value=value))
        else:
            row.value = value
        changed[key] = "(changed)" if key in ("smtp_password", "sms_auth_token") else value
    g.hostdesk_settings = load_settings()
    if changed:
        record(actor, "settings.update", None, **changed)
        settings_changed.send(actor, changed=changed)
    return get_settings()
