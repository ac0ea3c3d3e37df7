"""A worker remembers a checked login (auth/remembered.py) only while nothing that could end or change
it happened: the database's login generation (auth/generation.py) says so, whoever made the change."""
from datetime import timedelta

import flask_migrate
import pytest
import sqlalchemy as sa

from hostdesk import clock, create_app
from hostdesk.auth import generation
from hostdesk.auth.models import AuthSession, Role
from hostdesk.extensions import db
from tests.auth.test_pin_switch import enrolled_tablet
from tests.conftest import PASSWORDS, login
from tests.statements import Statements


def reads_the_session(statements: Statements) -> bool:
    return any("FROM auth_sessions" in s for s in statements.seen)


def by_hand(app, sql: str) -> None:
    """A change made outside the app (another server, SQL typed by hand)."""
    with app.app_context():
        db.session.execute(sa.text(sql))
        db.session.commit()


def generation_now(app) -> int | None:
    with app.app_context():
        return db.session.scalar(generation.READ)


def host_client(app):
    client = app.test_client()
    assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 302
    assert client.get("/host/").status_code == 200  # checked once: remembered from now on
    return client


def test_a_remembered_login_reads_only_the_generation(app, users, frozen):
    client = host_client(app)
    with Statements() as statements:
        assert client.get("/host/").status_code == 200
    assert not reads_the_session(statements)
    assert any("login_generation" in s for s in statements.seen)


@pytest.mark.parametrize("change, answer", [
    ("UPDATE auth_sessions SET ended_at = created_at", 302),  # signed out elsewhere
    ("DELETE FROM auth_sessions", 302),
    ("UPDATE users SET active = false WHERE username = 'host'", 302),  # deactivated
    ("UPDATE users SET role = 'staff' WHERE username = 'host'", 403),  # no longer a host
])
def test_a_change_made_anywhere_reaches_a_remembered_login_at_once(app, users, frozen, change, answer):
    client = host_client(app)
    by_hand(app, change)
    assert client.get("/host/").status_code == answer


def test_a_new_name_shows_on_the_next_request(app, users, frozen):
    client = host_client(app)
    by_hand(app, "UPDATE users SET display_name = 'Sanne' WHERE username = 'host'")
    assert "Sanne" in client.get("/host/").get_data(as_text=True)


def test_a_revoked_tablet_is_refused_at_once(app, users, frozen):
    tablet = enrolled_tablet(app)
    assert tablet.get("/host/").status_code == 200
    by_hand(app, "UPDATE devices SET revoked_at = CURRENT_TIMESTAMP")
    assert tablet.get("/host/").status_code == 302


