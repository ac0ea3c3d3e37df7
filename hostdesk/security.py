"""Security headers (Flask-Talisman): a CSP without inline script or eval, no framing; and the
input no request may bring in: NUL characters and full card numbers."""
from __future__ import annotations

import re

from flask import Flask, current_app, request
from flask import Request as FlaskRequest
from flask_babel import lazy_gettext as _l
from flask_talisman import Talisman

from . import cards
from .errors import ValidationFailed
from .phones import valid_number

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


NOT_CHECKED = ("password", "pin", "csrf_token")  # secrets are hashed, never shown; card checks do not apply


def holds_card_number(value: str) -> bool:
    """The one card-number rule (cards.py): a Luhn-valid 13 to 19 digits, any separators between them."""
    return cards.holds_card_number(value)


def phone_number(key: str, value: str) -> bool:
    """A phone field's value that phonenumbers finds valid as written ("+31 6 …", "0031 6 …", "06 …")
    is not a card number: a card number never starts with 0 or +, while "0031 6 …" has 13 digits
    and is Luhn-valid one time in ten."""
    return "phone" in key and value.lstrip().startswith(("+", "0")) and valid_number(value) is not None


def generated(*names: str):
    """Mark a view's query arguments that the app itself writes into its pages, such as the board
    poll's version token ("15287.29925494"): no person types them, and a version beside a minute is
    often a Luhn-valid run of digits, so the card-number check does not apply to them."""
    def mark(view):
        view.hostdesk_generated_args = frozenset(names)
        return view
    return mark


# Tab, line feed and carriage return are the only control characters a person types (in a
# multi-line field; one-line fields refuse them too: forms.single_line).
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def holds_control_character(value: str) -> bool:
    """A C0 or C1 control character or DEL (ESC, backspace ...), but tab and line breaks."""
    return _CONTROL.search(value) is not None


def refuse_unsafe_input() -> None:
    """Refuse, before any view sees it, input that must never be stored (422, a translated message):
    a NUL character (no form has a use for one, and PostgreSQL cannot store it in text), any other
    control character but tab and line breaks (in every field of every request: one rule for
    names and notes everywhere), and what looks like a full card number in any field (but the
    view's `generated` arguments and a phone field's valid phone numbers), so none reaches a
    table, a log line or a page."""
    view = current_app.view_functions.get(request.endpoint)
    skipped = getattr(view, "hostdesk_generated_args", frozenset())
    for values in (request.args, request.form):
        for key, items in values.lists():
            if "\x00" in key or any("\x00" in item for item in items):
                raise ValidationFailed(_l("The request could not be understood. Please reload the page and try again."))
            if holds_control_character(key) or any(holds_control_character(item) for item in items):
                raise ValidationFailed(_l("Control characters (such as Escape or Backspace) cannot be stored. "
                                          "Type the text again without them."))
            exempt = ((values is request.args and key in skipped) or any(word in key for word in NOT_CHECKED)
                      or all(phone_number(key, item) for item in items))
            if not exempt and any(holds_card_number(item) for item in items):
                raise ValidationFailed(_l("This looks like a full card number. Card numbers are never stored: "
                                          "leave it out (the last 4 digits are enough)."))


talisman = Talisman()


PHOTO_ENDPOINTS = {"lostfound.register"}


class Request(FlaskRequest):
    """A request whose body may be as large as MAX_PHOTO_REQUEST_LENGTH on a page that takes a photo
    (decided before any hook reads the form), so the form itself refuses a photo over its limit."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.endpoint in PHOTO_ENDPOINTS and current_app:
            return current_app.config["MAX_PHOTO_REQUEST_LENGTH"]
        return FlaskRequest.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def register_security(app: Flask) -> None:
    app.request_class = Request
    app.before_request(refuse_unsafe_input)
    https = app.config["HOSTDESK_HTTPS"]
    talisman.init_app(
        app,
        force_https=False,  # TLS is the reverse proxy's job; HOSTDESK_HTTPS=1 marks cookies Secure
        strict_transport_security=https,
        session_cookie_secure=https,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        frame_options="DENY",
        content_security_policy=CSP,
        referrer_policy="same-origin",
        permissions_policy={"camera": "self", "geolocation": "()", "microphone": "()"},
        x_content_type_options=True,
    )


def safe_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: never another host (an open redirect).
    Browsers read a backslash as a slash and drop tabs and newlines, so those would leave it too."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and target.isprintable():
        return target
    return default
