"""Durability: a change the app has answered for is on disk, whatever happens to the database next.

PostgreSQL: a server of the test's own is killed with SIGKILL (postmaster and children) right after
the app answered a board tap, then started again: the tap and its audit entry must be there.
SQLite: every connection runs in WAL mode with `synchronous=FULL`, so an answered commit also
survives the loss of power (with NORMAL, the last commits before it can go).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hostdesk import create_app
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.reservations import live
from hostdesk.reservations.models import Reservation, State

from .data import add_parties, audit_count
from .fixtures import new_database, sign_in
from .http import Gunicorn

SQLITE_FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def _state(app, party: int) -> State:
    with app.app_context():
        state = db.session.scalar(sa.select(Reservation.state).where(Reservation.id == party))
        db.engine.dispose()
    return state


@pytest.mark.slow
def test_board_taps_answered_survive_a_crash_of_the_postgresql_server(private_postgres, tmp_path):
    own, _users = new_database(private_postgres.url, str(tmp_path))
    party = add_parties(own, 1, state=State.BOOKED)[0]  # for today, due now
    with own.app_context():  # a board that has changed before: the version row is there
        live.bump()
        db.session.commit()
    for action, wanted in (("arrive", State.ARRIVED), ("greet", State.GREETED)):
        with Gunicorn(private_postgres.url, str(tmp_path), workers=2, threads=1) as server:
            host = sign_in(server.base, Role.HOST)
            answer = host.post(f"/host/reservations/{party}/{action}")
            private_postgres.crash()  # right after the answer
        assert answer.status == 200, (action, answer.status, answer.body[:300])
        private_postgres.start()
        survived = (_state(own, party), audit_count(own, f"reservation.{action}", party))
        assert survived == (wanted, 1), f"{action} answered 200, after the crash: {survived}"


def test_sqlite_connections_commit_with_synchronous_full_in_wal_mode(tmp_path):
    own = create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'durable.db'}"})
    with own.app_context():
        with db.engine.connect() as first, db.engine.connect() as second:  # each new connection
            modes = [(conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                      conn.exec_driver_sql("PRAGMA synchronous").scalar()) for conn in (first, second)]
        with own.test_request_context():  # and the connection a request's session uses
            modes.append((db.session.execute(sa.text("PRAGMA journal_mode")).scalar(),
                          db.session.execute(sa.text("PRAGMA synchronous")).scalar()))
            db.session.rollback()
        db.engine.dispose()
    assert modes == [("wal", SQLITE_FULL)] * 3
