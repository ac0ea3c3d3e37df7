"""The settings form: one field (or a list of rows) for every field of `Settings`.

`SettingsForm.validate()` checks each value and the rules between them (amber before red,
services that do not overlap...); `changes()` turns a valid form into the keyword
arguments of `update_settings()`. A setting added later to `Settings` without a field
here still gets a plain field under "Other settings" (ints, text and yes/no).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional, Regexp

from ..forms import AppForm, NumberRange
from ..settings import FIELDS, Settings
from .forms import options
from .settings_rows import HHMM, TIME_MESSAGE, DurationRow, PacingRow, RetentionRow, RowChecks, ServiceRow

DELIMITERS = {"semicolon": ";", "comma": ",", "tab": "\t", "pipe": "|"}
EXTRA_ROWS = 2


def _number(label, low: int, high: int, **kwargs) -> IntegerField:
    message = _l("Give a whole number from %(min)d to %(max)d.", min=low, max=high)
    return IntegerField(label, validators=[InputRequired(message=message), NumberRange(low, high, message=message)],
                        render_kw={"inputmode": "numeric", "min": low, "max": high}, **kwargs)


def _time(label) -> StringField:
    return StringField(label, validators=[DataRequired(message=TIME_MESSAGE), Regexp(HHMM, message=TIME_MESSAGE)],
                       render_kw={"type": "time"})


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


class BaseSettingsForm(RowChecks, AppForm):
    restaurant_name = StringField(_l("Restaurant name"), validators=[DataRequired(), Length(max=80)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                           description=_l("For example Europe/Amsterdam."))
    day_boundary = _time(_l("A new day starts at"))
    default_language = SelectField(_l("Default language"), choices=options([("nl", "Nederlands"), ("en", "English")]))
    services = FieldList(FormField(ServiceRow), min_entries=0)
    greet_amber_seconds = _number(_l("Greeting turns amber after (seconds)"), 5, 3600)
    greet_red_seconds = _number(_l("Greeting turns red after (seconds)"), 5, 3600)
    greet_red_sound = BooleanField(_l("Sound when a greeting turns red"))
    arriving_window_minutes = _number(_l("Show arriving guests (minutes ahead)"), 5, 240)
    no_show_grace_minutes = _number(_l("Grace period before a no-show (minutes)"), 0, 240)
    undo_seconds = _number(_l("A tap can be undone for (seconds)"), 0, 3600)
    late_after_minutes = _number(_l("A booking counts as late after (minutes)"), 1, 240)
    max_party_size = _number(_l("Largest party (guests)"), 1, 500)
    durations = FieldList(FormField(DurationRow), min_entries=0)
    pacing_limits = FieldList(FormField(PacingRow), min_entries=0)
    pin_idle_minutes = _number(_l("Shared tablet asks for a PIN after idle (minutes)"), 1, 240)
    retention_days_default = _number(_l("Keep found items (days, default)"), 1, 3650)
    retention_days = FieldList(FormField(RetentionRow), min_entries=0)
    personal_data_erasure_days = _number(_l("Erase claimants' personal data after (days)"), 1, 3650)
    verification_required_matches = _number(_l("Answers that must match (0 = all)"), 0, 10)
    bank_card_min_questions = _number(_l("Questions asked for a bank card (at least)"), 1, 10)
    claim_lock_after_failures = _number(_l("Lock claims after failed attempts"), 1, 20)
    arrival_check_days = _number(_l("Ask whether a posted item arrived after (days)"), 1, 60)
    smtp_host = StringField(_l("Mail server (SMTP host)"), validators=[
        Optional(), Length(max=253),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9.-]*$", message=_l("Give a host name like smtp.example.com."))])
    smtp_port = _number(_l("Port"), 1, 65535)
    smtp_tls = BooleanField(_l("Use TLS (STARTTLS)"))
    smtp_user = StringField(_l("User name at the mail server"), validators=[Optional(), Length(max=200)])
    smtp_password = PasswordField(_l("Password at the mail server"), validators=[Optional(), Length(max=200)],
                                  description=_l("Leave empty to keep the stored password."))
    smtp_password_clear = BooleanField(_l("Remove the stored password"))
    smtp_sender = StringField(_l("Sender address"), validators=[
        Optional(), Length(max=254), Email(message=_l("Give an e-mail address like desk@example.com."))])
    reply_to = StringField(_l("Reply-to address"), validators=[
        Optional(), Length(max=254), Email(message=_l("Give an e-mail address like desk@example.com."))],
        description=_l("The restaurant's own address, where guests' replies arrive. Empty: the sender address."))
    daily_summary = BooleanField(_l("E-mail the managers a summary of each service day"))
    online_booking = BooleanField(_l("Guests can book online (the page /book)"))
    online_horizon_days = _number(_l("Book online up to (days ahead)"), 1, 365)
    online_max_party = _number(_l("Largest party online (guests)"), 1, 500)
    online_cutoff_hours = _number(_l("Guests change or cancel online until (hours before the visit)"), 0, 168)
    online_area_ids = SelectMultipleField(_l("Areas bookable online"), coerce=int, validators=[Optional()])
    online_table_ids = SelectMultipleField(_l("Further tables bookable online"), coerce=int, validators=[Optional()])
    online_text = TextAreaField(_l("Short text on the booking page"), validators=[Optional(), Length(max=500)])
    restaurant_phone = StringField(_l("The restaurant's phone number"), validators=[Optional(), Length(max=30)])
    online_public_url = StringField(_l("Public address of the booking site"), validators=[
        Optional(), Length(max=200), URL(require_tld=False, message=_l("Give an address like https://book.example.nl."))])
    guest_erasure_days = _number(_l("Erase guests' personal data after (days since the visit)"), 1, 3650)
    sms_provider = SelectField(_l("SMS provider"), choices=options([("", _l("None: no text messages")),
                                                                    ("twilio", "Twilio")]))
    sms_account_sid = StringField(_l("Account SID"), validators=[
        Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9]+$", message=_l("Only letters and digits."))])
    sms_auth_token = PasswordField(_l("Auth token"), validators=[Optional(), Length(max=200)],
                                   description=_l("Leave empty to keep the stored token."))
    sms_sender = StringField(_l("Sender (phone number or name)"), validators=[Optional(), Length(max=20)])
    sms_api_base = StringField(
        _l("Address of the SMS service"), description=_l("Empty: Twilio's own address."),
        validators=[Optional(), Length(max=200), Regexp(r"^https?://[A-Za-z0-9.:\-\[\]]+/?$",
                                                        message=_l("Give a web address like https://api.twilio.com."))])
    csv_delimiter = SelectField(_l("Separator in CSV exports"), choices=options([
        ("semicolon", _l("Semicolon ; (Dutch Excel)")), ("comma", _l("Comma , (English Excel)")),
        ("tab", _l("Tab")), ("pipe", _l("Vertical bar |"))]))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_errors: dict[str, list[str]] = {"services": [], "durations": [], "pacing_limits": [],
                                                     "retention_days": []}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.section_errors = {"services": [], "durations": [], "pacing_limits": [], "retention_days": []}
        if self.timezone.data and self.timezone.data.strip() not in time_zones():
            self.timezone.errors.append(_l("%(zone)s is not a time zone we know. Use a name like Europe/Amsterdam.",
                                           zone=self.timezone.data[:64]))
        amber, red = self.greet_amber_seconds.data, self.greet_red_seconds.data
        if amber is not None and red is not None and amber >= red:
            self.greet_red_seconds.errors.append(_l("Red must come later than amber."))
        online_max, largest = self.online_max_party.data, self.max_party_size.data
        if online_max is not None and largest is not None and online_max > largest:
            self.online_max_party.errors.append(_l("At most the largest party (%(max)s).", max=largest))
        self._check_services()
        self._check_durations()
        self._check_pacing()
        self._check_retention()
        return valid and not any(f.errors for f in self if not isinstance(f, FieldList)) \
            and not any(self.section_errors.values())

    # --- from and to Settings ----------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """The keyword arguments for update_settings(); unchanged values are skipped there."""
        changes: dict[str, Any] = {}
        for name in FIELDS:
            if name in SPECIAL or name not in self._fields:
                continue
            value = self[name].data
            changes[name] = value.strip() if isinstance(value, str) else value
        changes["services"] = self.service_rows()
        changes["durations"] = self.duration_rows()
        changes["pacing_limits"] = self.pacing_rows()
        changes["retention_days"] = self.retention_rows()
        changes["csv_delimiter"] = DELIMITERS[self.csv_delimiter.data]
        if self.smtp_password_clear.data:
            # Clears the stored password; not a password literal.
            changes["smtp_password"] = ""  # nosec B105
        elif self.smtp_password.data:
            changes["smtp_password"] = self.smtp_password.data
        if self.sms_auth_token.data:
            changes["sms_auth_token"] = self.sms_auth_token.data
        changes["sms_api_base"] = changes.get("sms_api_base") or Settings().sms_api_base  # empty: Twilio's own
        return changes


SPECIAL = {"services", "durations", "pacing_limits", "retention_days", "csv_delimiter", "smtp_password",
           "sms_auth_token"}


def initial_data(settings: Settings) -> dict[str, Any]:
    data = {name: getattr(settings, name) for name in FIELDS if name not in SPECIAL}
    data["services"] = [dict(s) for s in settings.services]
    data["durations"] = [{"up_to": up_to, "minutes": minutes} for up_to, minutes in settings.durations]
    data["pacing_limits"] = [{"service": k, "covers": v} for k, v in sorted(settings.pacing_limits.items())]
    data["retention_days"] = [{"category": k, "days": v} for k, v in sorted(settings.retention_days.items())]
    reverse = {v: k for k, v in DELIMITERS.items()}
    data["csv_delimiter"] = reverse.get(settings.csv_delimiter, "semicolon")
    return data


def extra_setting_names() -> list[str]:
    """Settings added after this form was written: shown as plain fields under 'Other settings'."""
    known = {name for name, value in vars(BaseSettingsForm).items() if isinstance(value, UnboundField)}
    return [name for name in FIELDS if name not in known]


@lru_cache(maxsize=1)
def settings_form_class() -> type[BaseSettingsForm]:
    defaults = Settings()
    extra = {}
    for name in extra_setting_names():
        value, label = getattr(defaults, name), name.replace("_", " ").capitalize()
        if isinstance(value, bool):
            extra[name] = BooleanField(label)
        elif isinstance(value, int):
            extra[name] = IntegerField(label, validators=[InputRequired(), NumberRange(0, 1_000_000)])
        elif isinstance(value, str):
            extra[name] = StringField(label, validators=[Optional(), Length(max=200)])
    return type("SettingsForm", (BaseSettingsForm,), extra)


def online_choices():
    """The areas and the active tables, for the choice of what guests may book online."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..floor.models import Area, Table

    areas = db.session.scalars(sa.select(Area).order_by(Area.position, Area.name))
    tables = db.session.scalars(sa.select(Table).where(Table.active.is_(True)).order_by(Table.position, Table.name))
    return options((a.id, a.name) for a in areas), options((t.id, t.label) for t in tables)


def make_settings_form(settings: Settings, fresh: bool = False) -> BaseSettingsForm:
    """The form for `settings`; from the request's input when it was submitted (unless `fresh`)."""
    from flask import request

    kwargs = {"formdata": None} if fresh else {}
    form = settings_form_class()(data=initial_data(settings), **kwargs)
    form.online_area_ids.choices, form.online_table_ids.choices = online_choices()
    form.extra_names = [name for name in extra_setting_names() if name in form._fields]
    if fresh or request.method == "GET":
        for rows in (form.services, form.durations, form.pacing_limits, form.retention_days):
            for _ in range(EXTRA_ROWS):
                rows.append_entry()
    return form
