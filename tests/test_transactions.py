"""The transaction model (database.py): a request is one transaction; on SQLite a request that may
write begins it with BEGIN IMMEDIATE and one that reads with a plain BEGIN."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from hostdesk.auth.models import Role
from hostdesk.extensions import db


@pytest.fixture
def begins(app):
    """The BEGIN statements SQLite's connections send while the test runs."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("BEGIN IMMEDIATE is SQLite's")
        engine = db.engine
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def test_a_read_request_begins_a_plain_transaction(client_for, begins):
    client = client_for(Role.HOST)
    begins.clear()
    assert client.get("/host/").status_code == 200
    assert begins and set(begins) == {"BEGIN"}


def test_a_write_request_begins_immediate_from_its_first_statement(client_for, begins):
    client = client_for(Role.MANAGER)
    begins.clear()
    response = client.post("/host/shift-note", data={"text": "Terras dicht"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert begins[0] == "BEGIN IMMEDIATE"  # the login check's read is in the write transaction already
    assert "BEGIN" not in begins


def test_a_failed_request_stores_nothing(client_for, app):
    from hostdesk.reservations.models import ShiftNote

    client = client_for(Role.MANAGER)
    response = client.post("/host/shift-note", data={"text": "   "}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShiftNote)) == 0


def test_pooled_connections_are_checked_before_use(app):
    with app.app_context():
        assert db.engine.pool._pre_ping is True
