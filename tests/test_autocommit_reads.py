"""PostgreSQL: a request the app serves reads without a transaction and its first write begins one
(autocommit_reads.py); a board step that is a whole change commits by itself. Pooled connections
are pinged only after idling (database.ping_after_idle)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hostdesk import autocommit_reads, database
from hostdesk.auth.models import Role, User
from hostdesk.autocommit_reads import COMMITS_ALONE, WriteAfterLoneCommit, needs_transaction
from hostdesk.extensions import db
from tests.display_names import rename, stored_name


def test_a_page_reads_every_statement_in_autocommit(postgresql, client_for, autocommit_seen):
    client = client_for(Role.HOST)
    autocommit_seen.clear()
    assert client.get("/host/").status_code == 200
    assert autocommit_seen and all(autocommit for _word, autocommit in autocommit_seen)


def test_the_first_write_begins_a_transaction_that_a_rollback_undoes(postgresql, app, users):
    host = users[Role.HOST]
    with app.test_request_context():
        autocommit_reads._start_serving()
        assert db.session.scalar(sa.select(User.display_name).where(User.id == host)) == "Host"
        dbapi = db.session.connection().connection.dbapi_connection
        assert dbapi.autocommit
        rename(host, "Written, then rolled back")
        assert not dbapi.autocommit
        db.session.rollback()
    assert stored_name(app, host) == "Host"


def test_a_whole_change_commits_alone_and_a_write_after_it_is_refused(postgresql, app, users):
    host = users[Role.HOST]
    with app.test_request_context():
        autocommit_reads._start_serving()
        rename(host, "Committed by itself", **{COMMITS_ALONE: True})
        with pytest.raises(WriteAfterLoneCommit):
            rename(host, "Half a change")
        db.session.rollback()
    assert stored_name(app, host) == "Committed by itself"


def test_outside_a_served_request_everything_is_one_transaction(postgresql, app, users):
    """A test's own request context, the CLI and migrations: COMMITS_ALONE changes nothing."""
    host = users[Role.HOST]
    with app.test_request_context():
        rename(host, "Not served", **{COMMITS_ALONE: True})
        rename(host, "Still one transaction")
        db.session.rollback()
    assert stored_name(app, host) == "Host"


def test_a_pooled_connection_goes_back_out_of_autocommit(postgresql, app, client_for):
    client = client_for(Role.HOST)
    assert client.get("/host/").status_code == 200
    with app.app_context(), db.engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False


def test_locking_reads_and_writes_need_the_transaction():
    assert needs_transaction("SELECT id FROM lf_items WHERE id = %(id)s FOR UPDATE")
    assert needs_transaction("SELECT id FROM lf_items FOR NO KEY UPDATE OF lf_items")
    assert needs_transaction("UPDATE users SET display_name = %(name)s") and needs_transaction("SAVEPOINT sa_1")
    assert not needs_transaction("SELECT lf_items.id FROM lf_items WHERE lf_items.category = %(category)s")
    assert not needs_transaction("SELECT 1")


def test_a_connection_is_pinged_only_after_it_idled(app, monkeypatch):
    with app.app_context():
        engine = db.engine
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda dbapi: pings.append(1) or real_ping(dbapi))
    for _ in range(3):
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    assert pings == []  # used moments ago
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    assert pings == [1]


def test_a_connection_the_database_dropped_while_idle_is_replaced(postgresql, app, monkeypatch, client_for):
    client = client_for(Role.HOST)
    with app.app_context():
        engine = db.engine
        engine.dispose()  # one connection in the pool: the one terminated below is the next one used
        with engine.connect() as connection:
            pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        killer = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT")
        with killer.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert client.get("/host/").status_code == 200
    with app.app_context(), engine.connect() as connection:  # and the pool holds no dead connection after it
        assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != pid
