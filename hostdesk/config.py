"""Configuration, read once in create_app: defaults, then instance/config.py, then the environment.

Environment variables: DATABASE_URL, SECRET_KEY, HOSTDESK_ANSWERS_KEY (the verification answers'
key, the same on every app server of one database; default: instance/answers_key), HOSTDESK_TZ,
HOSTDESK_HTTPS=1 (Secure cookies when served over HTTPS), HOSTDESK_REDIS_URL (the rate limits'
counters and a board cache shared by several servers; RATELIMIT_STORAGE_URI for the limits alone),
HOSTDESK_JOBS=0 (this process runs no scheduled jobs; the test suite sets it), HOSTDESK_PUBLIC_URL (the
address in guests' links, such as the waitlist page's), HOSTDESK_PROXIES=1 (the number of reverse
proxies in front whose X-Forwarded-For/-Proto are trusted: docs/deployment.md).
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from .keys import kept_secret

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},  # a restarted database server costs no request
    "WTF_CSRF_TIME_LIMIT": None,  # valid as long as the login session: a page open all shift
    "WTF_CSRF_HEADERS": ["X-CSRFToken"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_NAME": "hostdesk",
    # The cookie lives as long as the longest login may; the server-side session enforces the
    # idle and absolute limits. Not re-sent on every request: the board's poll stays header-light.
    "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
    "SESSION_REFRESH_EACH_REQUEST": False,
    # A login session ends after this long without any request, and in any case after the absolute limit.
    "SESSION_IDLE_LIMIT": timedelta(hours=12),
    "SESSION_ABSOLUTE_LIMIT": timedelta(days=30),
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    # The pages that take a photo accept a larger body, so a photo over its own limit is refused by the
    # form (everything typed kept) rather than by a bare 413; the file waits on disk, not in memory.
    "MAX_PHOTO_REQUEST_LENGTH": 64 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "LANGUAGES": ["nl", "en"],
    # Failed sign-ins counted per typed account and address, and per address (ratelimits.py).
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
    # Wrong PINs: per person (across every tablet) and per tablet (auth/operations.py).
    "PERSON_MAX_PIN_FAILURES": 5,
    "DEVICE_MAX_PIN_FAILURES": 5,
    # Failed claim verifications over every item (lostfound/claims.py); each item locks on its own too.
    "CLAIM_MAX_FAILURES_PER_STAFF": 10,
    "CLAIM_MAX_FAILURES_PER_CLAIMANT": 5,
    "CLAIM_FAILURE_WINDOW": timedelta(hours=24),
    # Public (no-login) forms (hostdesk/public): the fill-time guard, and per-address (allowed, seconds).
    "PUBLIC_MIN_FILL_SECONDS": 3,
    "PUBLIC_MAX_FORM_AGE": timedelta(hours=12),
    "PUBLIC_FORM_LIMIT": (10, 3600),
    "PUBLIC_PAGE_LIMIT": (600, 3600),
    "PUBLIC_BASE_URL": None,  # the address in guests' links, e.g. https://desk.example.nl (default: the request's)
    "UPLOAD_FOLDER": None,  # default: instance/uploads
    "HOSTDESK_HTTPS": False,
    "PROXY_HOPS": 0,  # reverse proxies in front (HOSTDESK_PROXIES): the guest's address comes from them
    "HOSTDESK_ANSWERS_KEY": None,  # default: instance/answers_key (keys.py)
    # The shared board fragment (reservations/fragments.py): each process its own, or Redis when
    # HOSTDESK_REDIS_URL is set, so that several servers render a board version once.
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": 120,
    # Scheduled work (jobs.py): each serving process checks for due jobs this often.
    "JOBS_INTERVAL_SECONDS": 60,
}


def _secret_key(instance_path: Path) -> str:
    """Generated on first start and kept in the instance folder (0600 from the start), never in the code."""
    return kept_secret(instance_path / "secret_key", lambda: secrets.token_hex(32))


def normalise_database_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(app: Flask, test_config: dict | None) -> None:
    # Everything the app creates (the instance folder, the SQLite database with its WAL and SHM,
    # uploads, backups, keys) is private to the app's user from the start.
    os.umask(0o077)
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if env.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("HOSTDESK_ANSWERS_KEY"):
        app.config["HOSTDESK_ANSWERS_KEY"] = env["HOSTDESK_ANSWERS_KEY"]
    if env.get("HOSTDESK_TZ"):
        app.config["BABEL_DEFAULT_TIMEZONE"] = env["HOSTDESK_TZ"]
    if env.get("HOSTDESK_REDIS_URL"):
        app.config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=env["HOSTDESK_REDIS_URL"])
    if env.get("RATELIMIT_STORAGE_URI") or env.get("HOSTDESK_REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = env.get("RATELIMIT_STORAGE_URI") or env["HOSTDESK_REDIS_URL"]
    if env.get("HOSTDESK_JOBS") == "0":  # this process runs no scheduled work (the test suite's servers)
        app.config["JOBS_IN_BACKGROUND"] = False
    if env.get("HOSTDESK_HTTPS") == "1":
        app.config["HOSTDESK_HTTPS"] = True
    if env.get("HOSTDESK_PUBLIC_URL"):
        app.config["PUBLIC_BASE_URL"] = env["HOSTDESK_PUBLIC_URL"]
    if env.get("HOSTDESK_PROXIES", "").isdigit():
        app.config["PROXY_HOPS"] = int(env["HOSTDESK_PROXIES"])
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("JOBS_IN_BACKGROUND", not app.testing)  # tests call jobs.run_due themselves
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'hostdesk.db'}")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    if app.config["HOSTDESK_HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    Path(app.config["UPLOAD_FOLDER"]).mkdir(mode=0o700, parents=True, exist_ok=True)
