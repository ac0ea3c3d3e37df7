"""The few changes of the manager's own: a person changing their own password and PIN.

Managing other users goes through hostdesk.auth.operations directly.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..auth import operations as auth_ops
from ..auth.models import User
from ..auth.passwords import verify_secret
from ..errors import ValidationFailed


def _check_current(user: User, current_password: str) -> None:
    if not verify_secret(user.password_hash, current_password or ""):
        raise ValidationFailed(_l("Your current password is not right."))


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    _check_current(user, current_password)
    auth_ops.set_password(user, user, new_password)


def change_own_pin(user: User, current_password: str, new_pin: str) -> None:
    _check_current(user, current_password)
    auth_ops.set_pin(user, user, new_pin)


def change_own_language(user: User, language: str) -> None:
    auth_ops.update_user(user, user, language=language or "")
