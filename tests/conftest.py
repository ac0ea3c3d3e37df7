"""Shared fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), a clean
database for every test, users of each role, logged-in clients and a frozen clock.

The one way to get each (docs/testing.md; every name means the same in every folder):
- app: the test app; app_ctx: a request context of it, for operations called without HTTP
- users: {Role: id} of one user per role (PASSWORDS[role], PINS[role]); make_user: a further user
- client_for(role): a Flask test client signed in as that role; host_client, staff_client,
  manager_client: client_for of that role (tests/reservations' host_client_en and the others
  ask for English unless a request says otherwise)
- frozen: the clock frozen on a Friday evening
- tablet_page (tests/browser): a Chromium page signed in on the live server; live_client
  (tests/reliability): an HTTP client signed in on a gunicorn of the test database

Each pytest-xdist worker gets its own database (a file, or a PostgreSQL database of its own).
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from hostdesk import clock, create_app
from hostdesk.auth.models import Role
from hostdesk.extensions import cache, db

# Every app of the test run (and the gunicorn and run.sh processes it starts) keys verification
# answers alike, without an answers_key file in the repository's instance folder.
os.environ.setdefault("HOSTDESK_ANSWERS_KEY", "test-answers-key")
# No app of the test run (nor a gunicorn it starts) runs scheduled jobs on the test database by itself:
# tests/test_jobs.py runs them when it means to.
os.environ.setdefault("HOSTDESK_JOBS", "0")

PASSWORDS = {Role.HOST: "host-pass-1", Role.STAFF: "staff-pass-1", Role.MANAGER: "manager-pass-1"}
PINS = {Role.HOST: "4826", Role.STAFF: "5937", Role.MANAGER: "6158"}


def _database_url(tmp_path_factory, worker: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    if worker == "master":
        return url
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    base, _, name = url.rpartition("/")
    worker_db = f"{name}_{re.sub(r'[^a-z0-9]', '', worker)}"
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": worker_db}):
            conn.execute(sa.text(f'CREATE DATABASE "{worker_db}"'))
    engine.dispose()
    return f"{base}/{worker_db}"


# Fixtures that make a test PostgreSQL-only (it skips on SQLite).
POSTGRESQL_FIXTURES = {"postgresql", "proxied"}


def pytest_collection_modifyitems(config, items):
    """Marks the tests that use a PostgreSQL-only fixture; under mutmut, a mutant runs only its module's own
    test files, the quickest first (tests/mutation.py)."""
    from tests.mutation import files_for_mutant

    for item in items:
        if POSTGRESQL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgresql)
    files = files_for_mutant(os.environ.get("MUTANT_UNDER_TEST", ""))
    if files is None:
        return
    keep = sorted((item for item in items if item.nodeid.split("::")[0] in files),
                  key=lambda item: files.index(item.nodeid.split("::")[0]))
    config.hook.pytest_deselected(items=[item for item in items if item not in keep])
    items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In a run on PostgreSQL (TEST_DATABASE_URL), a PostgreSQL-only test that skips fails instead:
    that run is where it must run (a missing pg_dump, say, is then a failure, not a skip)."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("TEST_DATABASE_URL") and item.get_closest_marker("postgresql"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome, report.longrepr = "failed", f"PostgreSQL-only test skipped on PostgreSQL: {reason}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory, os.environ.get("PYTEST_XDIST_WORKER", "master"))


class FreshRequestClient(FlaskClient):
    """Flask's test client, each request starting as a production request does: with an empty `g` and
    no transaction. While a test holds an app context (app_ctx), Flask reuses it for the client's
    requests, so the test's `g` and its session's open transaction would carry into the request."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from hostdesk.auth.passwords import use_cheap_hashing

    use_cheap_hashing()
    instance = tmp_path_factory.mktemp("instance")
    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "WTF_CSRF_ENABLED": False,
    })
    application.test_client_class = FreshRequestClient
    with application.app_context():
        db.drop_all()
        db.create_all()
    return application


SERVED_APPS: list = []  # the live servers' own apps (browser, reliability), each with its own cache


