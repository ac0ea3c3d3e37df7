"""Security headers (Flask-Talisman): a CSP without inline script or eval, no framing."""
from __future__ import annotations

from flask import Flask

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


def register_security(app: Flask) -> None:
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
