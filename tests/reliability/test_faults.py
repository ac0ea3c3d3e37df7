"""Faults: a worker killed mid-burst, the database going away and coming back, backup during writes."""
from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from hostdesk import create_app
from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.reservations.models import BoardVersion, Reservation, State
from tests.conftest import PASSWORDS, login
from tests.htmx_answers import lands_in

from .data import add_parties, audit_count, count
from .http import Client, Gunicorn
from .proxy import Proxy

UNAVAILABLE_EN = "The database cannot be reached"


def _is_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


@pytest.mark.slow
def test_worker_killed_mid_burst_loses_no_answered_write(app, users, database_url, tmp_path):
    threads, writes = 8, 30
    with Gunicorn(database_url, str(tmp_path)) as server:
        clients = [Client(server.base).login("host", PASSWORDS[Role.HOST], "/host/") for _ in range(threads)]
        answered: dict[str, int] = {}
        done = threading.Event()

        def burst(n: int) -> None:
            for i in range(writes):
                name = f"w{n}-{i}"
                answered[name] = clients[n].post("/host/walk-in/wait",
                                                 {"party_size": 2, "quoted_wait": 10, "name": name}).status

        def killer() -> None:
            while len(answered) < threads * writes // 3 and not done.is_set():
                time.sleep(0.005)
            os.kill(server.worker_pids()[0], signal.SIGKILL)

        kill = threading.Thread(target=killer)
        kill.start()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(burst, range(threads)))
        done.set()
        kill.join()
        # The next request works (gunicorn has started a new worker).
        after = Client(server.base).login("host", PASSWORDS[Role.HOST], "/host/")
        assert after.post("/host/walk-in/wait", {"party_size": 2, "quoted_wait": 5, "name": "after"}).status == 200
    statuses = sorted(set(answered.values()))
    assert set(statuses) <= {0, 200, 502, 503}, statuses
    with app.app_context():
        stored = set(db.session.scalars(sa.select(Reservation.name)))
        version = db.session.scalar(sa.select(BoardVersion.version))
    confirmed = {name for name, status in answered.items() if status == 200}
    assert confirmed <= stored  # every write answered with success is there
    assert stored - confirmed <= {n for n, s in answered.items() if s != 200} | {"after"}
    # No partial rows: each walk-in has its audit entry and its board bump, nothing more.
    assert audit_count(app, "reservation.walk_in.waiting") == len(stored) == version
    lost = sum(s != 200 for s in answered.values())
    if _is_sqlite(app):
        with sqlite3.connect(sa.make_url(database_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    print(f"SIGKILL mid-burst: {len(confirmed)} confirmed, {lost} without answer, {len(stored)} stored")


@pytest.fixture
def proxied(app, database_url, tmp_path):
    """The app talking to PostgreSQL through a proxy that the test can cut."""
    if _is_sqlite(app):
        pytest.skip("the database server going away concerns PostgreSQL (SQLite is a file in the app)")
    url = sa.make_url(database_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    cut_app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                          "UPLOAD_FOLDER": str(tmp_path),
                          "SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=proxy.port)
                          .render_as_string(hide_password=False)})
    yield cut_app, proxy
    proxy.close()
    with cut_app.app_context():
        db.engine.dispose()


def test_database_gone_answers_503_then_recovers_without_restart(app, users, proxied):
    cut_app, proxy = proxied
    party = add_parties(app, 1)[0]
    client = cut_app.test_client()
    assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 302
    assert client.get("/host/").status_code == 200
    proxy.cut()
    page = client.get("/host/", headers={"Accept-Language": "en"})
    assert page.status_code == 503 and UNAVAILABLE_EN in page.get_data(as_text=True)
    dutch = client.get("/host/", headers={"Accept-Language": "nl"})
    assert dutch.status_code == 503 and UNAVAILABLE_EN not in dutch.get_data(as_text=True)
    action = client.post(f"/host/reservations/{party}/greet", headers={"HX-Request": "true", "Accept-Language": "en"})
    assert action.status_code == 503 and lands_in(action, "#toasts")
    assert UNAVAILABLE_EN in action.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "unavailable"
    proxy.restore()
    assert client.get("/healthz").status_code == 200
    assert client.get("/host/").status_code == 200
    assert audit_count(app, "reservation.greet") == 0  # nothing of the refused action was written
    assert client.post(f"/host/reservations/{party}/greet", headers={"HX-Request": "true"}).status_code == 200
    assert audit_count(app, "reservation.greet") == 1


@pytest.mark.parametrize(("action", "before"), [
    ("leave", State.SEATED),  # the step, then the tables
    ("greet", State.ARRIVED),  # the step, its entry and the version
])
def test_database_gone_in_the_middle_of_a_write_leaves_nothing_half_written(app, users, proxied, action, before):
    cut_app, proxy = proxied
    party = add_parties(app, 1, state=before)[0]
    client = cut_app.test_client()
    assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 302
    with cut_app.app_context():
        engine = db.engine

    def cut_after_update(conn, cursor, statement, parameters, context, executemany):
        if "UPDATE reservations" in statement:
            proxy.cut()  # the state change went out; what follows it and the commit cannot

    event.listen(engine, "after_cursor_execute", cut_after_update)
    try:
        answer = client.post(f"/host/reservations/{party}/{action}", headers={"HX-Request": "true"})
    finally:
        event.remove(engine, "after_cursor_execute", cut_after_update)
    assert answer.status_code == 503
    proxy.restore()
    with app.app_context():
        state = db.session.get(Reservation, party).state
    entries = count(app, AuditEntry, AuditEntry.action.like("reservation.%"))
    again = client.post(f"/host/reservations/{party}/{action}", headers={"HX-Request": "true", "Accept-Language": "en"})
    assert (state, entries, again.status_code) == (before, 0, 200)  # rolled back whole, and tapped again


def _write_during(app, users, action):
    """Commit walk-ins from a thread while `action()` runs; returns (commit times and names, result)."""
    from hostdesk.database import write_intent
    from hostdesk.reservations import walkins

    committed: list[tuple[float, str]] = []
    stop = threading.Event()

    def writer() -> None:
        from hostdesk.auth.models import User

        with app.test_request_context():
            host = db.session.get(User, users[Role.HOST])
            n = 0
            while not stop.is_set() or n < 50:
                with write_intent():
                    walkins.add_to_waitlist(host, 2, 10, name=f"b{n}")
                    db.session.commit()
                committed.append((time.monotonic(), f"b{n}"))
                n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    while len(committed) < 25:
        time.sleep(0.01)
    before = time.monotonic()
    try:
        result = action()
    finally:
        stop.set()
        thread.join()
    return {name for at, name in committed if at < before}, len(committed), result


def test_backup_during_writes_then_restore(app, users, tmp_path):
    if not _is_sqlite(app):
        pytest.skip("`flask backup` copies the SQLite file; PostgreSQL: see the pg_dump test below")
    target = tmp_path / "backup.db"
    must_have, written, result = _write_during(
        app, users, lambda: app.test_cli_runner().invoke(args=["backup", str(target)]))
    assert result.exit_code == 0, result.output
    restored = tmp_path / "restored.db"
    restored.write_bytes(target.read_bytes())
    with sqlite3.connect(restored) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = {row[0] for row in conn.execute("SELECT name FROM reservations")}
        entries = conn.execute("SELECT count(*) FROM audit_entries WHERE action = 'reservation.walk_in.waiting'")
        assert entries.fetchone()[0] == len(names)  # each copied row with its audit entry
    assert must_have <= names
    restored_app = create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path),
                               "SQLALCHEMY_DATABASE_URI": f"sqlite:///{restored}", "WTF_CSRF_ENABLED": False})
    client = restored_app.test_client()
    assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 302
    assert client.get("/host/").status_code == 200
    print(f"backup during writes: {len(must_have)} committed before, {len(names)} in the copy, {written} written")


