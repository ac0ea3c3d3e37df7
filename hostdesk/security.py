"""Security headers (Flask-Talisman): a CSP without inline script or eval, no framing."""
from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from .errors import ValidationFailed
from .extensions import talisman

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


def refuse_nul_bytes() -> None:
    """No form has a use for a NUL character and PostgreSQL cannot store one in text: refuse the
    input before any view sees it (422 with a translated message; nothing is stored)."""
    for values in (request.args, request.form):
        for key, items in values.lists():
            if "\x00" in key or any("\x00" in item for item in items):
                raise ValidationFailed(_l("The request could not be understood. Please reload the page and try again."))


def register_security(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
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
