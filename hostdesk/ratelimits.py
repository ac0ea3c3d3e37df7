"""Rate limits on guessing (Flask-Limiter): failed sign-ins per typed account and address, and per
address, with counters every worker and app server shares: Redis when configured
(RATELIMIT_STORAGE_URI or HOSTDESK_REDIS_URL), otherwise the app's own database
(sqlstorage.DatabaseStorage), never one worker's memory. An address that keeps failing is slowed
down; the account itself is never locked, so an attacker elsewhere cannot lock a person out.
"""
from __future__ import annotations

import hashlib
import math

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from limits import RateLimitItemPerSecond

from . import sqlstorage  # noqa: F401  (registers the hostdesk+db:// storage scheme)
from .extensions import db

EXTENSION = "hostdesk_limiter"


def address() -> str:
    return request.remote_addr or "unknown"


def typed_account() -> str:
    """The user name as typed (whether it exists or not) and the address it came from. The name is
    kept as a hash: it may be a password typed in the wrong field, and keys reach logs and tables."""
    typed = (request.form.get("username") or "").strip().lower()[:40]
    return f"{hashlib.sha256(typed.encode()).hexdigest()[:24]}|{address()}"


def failed(response) -> bool:
    return response.status_code == 401


def _per_window(setting: str):
    def limit() -> str:
        cfg = current_app.config
        return f"{cfg[setting]} per {int(cfg['LOGIN_FAILURE_WINDOW'].total_seconds())} seconds"
    return limit


def limiter() -> Limiter:
    return current_app.extensions[EXTENSION]


def hit(key: str, allowed: int, seconds: int) -> bool:
    """Count one attempt under `key` in the shared storage; False when more than `allowed` in `seconds`."""
    return limiter().limiter.hit(RateLimitItemPerSecond(allowed, seconds), "hostdesk", key)


def too_many(error: RateLimitExceeded):
    """The translated 429: the login form again with the message, elsewhere a page or a toast."""
    from .auth.forms import LoginForm
    from .web import _message_response

    minutes = max(1, math.ceil(error.limit.limit.get_expiry() / 60))
    message = _("Too many failed attempts from this device. Wait up to %(minutes)d minutes, then try again.",
                minutes=minutes)
    if request.endpoint == "auth.login":
        response = current_app.make_response((render_template("auth/login.html", form=LoginForm(), error=message),
                                              429))
    else:
        response = current_app.make_response(_message_response(message, 429, _("Too many attempts")))
    response.headers["Retry-After"] = str(minutes * 60)
    return response


def register_limits(app: Flask) -> None:
    """After the blueprints: each app gets its own Limiter (its storage is the app's), and the
    sign-in view is wrapped with its two limits, the first-run page with one."""
    cfg = app.config
    if not cfg.get("RATELIMIT_STORAGE_URI"):
        cfg["RATELIMIT_STORAGE_URI"] = "hostdesk+db://"
    if cfg["RATELIMIT_STORAGE_URI"].startswith("hostdesk+db:"):
        cfg.setdefault("RATELIMIT_STORAGE_OPTIONS", {"url": cfg["SQLALCHEMY_DATABASE_URI"]})
    cfg.setdefault("RATELIMIT_KEY_PREFIX", "hostdesk")
    own = Limiter(key_func=address, strategy="fixed-window")
    own.init_app(app)
    app.extensions[EXTENSION] = own
    login = app.view_functions["auth.login"]
    login = own.limit(_per_window("LOGIN_MAX_FAILURES"), key_func=typed_account, methods=["POST"],
                      deduct_when=failed, scope="login-account")(login)
    login = own.limit(_per_window("LOGIN_MAX_FAILURES_PER_ADDRESS"), key_func=address, methods=["POST"],
                      deduct_when=failed, scope="login-address")(login)
    app.view_functions["auth.login"] = login
    # The first-run page's one-time code: the same per-address limit on wrong codes.
    app.view_functions["setup.first_run"] = own.limit(
        _per_window("LOGIN_MAX_FAILURES"), key_func=address, methods=["POST"], deduct_when=failed,
        scope="first-run")(app.view_functions["setup.first_run"])
    app.register_error_handler(RateLimitExceeded, too_many)
    app.after_request(_end_transaction_before_counting)  # after init_app's: Flask runs it before Limiter's


def _end_transaction_before_counting(response):
    """The sign-in view has committed its audit entry; what the page's rendering read ends now, so
    that counting the failure in the same SQLite database does not wait for this request's own lock."""
    if request.endpoint in ("auth.login", "setup.first_run") and failed(response):
        db.session.commit()
    return response