@pytest.mark.postgresql
def test_pg_dump_during_writes_then_restore(app, users, database_url, tmp_path):
    import shutil
    import subprocess

    if _is_sqlite(app):
        pytest.skip("PostgreSQL's backup (pg_dump); SQLite's is the test above")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not installed")
    url = sa.make_url(database_url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "hostdesk.dump"
    must_have, written, result = _write_during(app, users, lambda: subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", libpq], capture_output=True, text=True, timeout=120))
    assert result.returncode == 0, result.stderr
    scratch = f"{url.database}_restore"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
    try:
        target = url.set(drivername="postgresql", database=scratch).render_as_string(hide_password=False)
        restore = subprocess.run(["pg_restore", "--no-owner", f"--dbname={target}", str(dump)],
                                 capture_output=True, text=True, timeout=120)
        assert restore.returncode == 0, restore.stderr
        copy = sa.create_engine(url.set(database=scratch))
        with copy.connect() as conn:
            names = set(conn.scalars(sa.text("SELECT name FROM reservations")))
            entries = conn.scalar(sa.text("SELECT count(*) FROM audit_entries "
                                          "WHERE action = 'reservation.walk_in.waiting'"))
        copy.dispose()
        assert must_have <= names and entries == len(names)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()
    print(f"pg_dump during writes: {len(must_have)} committed before, {len(names)} in the copy, {written} written")
