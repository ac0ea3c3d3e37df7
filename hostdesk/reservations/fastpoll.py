"""The tablets' poll when nothing changed, answered before Flask dispatches the request.

Every tablet asks every 2 seconds whether the board changed (DESIGN: "Live host screen"); nearly
always the answer is 204 No Content. That answer needs only the signed session cookie and one
indexed read that checks the login session and the board version together, so this WSGI step
gives it without the rest of the request machinery (login loading, settings, templates),
leaving the server free for the requests that do work (issue 7: the benchmark).

The one read applies the same rules as the login check (auth/session.py): the session exists and
has not ended, its user is active with a role that may see the board, the idle and absolute limits,
a shared tablet not revoked and its person not idle past the PIN time. When any of these fails, or
the path, method, cookie or token is not the expected one, the request goes through the app as
usual, which then refuses it (and ends the session) as before. The 204 carries the same headers as
the app's own 204 (copied from the first one it sends).
"""
from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs

import sqlalchemy as sa
from flask import Flask
from itsdangerous import BadSignature
from werkzeug.http import parse_cookie

from .. import clock
from ..auth.access import BLUEPRINT_ROLES
from ..auth.models import AuthSession, Device, Role, User
from ..extensions import db
from ..settings import Settings, SettingValue
from . import live
from .models import BoardVersion

ENDPOINTS = ("reservations.poll", "floor.poll")
SKIPPED_HEADERS = {"set-cookie", "content-length", "date", "server"}


class PollShortcut:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.paths: frozenset[str] | None = None
        self.headers: list[tuple[str, str]] | None = None  # learnt from the app's first 204 to a poll
        self.engine = None
        self.serializer = None
        roles = BLUEPRINT_ROLES["reservations"]
        self.roles = sorted({Role.MANAGER.value, *(r.value for r in roles)})

    def _setup(self) -> None:
        app = self.app
        self.paths = frozenset(r.rule for r in app.url_map.iter_rules() if r.endpoint in ENDPOINTS)
        self.serializer = app.session_interface.get_signing_serializer(app)
        self.cookie = app.config["SESSION_COOKIE_NAME"]
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        with app.app_context():
            url = db.engine.url
        # Its own small pool: no ping before each use and no transaction around the one read
        # (a failed read just sends the request the full way).
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=4)
        self.idle_limit = app.config["SESSION_IDLE_LIMIT"]
        self.absolute_limit = app.config["SESSION_ABSOLUTE_LIMIT"]
        version = sa.select(BoardVersion.version).where(BoardVersion.id == 1).scalar_subquery()
        pin_idle = sa.select(sa.cast(SettingValue.value, sa.String)).where(
            SettingValue.key == "pin_idle_minutes").scalar_subquery()
        self.query = (sa.select(sa.func.coalesce(version, 0), AuthSession.device_id, AuthSession.created_at,
                                AuthSession.last_active_at, Device.revoked_at, pin_idle)
                      .select_from(AuthSession).join(User, User.id == AuthSession.user_id)
                      .outerjoin(Device, Device.id == AuthSession.device_id)
                      .where(AuthSession.token_hash == sa.bindparam("token_hash"), AuthSession.ended_at.is_(None),
                             User.active.is_(True), User.role.in_(self.roles)))

    def __call__(self, environ, start_response):
        if self.paths is None:
            self._setup()
        if environ.get("PATH_INFO") not in self.paths or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        if self.headers is not None and self._unchanged(environ):
            start_response("204 NO CONTENT", self.headers)
            return []
        return self.wsgi_app(environ, self._learn(start_response))

    def _learn(self, start_response):
        def learning(status, headers, exc_info=None):
            if self.headers is None and status.startswith("204"):
                self.headers = [(k, v) for k, v in headers if k.lower() not in SKIPPED_HEADERS]
            return start_response(status, headers, exc_info)

        return learning

    def _unchanged(self, environ) -> bool:
        wanted = parse_qs(environ.get("QUERY_STRING", "")).get("v")
        cookie = parse_cookie(environ).get(self.cookie)
        if not wanted or not cookie:
            return False
        try:
            sid = self.serializer.loads(cookie, max_age=self.max_age).get("sid")
        except (BadSignature, AttributeError):
            return False
        if not sid:
            return False
        token_hash = hashlib.sha256(sid.encode()).hexdigest()
        try:
            with self.engine.connect() as conn:
                row = conn.execute(self.query, {"token_hash": token_hash}).first()
        except sa.exc.DBAPIError:
            return False
        if row is None:
            return False
        version, device_id, created_at, last_active_at, revoked_at, pin_idle = row
        now = clock.utcnow()
        if now - created_at > self.absolute_limit or now - last_active_at > self.idle_limit:
            return False
        if device_id is not None:  # a shared tablet: revoked, or back to the PIN screen when idle
            minutes = json.loads(pin_idle) if pin_idle else Settings().pin_idle_minutes
            if revoked_at is not None or (now - last_active_at).total_seconds() > minutes * 60:
                return False
        return wanted[0] == live.token(version)


def install(app: Flask) -> None:
    app.wsgi_app = PollShortcut(app, app.wsgi_app)