def test_signing_out_refuses_the_same_cookie_on_a_worker_that_remembered_it(app, users, frozen):
    client = host_client(app)
    other = app.test_client()  # the same cookie from another tablet: remembered in this worker
    other.set_cookie("hostdesk", client.get_cookie("hostdesk").value)
    assert other.get("/host/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert other.get("/host/").status_code == 302


def test_the_activity_mark_is_still_written_every_30_seconds(app, users, frozen):
    client = host_client(app)
    clock.advance(timedelta(seconds=20))
    with Statements() as statements:
        client.get("/host/")
    assert not reads_the_session(statements)
    clock.advance(timedelta(seconds=11))  # 31 s after the last mark: the full check, which marks
    with Statements() as statements:
        client.get("/host/")
    assert reads_the_session(statements)
    with app.app_context():
        assert db.session.scalar(sa.select(AuthSession.last_active_at)) == clock.utcnow()


def test_the_pin_idle_time_still_ends_a_tablet_session(app, users, frozen):
    tablet = enrolled_tablet(app)
    assert tablet.get("/host/").status_code == 200
    for _ in range(10):  # activity every 25 s keeps it; each check remembered in between
        clock.advance(timedelta(seconds=25))
        assert tablet.get("/host/").status_code == 200
    clock.advance(timedelta(minutes=11))  # pin_idle_minutes is 10
    assert tablet.get("/host/").headers["Location"] == "/switch"


def test_what_changes_no_login_keeps_the_generation(app, users, frozen):
    client = host_client(app)
    before = generation_now(app)
    clock.advance(timedelta(seconds=31))
    client.get("/host/")  # writes the activity mark
    login(app.test_client(), "staff", PASSWORDS[Role.STAFF])  # another person's new session
    assert generation_now(app) == before
    assert client.get("/host/").status_code == 200


def test_without_the_generation_row_nothing_is_remembered(app, users, frozen):
    client = host_client(app)
    by_hand(app, "DELETE FROM login_generation")
    for _ in range(2):
        with Statements() as statements:
            assert client.get("/host/").status_code == 200
        assert reads_the_session(statements)
    with app.app_context():
        db.session.execute(generation.FIRST_ROW)
        db.session.commit()


def test_the_migrations_install_the_generation_and_its_triggers(scratch_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_database("generation"), "SECRET_KEY": "x",
                      "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        flask_migrate.upgrade()
        changes = [
            "INSERT INTO users (username, display_name, role, password_hash, active, created_at, failed_logins) "
            "VALUES ('a', 'A', 'host', 'x', true, CURRENT_TIMESTAMP, 0)",
            "INSERT INTO devices (name, token_hash, enrolled_by_id, enrolled_at, pin_failures) "
            "SELECT 'T', 'h', id, CURRENT_TIMESTAMP, 0 FROM users",
            "INSERT INTO auth_sessions (token_hash, user_id, device_id, via_pin, created_at, last_active_at) "
            "SELECT 's', u.id, d.id, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users u, devices d",
            "UPDATE auth_sessions SET last_active_at = CURRENT_TIMESTAMP",
        ]
        raising = ["UPDATE auth_sessions SET ended_at = CURRENT_TIMESTAMP", "UPDATE devices SET pin_failures = 1",
                   "UPDATE users SET language = 'en'", "DELETE FROM auth_sessions", "DELETE FROM devices",
                   "DELETE FROM users"]
        seen = []
        for statement in changes + raising:
            db.session.execute(sa.text(statement))
            db.session.commit()
            seen.append(db.session.scalar(generation.READ))
        assert seen == [0, 0, 0, 0, 1, 2, 3, 4, 5, 6]
        db.engine.dispose()


def test_signing_out_a_session_removed_since_its_check_is_no_error(app, users, frozen, monkeypatch):
    """The row goes between the generation's read and the logout's own read of the session."""
    from hostdesk.auth import operations

    client = host_client(app)
    read_before_the_removal = generation_now(app)
    by_hand(app, "DELETE FROM auth_sessions")
    monkeypatch.setattr(operations, "login_generation", lambda: read_before_the_removal)
    assert client.post("/logout").status_code == 302
    assert client.get("/host/").status_code == 302


def test_two_transactions_raising_it_do_not_deadlock(postgresql, app, users):
    """Each takes the generation's row lock only at COMMIT (a deferred trigger), after every other
    lock it holds: here one waits for the other's tablet row, which then commits, and both succeed.
    Had the raise run at each UPDATE, the second's UPDATE would already wait for the first's
    generation lock, and the first's wait for the second's tablet row would close the circle."""
    import threading

    with app.app_context():
        engine = db.engine
        user_id = users[Role.HOST]
        with engine.begin() as conn:
            device_id = conn.execute(sa.text(
                "INSERT INTO devices (name, token_hash, enrolled_by_id, enrolled_at, pin_failures) "
                "VALUES ('T', 'h', :user, CURRENT_TIMESTAMP, 0) RETURNING id"), {"user": user_id}).scalar_one()
        before = generation_now(app)
        first, second = engine.connect(), engine.connect()
        errors = []

        def first_goes_on():
            try:
                first.execute(sa.text("UPDATE devices SET pin_failures = 2 WHERE id = :id"), {"id": device_id})
                first.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        try:
            for conn in (first, second):  # a wait that never ends fails the test instead of hanging it
                conn.execute(sa.text("SET lock_timeout = '3s'"))
            first.execute(sa.text("UPDATE users SET display_name = 'First' WHERE id = :id"), {"id": user_id})
            second.execute(sa.text("UPDATE devices SET pin_failures = 1 WHERE id = :id"), {"id": device_id})
            waiting = threading.Thread(target=first_goes_on)
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive()  # waits for the second's tablet row
            second.commit()
            waiting.join(10)
        finally:
            first.close()
            second.close()
        assert errors == []
        assert generation_now(app) == before + 3
