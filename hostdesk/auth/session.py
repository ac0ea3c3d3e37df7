"""Who is making this request: the server-side session behind the cookie, and the guard.

The signed cookie holds two random tokens: `sid` for the person's session and, on a
shared tablet, `device` for the tablet itself. When a person's PIN session has been idle
too long it ends and the tablet shows the PIN switch; without a device it's the login. Every
request reads its login session again, so a sign-out or a deactivation holds from the next request.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import AnonymousUserMixin, current_user

from .. import clock
from ..database import write_apart
from ..extensions import login
from ..htmx import is_htmx
from . import operations
from .access import PUBLIC, access_for, may_access

ACTIVITY_RESOLUTION_SECONDS = 30


class Anonymous(AnonymousUserMixin):
    display_name = ""
    role = None
    language = None

    def has_role(self, *roles) -> bool:
        return False


def passive(view):
    """Mark a view (the board's poll) whose requests do not count as a person's activity."""
    view.hostdesk_passive = True
    return view


def session_limit(created_at: datetime, last_active_at: datetime, idle_limit: timedelta,
                  absolute_limit: timedelta, pin_idle: timedelta | None = None) -> datetime:
    """When a login session ends by itself: its idle and absolute limits and, on a shared tablet
    (`pin_idle`), the PIN idle time."""
    limits = [created_at + absolute_limit, last_active_at + idle_limit]
    if pin_idle is not None:
        limits.append(last_active_at + pin_idle)
    return min(limits)


def _session_expired(row, now) -> bool:
    cfg = current_app.config
    if row.ended_at is not None or not row.user.active:
        return True
    if row.device is not None and row.device.revoked_at is not None:
        return True
    return now > session_limit(row.created_at, row.last_active_at, cfg["SESSION_IDLE_LIMIT"],
                               cfg["SESSION_ABSOLUTE_LIMIT"])


def _pin_idle_limit() -> timedelta:
    from ..settings import get_settings

    return timedelta(minutes=get_settings().pin_idle_minutes)


def load_request_user(_request):
    token = session.get("sid")
    if not token or g.get("hostdesk_database_down"):  # the 503 page is for nobody in particular
        return None
    row = operations.find_session(token)
    now = clock.utcnow()
    if row is None or _session_expired(row, now):
        session.pop("sid", None)
        return None
    if row.device is not None and now - row.last_active_at > _pin_idle_limit():
        write_apart(lambda: operations.end_session(row, "timeout"))
        session.pop("sid", None)
        return None
    view = current_app.view_functions.get(request.endpoint)
    if (now - row.last_active_at).total_seconds() > ACTIVITY_RESOLUTION_SECONDS and not getattr(
            view, "hostdesk_passive", False):
        write_apart(lambda: setattr(row, "last_active_at", now))
    g.auth_session = row
    return row.user


def login_session():
    """The request's login session row (the logout and the PIN switch end it)."""
    if "auth_session" not in g:
        g.auth_session = operations.find_session(session.get("sid"))
    return g.auth_session


def current_device():
    if "hostdesk_device" not in g:
        g.hostdesk_device = operations.find_device(session.get("device"))
    return g.hostdesk_device


def _page_path() -> str:
    """Where to return after login: for htmx, the page the fragment was asked from, not the fragment."""
    if is_htmx():
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc == request.host and current.path.startswith("/"):
            return current.path + (f"?{current.query}" if current.query else "")
        return "/"
    return request.full_path


def _refuse_anonymous():
    target = url_for("auth.switch") if current_device() is not None else url_for("auth.login", next=_page_path())
    if is_htmx():
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def guard():
    """Every route but the public ones needs a login, and each role reaches only its pages."""
    if access_for(request.endpoint) == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return _refuse_anonymous()
    if not may_access(current_user, request.endpoint):
        current_app.logger.warning("refused %s for %s (%s)", request.path, current_user.username, current_user.role)
        abort(403)
    return None


def forget_previous_request() -> None:
    """Start every request without a cached user, session or settings.

    Flask gives each request a fresh `g`, except when an app context is already pushed (as in
    tests that hold one while using the test client): then nothing may leak between requests.
    """
    for key in ("_login_user", "auth_session", "hostdesk_device", "hostdesk_settings", "_flask_babel"):
        g.pop(key, None)


def register_login(app: Flask) -> None:
    login.init_app(app)
    login.anonymous_user = Anonymous
    login.request_loader(load_request_user)
    app.before_request(forget_previous_request)
    app.before_request(guard)
