"""Every change to users, devices and login sessions, with its audit entry.

The transaction is committed by the caller (the view or the CLI command).
"""
from __future__ import annotations

import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..database import MAX_ID
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from .models import AuthSession, Device, Role, User
from .passwords import MIN_PASSWORD_LENGTH, hash_secret, verify_secret
from .policy import is_common_password, is_weak_pin

PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class LoginFailed(DomainError):
    status = 401


class PinLocked(LoginFailed):
    status = 423


class DeviceRevoked(DomainError):
    status = 401


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str, vetted: bool = True) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(_l("A password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if vetted and is_common_password(password):
        raise ValidationFailed(_l("This password is on a list of common passwords that are tried first. "
                                  "Choose another."))


def _check_pin(pin: str, user: User | None = None, vetted: bool = True) -> None:
    """A PIN of 4 to 6 digits, not easy to guess and nobody else's (`user`: whose PIN it will be)."""
    if not PIN_PATTERN.match(pin or ""):
        raise ValidationFailed(_l("A PIN is 4 to 6 digits."))
    if not vetted:
        return
    if is_weak_pin(pin):
        raise ValidationFailed(_l("This PIN is too easy to guess (such as 1234, 0000 or a year). Choose another."))
    others = sa.select(User.pin_hash).where(User.pin_hash.is_not(None))
    if user is not None and user.id is not None:
        others = others.where(User.id != user.id)
    if any(verify_secret(stored, pin) for stored in db.session.scalars(others)):
        raise ValidationFailed(_l("Someone else already has this PIN. Choose another."))


# --- users -----------------------------------------------------------------------------------

def create_user(actor: User | None, username: str, display_name: str, role: Role, password: str, pin: str | None = None,
                language: str | None = None, vetted: bool = True) -> User:
    """A new user; `vetted=False` only for the demo users, whose easy logins README lists (the demo
    band marks them on every page)."""
    username = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationFailed(_l("A user name is 2 to 40 lower-case letters, digits, dots, dashes or underscores."))
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed(_l("The user name %(name)s is taken.", name=username))
    _check_password(password, vetted)
    if pin:
        _check_pin(pin, vetted=vetted)
    user = User(username=username, display_name=(display_name or username).strip()[:80], role=Role(role),
                password_hash=hash_secret(password), language=language)
    if pin:
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
    record(actor, "user.password", user)


def set_pin(actor: User | None, user: User, pin: str) -> None:
    """A new PIN; it also lifts a PIN lock (a manager's reset)."""
    _check_pin(pin, user)
    user.pin_hash = hash_secret(pin)
    user.pin_failures, user.pin_locked_at = 0, None
    record(actor, "user.pin", user)


# --- login and lockout -----------------------------------------------------------------------

def authenticate(username: str, password: str) -> User:
    """The user for these credentials, or LoginFailed.

    An unknown user, a deactivated one and a wrong password get the same answer after the same
    work: the password is checked against a dummy hash when the name matches no account. Failed
    sign-ins are throttled per typed name and address and per address (ratelimits.py), never by
    locking the account. A successful sign-in lifts the person's PIN lock.
    """
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip().lower()))
    right = verify_secret(user.password_hash if user is not None else None, password or "")
    if user is None or not right or not user.active:
        # A typed name that matches no account is not kept: it may be a password in the wrong field.
        record(user, "login.failed", user, address=request.remote_addr if has_request_context() else None)
        raise LoginFailed(_l("Unknown user name or wrong password."))
    if user.pin_locked_at is not None or user.pin_failures:
        user.pin_failures, user.pin_locked_at = 0, None
        record(user, "pin.unlocked", user, by="password")
    return user


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
    """Switch the tablet to the person whose PIN this is.

    Wrong PINs are counted per person, across every tablet, and per tablet within the failure
    window; a success resets only that person's own count. PERSON_MAX_PIN_FAILURES wrong PINs lock
    the person's PIN until they sign in with their password or a manager sets a new one;
    DEVICE_MAX_PIN_FAILURES on one tablet revoke the tablet. Each wrong PIN and each lock is audited
    with the tablet and the person tried.
    """
    cfg = current_app.config
    if device.revoked_at is not None:
        raise DeviceRevoked(_l("This tablet must be signed in again with a password."))
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is not None and user.pin_locked_at is not None:
        record(user, "pin.refused_locked", device, tablet=device.name, person=user.username)
        raise PinLocked(_l("This PIN is locked after too many wrong tries. Sign in with your password, "
                           "or ask a manager for a new PIN."))
    if user is not None and user.active and user.pin_hash and verify_secret(user.pin_hash, pin or ""):
        if user.pin_failures:
            user.pin_failures = 0
        return user
    now = clock.utcnow()
    fresh = sa.or_(Device.pin_failed_since.is_(None), Device.pin_failed_since < now - cfg["LOGIN_FAILURE_WINDOW"])
    db.session.execute(sa.update(Device).where(Device.id == device.id).values(
        pin_failures=sa.case((fresh, 1), else_=Device.pin_failures + 1),
        pin_failed_since=sa.case((fresh, now), else_=Device.pin_failed_since),
    ).execution_options(synchronize_session=False))
    db.session.refresh(device)
    person_failures = None
    if user is not None:
        db.session.execute(sa.update(User).where(User.id == user.id).values(pin_failures=User.pin_failures + 1)
                           .execution_options(synchronize_session=False))
        db.session.refresh(user)
        person_failures = user.pin_failures
    record(user, "pin.failed", device, tablet=device.name, person=user.username if user else None,
           failures=device.pin_failures, person_failures=person_failures)
    if user is not None and user.pin_failures >= cfg["PERSON_MAX_PIN_FAILURES"]:
        user.pin_locked_at = now
        record(None, "pin.locked", user, tablet=device.name, person=user.username, failures=user.pin_failures)
    if device.pin_failures >= cfg["DEVICE_MAX_PIN_FAILURES"]:
        device.revoked_at = now
        db.session.execute(sa.update(AuthSession)
                           .where(AuthSession.device_id == device.id, AuthSession.ended_at.is_(None))
                           .values(ended_at=now).execution_options(synchronize_session=False))
        record(None, "device.revoked", device, reason="pin_failures")
        raise DeviceRevoked(_l("Too many wrong PINs. This tablet must be signed in again with a password."))
    if user is not None and user.pin_locked_at is not None:
        raise PinLocked(_l("This PIN is locked after too many wrong tries. Sign in with your password, "
                           "or ask a manager for a new PIN."))
    raise LoginFailed(_l("Wrong PIN."))


def pin_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.active.is_(True), User.pin_hash.is_not(None))
                                   .order_by(User.display_name)))
