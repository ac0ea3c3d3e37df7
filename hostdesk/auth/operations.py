"""Every change to users, devices and login sessions, with its audit entry.

The transaction is committed by the caller (the view or the CLI command).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from .models import AuthSession, Device, Role, User
from .passwords import MIN_PASSWORD_LENGTH, hash_secret, verify_secret

PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class LoginFailed(DomainError):
    status = 401


class AccountLocked(DomainError):
    status = 423


class DeviceRevoked(DomainError):
    status = 401


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(_l("A password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def _check_pin(pin: str) -> None:
    if not PIN_PATTERN.match(pin or ""):
        raise ValidationFailed(_l("A PIN is 4 to 6 digits."))


# --- users -----------------------------------------------------------------------------------

def create_user(actor: User | None, username: str, display_name: str, role: Role, password: str, pin: str | None = None,
                language: str | None = None) -> User:
    username = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationFailed(_l("A user name is 2 to 40 lower-case letters, digits, dots, dashes or underscores."))
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed(_l("The user name %(name)s is taken.", name=username))
    _check_password(password)
    user = User(username=username, display_name=(display_name or username).strip()[:80], role=Role(role),
                password_hash=hash_secret(password), language=language)
    if pin:
        _check_pin(pin)
        user.pin_hash = hash_secret(pin)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, username=username, role=user.role)
    return user


def update_user(actor: User, user: User, *, display_name: str | None = None, role: Role | None = None,
                language: str | None = None) -> User:
    changes = {}
    if display_name is not None and display_name.strip() and display_name.strip() != user.display_name:
        user.display_name = changes["display_name"] = display_name.strip()[:80]
    if role is not None and Role(role) is not user.role:
        if actor is not None and actor.id == user.id:
            raise ValidationFailed(_l("You cannot change your own role; ask another manager."))
        user.role = changes["role"] = Role(role)
    if language is not None and (language or None) != user.language:
        user.language = changes["language"] = language or None
    if changes:
        record(actor, "user.update", user, **changes)
    return user


def set_active(actor: User, user: User, active: bool) -> User:
    if user.active == active:
        return user
    if not active and actor is not None and actor.id == user.id:
        raise ValidationFailed(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        end_sessions_of(user)
    record(actor, "user.activate" if active else "user.deactivate", user)
    return user


def set_password(actor: User | None, user: User, password: str) -> None:
    _check_password(password)
    user.password_hash = hash_secret(password)
    user.failed_logins, user.failed_since, user.locked_until = 0, None, None
    record(actor, "user.password", user)


def set_pin(actor: User | None, user: User, pin: str) -> None:
    _check_pin(pin)
    user.pin_hash = hash_secret(pin)
    record(actor, "user.pin", user)


# --- login and lockout -----------------------------------------------------------------------

def authenticate(username: str, password: str) -> User:
    """The user for these credentials, or LoginFailed / AccountLocked.

    An unknown user and a wrong password get the same answer. Failures are counted in the
    database with one atomic UPDATE, so several workers share the count.
    """
    now = clock.utcnow()
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip().lower()))
    if user is not None and user.locked_until is not None and user.locked_until > now:
        record(user, "login.refused_locked", user)
        raise AccountLocked(_l("Too many wrong passwords. This account is locked until %(time)s.",
                               time=_local_hm(user.locked_until)))
    if user is None or not verify_secret(user.password_hash if user else None, password or "") or not user.active:
        if user is not None:
            _count_failure(user, now)
        record(user, "login.failed", user, username=(username or "")[:40])
        if user is not None and user.locked_until is not None and user.locked_until > now:
            raise AccountLocked(_l("Too many wrong passwords. This account is locked until %(time)s.",
                                   time=_local_hm(user.locked_until)))
        raise LoginFailed(_l("Unknown user name or wrong password."))
    user.failed_logins, user.failed_since, user.locked_until = 0, None, None
    return user


def _count_failure(user: User, now: datetime) -> None:
    cfg = current_app.config
    window_start = now - cfg["LOGIN_FAILURE_WINDOW"]
    fresh = sa.or_(User.failed_since.is_(None), User.failed_since < window_start)
    db.session.execute(
        sa.update(User).where(User.id == user.id).values(
            failed_logins=sa.case((fresh, 1), else_=User.failed_logins + 1),
            failed_since=sa.case((fresh, now), else_=User.failed_since),
        ).execution_options(synchronize_session=False)
    )
    db.session.refresh(user)
    if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + cfg["LOGIN_LOCK_DURATION"]
        user.failed_logins, user.failed_since = 0, None
        record(None, "login.locked", user, until=user.locked_until)


def _local_hm(moment: datetime) -> str:
    from ..settings import get_settings

    return moment.astimezone(get_settings().zone).strftime("%H:%M")


# --- sessions --------------------------------------------------------------------------------

def start_session(user: User, device: Device | None = None, via_pin: bool = False) -> str:
    """A new server-side session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    db.session.add(AuthSession(token_hash=_hash_token(token), user=user, device=device, via_pin=via_pin,
                               created_at=now, last_active_at=now))
    record(user, "login.pin" if via_pin else "login", user, device=device.name if device else None)
    return token


