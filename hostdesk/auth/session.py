"""Who is making this request: the server-side session behind the cookie, and the guard.

The signed cookie holds two random tokens: `sid` for the person's session and, on a
shared tablet, `device` for the tablet itself. When a person's PIN session has been idle
too long it ends and the tablet shows the PIN switch; without a device it's the login. A login
this worker checked is remembered while the database's login generation stays the same and none of
its limits can come due (remembered.py): then one small read replaces the lookup.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import AnonymousUserMixin, current_user

from .. import clock
from ..database import REQUEST_FLAGS, begin_view, write_now
from ..extensions import login
from ..htmx import is_htmx
from . import operations, remembered
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
    (`pin_idle`), the PIN idle time. The login check, the remembered logins and the poll shortcut."""
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


def _good_until(row, marked: datetime) -> datetime:
    """Until when the checks passed now cannot fail and no activity mark is due (remembered.py)."""
    cfg = current_app.config
    pin_idle = _pin_idle_limit() if row.device is not None else None
    return min(marked + timedelta(seconds=ACTIVITY_RESOLUTION_SECONDS),
               session_limit(row.created_at, marked, cfg["SESSION_IDLE_LIMIT"], cfg["SESSION_ABSOLUTE_LIMIT"],
                             pin_idle))


def load_request_user(_request):
    token = session.get("sid")
    if not token:
        return None
    key = operations.session_key(token)
    known = remembered.recall(key)
    now = clock.utcnow()
    if known is not None and known.good_for(operations.login_generation(), now):
        return known.session_user()
    row, generation = operations.read_session(key)
    if row is None or _session_expired(row, now):
        remembered.forget(key)
        session.pop("sid", None)
        return None
    if row.device is not None and now - row.last_active_at > _pin_idle_limit():
        remembered.forget(key)
        write_now(lambda: operations.end_session(row, "timeout"))
        session.pop("sid", None)
        return None
    view = current_app.view_functions.get(request.endpoint)
    mark = (now - row.last_active_at).total_seconds() > ACTIVITY_RESOLUTION_SECONDS and not getattr(
        view, "hostdesk_passive", False)
    user, good_until = remembered.snapshot(row.user), _good_until(row, now if mark else row.last_active_at)
    if mark:
        write_now(lambda: setattr(row, "last_active_at", now))
    remembered.keep(key, user, generation, good_until)
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
    for key in ("_login_user", "auth_session", "hostdesk_device", "hostdesk_settings", "_flask_babel",
                *REQUEST_FLAGS):
        g.pop(key, None)


def register_login(app: Flask) -> None:
    login.init_app(app)
    login.anonymous_user = Anonymous
    login.request_loader(load_request_user)
    app.before_request(forget_previous_request)
    app.before_request(guard)
    app.before_request(begin_view)  # registered last of the app's steps (database.py)
