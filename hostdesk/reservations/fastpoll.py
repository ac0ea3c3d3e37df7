"""The tablets' poll when nothing changed, answered before Flask dispatches the request.

Every tablet asks every 2 seconds whether the board changed (DESIGN: "Live host screen"); nearly
always the answer is 204 No Content. That answer needs only the signed session cookie, the login
session's checks and the board version, so this WSGI step gives it without the rest of the request
machinery (login loading, settings, templates), leaving the server free for the requests that do
work (issue 7: the benchmark).

One indexed read applies the same rules as the login check (auth/session.py): the session exists
and has not ended, its user is active with a role that may see the board, the idle and absolute
limits, a shared tablet not revoked and its person not idle past the PIN time. The worker then
remembers that cookie and the version for a moment (pollcache.py), so most polls need no read at
all. When any check fails, or the path, method, cookie or token is not the expected one, or
anything goes wrong here, the request goes through the app as usual, which then answers, refuses
or ends the session as before. The 204 carries the same headers as the app's own 204 (copied from
the first one it sends).
"""
from __future__ import annotations

import json
import os
import threading
import time
import weakref
from datetime import timedelta
from hashlib import sha256
from urllib.parse import parse_qs

import sqlalchemy as sa
from flask import Flask
from itsdangerous import BadSignature
from werkzeug.http import parse_cookie

from .. import clock
from ..auth.access import BLUEPRINT_ROLES
from ..auth.models import AuthSession, Device, Role, User
from ..auth.session import session_limit
from ..extensions import db
from ..settings import Settings, SettingValue
from . import live, pollcache

ENDPOINTS = ("reservations.poll", "floor.poll")
SKIPPED_HEADERS = {"set-cookie", "content-length", "date", "server"}
SESSION_SECONDS = 5.0  # how long a worker trusts a checked session (POLL_SESSION_SECONDS)
VERSION_SECONDS = 0.1  # how long it trusts the board version it read (POLL_VERSION_SECONDS)


class PollShortcut:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.paths: frozenset[str] | None = None  # set last by _setup: everything else is ready then
        self.headers: list[tuple[str, str]] | None = None  # learnt from the app's first 204 to a poll
        self.engine = None
        self.setup_lock = threading.Lock()
        roles = BLUEPRINT_ROLES["reservations"]
        self.roles = sorted({Role.MANAGER.value, *(r.value for r in roles)})
        self.memory = pollcache.Memory(app.config.get("POLL_SESSION_SECONDS", SESSION_SECONDS),
                                       app.config.get("POLL_VERSION_SECONDS", VERSION_SECONDS))
        _shortcuts.add(self)

    def _setup(self) -> None:
        app = self.app
        self.serializer = app.session_interface.get_signing_serializer(app)
        self.cookie = app.config["SESSION_COOKIE_NAME"]
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        with app.app_context():
            url = db.engine.url
        # Its own small pool: no ping before each use and no transaction around the one read
        # (a failed read just sends the request the full way).
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=4)
        if not sa.event.contains(db.session, "after_commit", pollcache.committed):
            sa.event.listen(db.session, "after_commit", pollcache.committed)
        self.idle_limit = app.config["SESSION_IDLE_LIMIT"]
        self.absolute_limit = app.config["SESSION_ABSOLUTE_LIMIT"]
        version = sa.func.coalesce(live.VERSION.scalar_subquery(), 0)
        self.version_query = sa.select(version)
        pin_idle = sa.select(sa.cast(SettingValue.value, sa.String)).where(
            SettingValue.key == "pin_idle_minutes").scalar_subquery()
        self.query = (sa.select(version, AuthSession.device_id,
                                AuthSession.created_at, AuthSession.last_active_at, Device.revoked_at, pin_idle)
                      .select_from(AuthSession).join(User, User.id == AuthSession.user_id)
                      .outerjoin(Device, Device.id == AuthSession.device_id)
                      .where(AuthSession.token_hash == sa.bindparam("token_hash"), AuthSession.ended_at.is_(None),
                             User.active.is_(True), User.role.in_(self.roles)))
        self.paths = frozenset(r.rule for r in app.url_map.iter_rules() if r.endpoint in ENDPOINTS)

    def __call__(self, environ, start_response):
        if self.paths is None:
            with self.setup_lock:
                if self.paths is None:
                    self._setup()
        if environ.get("PATH_INFO") not in self.paths or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        if self.headers is not None and self._safely_unchanged(environ):
            start_response("204 NO CONTENT", self.headers)
            return []
        return self.wsgi_app(environ, self._learn(start_response))

    def _learn(self, start_response):
        def learning(status, headers, exc_info=None):
            if self.headers is None and status.startswith("204"):
                self.headers = [(k, v) for k, v in headers if k.lower() not in SKIPPED_HEADERS]
            return start_response(status, headers, exc_info)

        return learning

    def _safely_unchanged(self, environ) -> bool:
        try:
            return self._unchanged(environ)
        except Exception:  # whatever went wrong here, the full path answers (and logs its own errors)
            return False

    def _unchanged(self, environ) -> bool:
        wanted = parse_qs(environ.get("QUERY_STRING", "")).get("v")
        cookie = parse_cookie(environ).get(self.cookie)
        if not wanted or not cookie:
            return False
        current = pollcache.generation()  # before any read: a commit during it makes what it read stale
        now = clock.utcnow()
        if not self.memory.session_ok(cookie, now, current):
            version = self._check_session(cookie, now, current)
        elif (version := self.memory.version(current)) is None:
            row = self._read(self.version_query, {}, current)
            version = None if row is None else row[0]
        return version is not None and wanted[0] == live.token(version)

    def _read(self, query, params, current: int):
        """One row on the shortcut's own connection, the board version first (remembered), or None."""
        try:
            with self.engine.connect() as conn:
                row = conn.execute(query, params).first()
        except sa.exc.DBAPIError:
            return None
        if row is not None:
            self.memory.remember_version(row[0], current)
        return row

    def _check_session(self, cookie: str, now, current: int) -> int | None:
        """The login check's rules on one read; remembers the cookie until the earliest limit."""
        try:
            data, signed_at = self.serializer.loads(cookie, max_age=self.max_age, return_timestamp=True)
            sid = data.get("sid")
        except (BadSignature, AttributeError):
            return None
        if not sid:
            return None
        row = self._read(self.query, {"token_hash": sha256(sid.encode()).hexdigest()}, current)
        if row is None:
            return None
        version, device_id, created_at, last_active_at, revoked_at, pin_idle = row
        pin_limit = None
        if device_id is not None:  # a shared tablet: revoked, or back to the PIN screen when idle
            if revoked_at is not None:
                return None
            pin_limit = timedelta(minutes=json.loads(pin_idle) if pin_idle else Settings().pin_idle_minutes)
        valid_until = session_limit(created_at, last_active_at, self.idle_limit, self.absolute_limit, pin_limit)
        if now > valid_until:
            return None
        cookie_left = signed_at.timestamp() + self.max_age - time.time()
        self.memory.remember_session(cookie, valid_until, cookie_left, current)
        return version


_shortcuts: weakref.WeakSet[PollShortcut] = weakref.WeakSet()


def _after_fork() -> None:
    """A forked worker must not share the parent's database connections."""
    for shortcut in list(_shortcuts):
        if shortcut.engine is not None:
            shortcut.engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork)


def install(app: Flask) -> None:
    app.wsgi_app = PollShortcut(app, app.wsgi_app)
