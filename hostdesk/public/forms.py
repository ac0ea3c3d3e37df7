"""Public forms' guard against scripts: a honeypot field and a minimum fill time.

`website` is a text field hidden from people (off screen, out of the tab order, aria-hidden); a
person leaves it empty. `started` is a timestamp signed with the app's secret when the form is
shown; a form sent back sooner than PUBLIC_MIN_FILL_SECONDS, later than PUBLIC_MAX_FORM_AGE, or
with a stamp that is not ours, is refused. Both refusals give one message that names no trap.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from wtforms.fields import HiddenField, StringField
from wtforms.validators import ValidationError

from .. import clock
from ..forms import AppForm

SALT = "hostdesk-public-form"
TOO_QUICK = _l("This form was sent very quickly. Check what you filled in, wait a moment and send it again.")
TOO_OLD = _l("This form has been open too long. Check what you filled in and send it again.")


class _ClockedSigner(TimestampSigner):
    """itsdangerous stamps with time.time(); the app's clock (frozen in tests) decides instead."""

    def get_timestamp(self) -> int:
        return int(clock.utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=_ClockedSigner)


def new_stamp() -> str:
    """A signed stamp of this moment (the app's clock) for the `started` field."""
    return _serializer().dumps("form")


def stamp_age(value: str) -> float | None:
    """Seconds since the stamp was made, or None when it is not one of ours."""
    try:
        _, signed_at = _serializer().loads(value or "", return_timestamp=True)
    except BadSignature:
        return None
    return clock.utcnow().timestamp() - signed_at.timestamp()


class GuardedForm:
    """Mixin for a Flask-WTF form: the honeypot `website` and the signed fill-time stamp `started`.
    Render both with `guard_fields(form)` (templates/public/_macros.html); `guard_errors` lists
    the refusal for the top of the form. A refused form gets a new stamp, so the next try counts anew."""

    website = StringField(_l("Leave this field empty"))
    started = HiddenField(default=new_stamp)

    def validate_website(self, field) -> None:
        if (field.data or "").strip():
            self._renew_stamp()
            raise ValidationError(TOO_QUICK)

    def validate_started(self, field) -> None:
        age = stamp_age(field.data)
        config = current_app.config
        if age is None or age < config["PUBLIC_MIN_FILL_SECONDS"]:
            self._renew_stamp()
            raise ValidationError(TOO_QUICK)
        if age > config["PUBLIC_MAX_FORM_AGE"].total_seconds():
            self._renew_stamp()
            raise ValidationError(TOO_OLD)

    def _renew_stamp(self) -> None:
        self.started.raw_data = None
        self.started.data = new_stamp()

    @property
    def guard_errors(self) -> list[str]:
        """The guard's refusal (one message at most): shown above the form, since both fields are hidden."""
        errors = [*self.website.errors, *self.started.errors]
        return [str(errors[0])] if errors else []


class PublicForm(GuardedForm, AppForm):
    """A public page's form: AppForm's checks (one-line fields, translated messages) and the guard."""