def find_session(token: str | None) -> AuthSession | None:
    """The login session behind a cookie's token, with its user and tablet (one read)."""
    if not token:
        return None
    return db.session.scalar(sa.select(AuthSession).where(AuthSession.token_hash == _hash_token(token)))


def end_session(session_row: AuthSession | None, reason: str = "logout") -> None:
    """End a login session (None: it is gone already, removed since the request's login check)."""
    if session_row is not None and session_row.ended_at is None:
        session_row.ended_at = clock.utcnow()
        record(session_row.user, f"session.{reason}", session_row.user)


def end_sessions_of(user: User) -> None:
    db.session.execute(
        sa.update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))
        .values(ended_at=clock.utcnow()).execution_options(synchronize_session=False)
    )


# --- shared tablets --------------------------------------------------------------------------

def enroll_device(user: User, name: str) -> tuple[Device, str]:
    """Enrol a shared tablet; returns the device and the token its cookie keeps."""
    token = secrets.token_urlsafe(32)
    device = Device(name=(name or "").strip()[:80] or "Tablet", enrolled_by=user, token_hash=_hash_token(token))
    db.session.add(device)
    db.session.flush()
    record(user, "device.enroll", device, name=device.name)
    return device, token


def find_device(token: str | None) -> Device | None:
    if not token:
        return None
    device = db.session.scalar(sa.select(Device).where(Device.token_hash == _hash_token(token)))
    return device if device is not None and device.revoked_at is None else None


def switch_person(device: Device, user_id: int, pin: str) -> User:
    """Switch the tablet to the person whose PIN this is; 5 wrong PINs revoke the device."""
    if device.revoked_at is not None:
        raise DeviceRevoked(_l("This tablet must be signed in again with a password."))
    user = db.session.get(User, user_id)
    if user is not None and user.active and user.pin_hash and verify_secret(user.pin_hash, pin or ""):
        device.pin_failures = 0
        return user
    db.session.execute(sa.update(Device).where(Device.id == device.id)
                       .values(pin_failures=Device.pin_failures + 1).execution_options(synchronize_session=False))
    db.session.refresh(device)
    record(user, "pin.failed", device, failures=device.pin_failures)
    if device.pin_failures >= current_app.config["DEVICE_MAX_PIN_FAILURES"]:
        device.revoked_at = clock.utcnow()
        db.session.execute(sa.update(AuthSession)
                           .where(AuthSession.device_id == device.id, AuthSession.ended_at.is_(None))
                           .values(ended_at=clock.utcnow()).execution_options(synchronize_session=False))
        record(None, "device.revoked", device, reason="pin_failures")
        raise DeviceRevoked(_l("Too many wrong PINs. This tablet must be signed in again with a password."))
    raise LoginFailed(_l("Wrong PIN."))


def pin_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.active.is_(True), User.pin_hash.is_not(None))
                                   .order_by(User.display_name)))
