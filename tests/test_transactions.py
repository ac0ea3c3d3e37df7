"""How a request's transaction ends (database.end_unwritten): one that only read commits, so
psycopg keeps the connection's prepared statements; one that wrote, or failed, rolls back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from hostdesk.auth.models import Role, User
from hostdesk.database import end_unwritten
from hostdesk.extensions import db
from tests.display_names import rename, stored_name


@pytest.fixture
def endings(app):
    """The transaction endings ('commit' / 'rollback') on the app's engine while the test runs."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listeners = {name: (lambda _conn, name=name: seen.append(name)) for name in ("commit", "rollback")}
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    yield seen
    for name, listener in listeners.items():
        event.remove(engine, name, listener)


def test_a_request_that_only_read_ends_with_a_commit(client_for, endings):
    client = client_for(Role.HOST)
    endings.clear()
    assert client.get("/host/").status_code == 200
    assert endings and "rollback" not in endings


def test_a_transaction_that_wrote_is_left_to_roll_back(app, users, endings):
    host = users[Role.HOST]
    with app.test_request_context():
        rename(host, "Written, never committed")
        end_unwritten(None)
        assert endings == []
        db.session.remove()
    assert endings == ["rollback"]
    assert stored_name(app, host) == "Host"


def test_pending_changes_and_failed_requests_are_not_committed(app, users, endings):
    host = users[Role.HOST]
    with app.test_request_context():
        user = db.session.get(User, host)
        user.display_name = "Changed, not flushed"
        end_unwritten(None)
        db.session.remove()
    with app.test_request_context():
        db.session.get(User, host)
        end_unwritten(RuntimeError("the view failed"))
        db.session.remove()
    assert "commit" not in endings
    assert stored_name(app, host) == "Host"


def test_a_read_keeps_postgresqls_prepared_statements(app, users):
    """psycopg forgets a connection's prepared statements at every rollback; after the same read
    in five requests, the sixth finds its statement prepared."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements are psycopg's")
    read = sa.select(User.display_name).where(User.id == users[Role.HOST])
    with app.app_context():
        db.engine.dispose()  # the requests below, one after the other, then all get the pool's one connection
    for _ in range(6):
        with app.test_request_context():
            assert db.session.scalar(read) == "Host"
            end_unwritten(None)
    with app.app_context():
        prepared = db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")).all()
        db.session.rollback()
    assert any("display_name" in statement for statement in prepared)


def test_a_statement_writes_by_its_first_word_or_its_data_modifying_parts():
    from hostdesk.database import writes

    assert writes("INSERT INTO audit_entries VALUES (1)") and writes("  update reservations SET state = 'x'")
    assert writes("WITH step AS (UPDATE reservations SET state = %(state)s RETURNING id) SELECT count(*) FROM step")
    assert not writes("WITH RECURSIVE places AS (SELECT min(storage_location) FROM lf_items) SELECT * FROM places")
    assert not writes("SELECT 1") and not writes("")
