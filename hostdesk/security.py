"""Security headers (Flask-Talisman): a CSP without inline script or eval, no framing; and the
input no request may bring in: NUL characters and full card numbers."""
from __future__ import annotations

import re
import unicodedata

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_talisman import Talisman

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


_DIGIT_RUN = re.compile(r"\d(?:[ .\-/]?\d){12,}")
NOT_CHECKED = ("password", "pin", "csrf_token")  # secrets are hashed, never shown; card checks do not apply


def luhn_valid(digits: str | list[int]) -> bool:
    total = 0
    for index, n in enumerate(map(int, reversed(digits))):
        total += (n * 2 - 9 if n > 4 else n * 2) if index % 2 else n
    return total % 10 == 0


def holds_card_number(value: str) -> bool:
    """A Luhn-valid run of 13 to 19 digits (spaces, dots, dashes or slashes between them allowed)."""
    for run in _DIGIT_RUN.finditer(unicodedata.normalize("NFKC", value or "")):
        digits = [int(c) for c in run.group() if c.isdigit()]
        for length in range(13, min(19, len(digits)) + 1):
            if any(luhn_valid(digits[i:i + length]) for i in range(len(digits) - length + 1)):
                return True
    return False


def phone_number(key: str, value: str) -> bool:
    """A phone field's value written as a phone number ("+31 6 …", "0031 6 …", "06 …") that
    phonenumbers finds valid (phones.valid_number, as bookings.normalise_phone reads it) is not a
    card number. Written with 00 and the country code, a mobile number has 13 digits, and one in
    ten of them is Luhn-valid: it was refused. A card number never starts with 0 or +, and none of
    30,000 random Luhn-valid runs of 13-19 digits was a valid phone number as typed."""
    return "phone" in key and value.lstrip().startswith(("+", "0")) and valid_number(value) is not None


def generated(*names: str):
    """Mark a view's query arguments that the app itself writes into its pages, such as the board
    poll's version token ("15287.29925494"): no person types them, so the card-number check does
    not apply to them. From the board's 10,000th change on, a version and a minute side by side are
    a Luhn-valid run of 13 or more digits one time in ten or more; refused, the tablet kept asking
    with that token and never saw the board change again."""
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


class SteadyTalisman(Talisman):
    """Flask-Talisman, writing the headers it worked out for the first response again. Talisman
    works them out anew for every response (each view's options read four times, the policies
    parsed and joined): a seventh of what a logged-in request costs beyond the bare Flask floor
    (issue 7, instructions counted with callgrind). Hostdesk sets no view its own options and uses
    no nonce, so every response gets the same headers, but HSTS, which depends on whether the
    request came over HTTPS: one set for each, taken from Talisman itself. A view with options of
    its own, or a nonce, gets Talisman's own work every time."""

    def init_app(self, app, **options):
        self._steady: dict[bool, tuple[tuple[str, str], ...]] = {}
        super().init_app(app, **options)

    def _own_work(self) -> bool:
        view = current_app.view_functions.get(request.endpoint)
        return bool(self.content_security_policy_nonce_in) or hasattr(view, "talisman_view_options")

    def _force_https(self):
        if self.force_https or self.session_cookie_secure or self._own_work():
            return super()._force_https()
        return None  # (Talisman's own would only work out that there is nothing to do)

    def _make_nonce(self):
        if self._own_work():
            super()._make_nonce()

    def _set_response_headers(self, response):
        if self._own_work():
            return super()._set_response_headers(response)
        secure = bool(self.strict_transport_security) and (
            request.is_secure or request.headers.get("X-Forwarded-Proto", "http") == "https")
        headers = self._steady.get(secure)
        if headers is None:
            headers = self._steady[secure] = self._headers_written()
        for name, value in headers:
            response.headers[name] = value
        return response

    def _headers_written(self) -> tuple[tuple[str, str], ...]:
        blank = current_app.response_class()
        before = set(blank.headers.items())
        super()._set_response_headers(blank)
        return tuple(header for header in blank.headers.items() if header not in before)


talisman = SteadyTalisman()


def register_security(app: Flask) -> None:
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
