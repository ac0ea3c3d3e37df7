from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..database import UtcDateTime, enum_type
from ..extensions import db


class Role(enum.StrEnum):
    HOST = "host"
    STAFF = "staff"
    MANAGER = "manager"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    pin_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    # No longer written: failed sign-ins are throttled per address (ratelimits.py), an account is
    # never locked. Kept until a migration rebuilds the table anyway.
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Wrong PINs for this person on any tablet since their last good PIN or password sign-in;
    # at PERSON_MAX_PIN_FAILURES the PIN is locked until a password sign-in or a new PIN.
    pin_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    pin_locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER

    def has_role(self, *roles: Role) -> bool:
        return self.role is Role.MANAGER or self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class Device(db.Model):
    """A shared tablet, enrolled once with a full login; people switch on it with a PIN."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    enrolled_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pin_failures: Mapped[int] = mapped_column(default=0)  # within the failure window, since pin_failed_since
    pin_failed_since: Mapped[datetime | None] = mapped_column(UtcDateTime)

    enrolled_by: Mapped[User] = relationship()


class AuthSession(db.Model):
    """A server-side login session: the cookie holds only a random token whose hash is here.

    A new row on every login and PIN switch; logout, a disabled user, or a revoked device
    end it at once, and a replayed cookie of an ended session is refused.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id", ondelete="CASCADE"))
    via_pin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    last_active_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    device: Mapped[Device | None] = relationship(lazy="joined")