def served_app(database_url: str, **config):
    """An app for a live server on the test database, CSRF on as in production; its kept board
    fragments are forgotten with the rows between tests (board versions start again at 1)."""
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **config})
    SERVED_APPS.append(served)
    return served


# Rows a module keeps between its tests (keep_rows): table name -> the highest id kept (None: all its rows).
KEPT: dict[str, int | None] = {}


def keep_rows(app, tables: list[str]) -> None:
    """Keep the rows now in `tables` until forget_kept_rows(): a large data set built once for a module.
    Every row a test adds, in these tables too, still goes after each test."""
    with app.app_context():
        for name in tables:
            table = db.metadata.tables[name]
            KEPT[name] = db.session.scalar(sa.select(sa.func.max(table.c.id))) if "id" in table.c else None


def forget_kept_rows(app) -> None:
    KEPT.clear()
    with app.app_context():
        _wipe()


def _wipe() -> None:
    """Empty every table (but the rows kept by keep_rows): far quicker than recreating the schema for each test."""
    tables = db.metadata.sorted_tables
    if KEPT:
        for table in reversed(tables):
            if table.name not in KEPT:
                db.session.execute(table.delete())
            elif KEPT[table.name] is not None:
                db.session.execute(table.delete().where(table.c.id > KEPT[table.name]))
    elif db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()
    cache.clear()  # the next test's board versions start again at 1
    for served in SERVED_APPS:
        with served.app_context():
            cache.clear()


@pytest.fixture(autouse=True)
def _clean(request):
    yield
    clock.unfreeze()
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        with application.app_context():
            db.session.rollback()
            _wipe()
            db.session.remove()


@pytest.fixture
def app_ctx(app):
    """An app context, as operations tested without HTTP need; yields the session."""
    with app.test_request_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def frozen():
    """Freeze the clock at a known moment (a Friday evening in Amsterdam); move it with clock.advance."""
    moment = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)
    clock.freeze(moment)
    return moment


def extra_pin(n: int) -> str:
    """The PIN of the n-th further user of a test (make_user)."""
    return f"7{n:05d}"


def add_user(role: Role = Role.HOST, username: str | None = None, active: bool = True, pin: str | None = None) -> int:
    """A user of that role with its test password and PIN, committed (inside an app context)."""
    from hostdesk.auth.operations import create_user

    user = create_user(None, username or role.value, (username or role.value).title(), role,
                       PASSWORDS[role], pin=pin or PINS[role])
    user.active = active
    db.session.commit()
    return user.id


@pytest.fixture
def make_user(app):
    extra = iter(range(1, 10000))

    def make(role: Role = Role.HOST, username: str | None = None, active: bool = True):
        """The role's user (with PINS[role]), or another one of the role named `username`: no two people
        share a PIN, so each further user gets a PIN of its own (extra_pin)."""
        pin = PINS[role] if username in (None, role.value) else extra_pin(next(extra))
        with app.app_context():
            return add_user(role, username, active, pin)

    return make


@pytest.fixture
def users(make_user):
    return {role: make_user(role) for role in Role}


def login(client, username: str, password: str, **extra):
    return client.post("/login", data={"username": username, "password": password, **extra})


@pytest.fixture
def client_for(app, users):
    """client_for(Role.HOST): a test client logged in as that role."""
    def make(role: Role):
        client = app.test_client()
        response = login(client, role.value, PASSWORDS[role])
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


@pytest.fixture
def host_client(client_for):
    return client_for(Role.HOST)


@pytest.fixture
def staff_client(client_for):
    return client_for(Role.STAFF)


@pytest.fixture
def manager_client(client_for):
    return client_for(Role.MANAGER)


@pytest.fixture
def scratch_database(tmp_path):
    """scratch_database("label"): the URL of a new, empty database (a file, or a PostgreSQL
    database of its own, dropped afterwards), for tests that build a schema from migrations."""
    made = []

    def make(label: str) -> str:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            return f"sqlite:///{tmp_path / f'{label}.db'}"
        url = url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
        base, _, name = url.rpartition("/")
        scratch = f"{name}_{label}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
        made.append((admin, scratch))
        return f"{base}/{scratch}"

    yield make
    for admin, scratch in made:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgresql(app):
    """Skip the test unless it runs on PostgreSQL."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
