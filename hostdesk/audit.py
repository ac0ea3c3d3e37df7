"""The audit trail: an append-only record of who did what to which object, when.

Operations call `record()` inside their transaction, so the entry commits or rolls
back with the change it describes. Never pass a guest's personal data or a secret
(verification answers, card numbers, passwords, PINs) as a change value.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .database import UtcDateTime
from .extensions import db

if TYPE_CHECKING:
    from .auth.models import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_subject", "subject_type", "subject_id", "id"),
        sa.Index("ix_audit_at", "at"),
        # One action's entries in a time range, newest first (the figures' bookings over the pacing limit).
        sa.Index("ix_audit_action_at", "action", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Kept beside the id so the trail still reads right after a user is renamed.
    actor_name: Mapped[str] = mapped_column(sa.String(80), default="")
    action: Mapped[str] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(40), default="")
    subject_id: Mapped[int | None] = mapped_column()
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def record(actor: User | None, action: str, subject: Any = None, **changes: Any) -> None:
    """Add an audit entry for `action` on `subject` (a model instance, flushed for its id) to the
    caller's transaction, so it commits or rolls back with the change it describes."""
    subject_type, subject_id = "", None
    if subject is not None:
        if getattr(subject, "id", None) is None:
            db.session.flush()
        subject_type = getattr(subject, "audit_type", subject.__tablename__)
        subject_id = subject.id
    db.session.add(AuditEntry(at=clock.utcnow(), actor_id=getattr(actor, "id", None),
                              actor_name=getattr(actor, "display_name", "") or "", action=action,
                              subject_type=subject_type, subject_id=subject_id, changes=_plain(changes)))


def entries_for(subject_type: str, subject_id: int) -> list[AuditEntry]:
    stmt = (
        sa.select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.id)
    )
    return list(db.session.scalars(stmt))


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, target):  # pragma: no cover - a guard, exercised in tests
    raise RuntimeError("the audit trail is append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise RuntimeError("the audit trail is append-only")
