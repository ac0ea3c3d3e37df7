"""The history of accounts and settings, read from the audit trail: sign-ins, failed sign-ins, locks,
password and PIN resets, role changes, deactivations and settings changes, with who did it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField

from ..audit import AuditEntry
from ..auth.models import AuthSession, User
from ..extensions import db
from ..settings import get_settings
from .stats import Period

PER_PAGE = 50

KINDS = {
    "logins": (_l("Sign-ins"), ("login", "login.pin")),
    "failed": (_l("Failed sign-ins"), ("login.failed", "pin.failed", "login.refused_locked")),
    "locks": (_l("Locks"), ("login.locked", "device.revoked")),
    "secrets": (_l("Password and PIN resets"), ("user.password", "user.pin")),
    "users": (_l("New users, name, role and language changes"), ("user.create", "user.update")),
    "active": (_l("Deactivations and activations"), ("user.deactivate", "user.activate")),
    "settings": (_l("Settings changes"), ("settings.update",)),
}
ACTIONS = tuple(action for _label, actions in KINDS.values() for action in actions)

ACTION_LABELS = {
    "login": _l("Signed in"), "login.pin": _l("Switched in with a PIN"), "login.failed": _l("Sign-in failed"),
    "pin.failed": _l("Wrong PIN on a tablet"), "login.refused_locked": _l("Sign-in refused: account locked"),
    "login.locked": _l("Account locked after wrong passwords"),
    "device.revoked": _l("Tablet signed out after wrong PINs"),
    "user.password": _l("Password reset"), "user.pin": _l("PIN reset"), "user.create": _l("User created"),
    "user.update": _l("User changed"), "user.deactivate": _l("Deactivated"), "user.activate": _l("Activated again"),
    "settings.update": _l("Settings changed"),
}
CHANGE_LABELS = {"role": _l("role"), "display_name": _l("name"), "language": _l("language"),
                 "username": _l("user name"), "device": _l("tablet"), "until": _l("until"),
                 "failures": _l("wrong PINs"), "reason": _l("reason"), "name": _l("name")}


def setting_labels() -> dict[str, str]:
    from .settings_form import BaseSettingsForm

    return {name: str(value.args[0]) for name, value in vars(BaseSettingsForm).items()
            if isinstance(value, UnboundField) and value.args}


@dataclass
class HistoryRow:
    at: datetime
    action: str
    label: str
    actor: str
    subject: str
    changes: list[tuple[str, str]]


@dataclass
class HistoryPage:
    rows: list[HistoryRow]
    total: int
    page: int
    pages: int


def _value(value) -> str:
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _named_value(key: str, value) -> str:
    """A role or language by its name in the reader's language, anything else as written."""
    from .forms import LANGUAGE_CHOICES, ROLE_CHOICES

    names = {"role": dict(ROLE_CHOICES), "language": dict(LANGUAGE_CHOICES),
             "default_language": dict(LANGUAGE_CHOICES)}.get(key, {})
    return str(names[value]) if value in names else _value(value)


def history_page(kind: str | None, person: int | None, start: date | None, end: date | None, page: int = 1
                 ) -> HistoryPage:
    settings = get_settings()
    actions = KINDS[kind][1] if kind in KINDS else ACTIONS
    where = [AuditEntry.action.in_(actions)]
    if person is not None:
        where.append(sa.or_(sa.and_(AuditEntry.subject_type == User.__tablename__, AuditEntry.subject_id == person),
                            AuditEntry.actor_id == person))
    if start is not None or end is not None:
        lower, upper = Period("range", start or end, end or start).bounds(settings.zone, settings.boundary)
        where += [AuditEntry.at >= lower, AuditEntry.at < upper]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(*where))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    subject = sa.orm.aliased(User)
    stmt = (sa.select(AuditEntry.at, AuditEntry.action, AuditEntry.actor_name, AuditEntry.subject_type,
                      subject.display_name, AuditEntry.changes)
            .outerjoin(subject, sa.and_(AuditEntry.subject_type == User.__tablename__,
                                        subject.id == AuditEntry.subject_id))
            .where(*where).order_by(AuditEntry.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    names = setting_labels()
    rows = []
    for at, action, actor, subject_type, subject_name, changes in db.session.execute(stmt):
        labels = names if action == "settings.update" else CHANGE_LABELS
        shown = [(str(labels.get(k, k.replace("_", " "))), _named_value(k, v)) for k, v in (changes or {}).items()
                 if k not in ("smtp_password",) and v not in (None, "")]
        if action == "settings.update" and "smtp_password" in (changes or {}):
            shown.append((names.get("smtp_password", "smtp password"), str(_l("changed"))))
        rows.append(HistoryRow(at, action, str(ACTION_LABELS.get(action, action)), actor or "—",
                               subject_name or ("" if subject_type != User.__tablename__ else "?"), shown))
    return HistoryPage(rows, total, page, pages)


def last_sign_ins() -> dict[int, datetime]:
    """Each person's latest sign-in (a password or a PIN), from the login sessions."""
    return dict(db.session.execute(sa.select(AuthSession.user_id, sa.func.max(AuthSession.created_at))
                                   .group_by(AuthSession.user_id)).all())
