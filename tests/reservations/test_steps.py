"""How a board step is written (operations._step): the conditional UPDATE, its audit entry and the
version bump, all in the request's one transaction and committed synchronously."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from hostdesk.audit import entries_for
from hostdesk.database import is_sqlite
from hostdesk.errors import AlreadyDone
from hostdesk.extensions import db
from hostdesk.reservations import live, operations
from hostdesk.reservations.models import BoardVersion, Reservation, State
from tests.statements import Statements


def test_a_step_writes_party_entry_and_version_and_commits_them_together(frozen, actors, make_res):
    res = make_res()
    live.bump()
    db.session.commit()
    before = live.version()
    with Statements(db.engine) as statements:
        operations.arrive(res, actors["host"])
        db.session.flush()
    writes = [s for s in statements.seen if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 3  # the party, the version, the audit entry
    db.session.rollback()  # nothing of it stays without the commit
    assert live.version() == before and entries_for("reservations", res.id) == []
    res = db.session.get(Reservation, res.id)
    operations.arrive(res, actors["host"])
    db.session.commit()
    assert live.version() == before + 1
    assert [e.action for e in entries_for("reservations", res.id)] == ["reservation.arrive"]
    db.session.expire(res)
    assert res.state is State.ARRIVED and res.arrived_by_id == actors["host"].id


def test_a_step_on_a_state_no_longer_there_writes_nothing(frozen, actors, make_res):
    res = make_res()
    operations.arrive(res, actors["host"])
    db.session.commit()
    version = live.version()
    set_committed_value(res, "state", State.BOOKED)  # what a second tablet read before the first one's tap
    with pytest.raises(AlreadyDone):
        operations.arrive(res, actors["manager"])
    db.session.commit()
    assert live.version() == version
    assert [e.actor_id for e in entries_for("reservations", res.id)] == [actors["host"].id]
    assert res.state is State.ARRIVED and res.arrived_by_id == actors["host"].id


def test_a_step_creates_the_version_row_on_a_new_database(frozen, actors, make_res):
    res = make_res()
    db.session.execute(sa.delete(BoardVersion))
    db.session.commit()
    operations.arrive(res, actors["host"])
    db.session.commit()
    assert live.version() == 1


def test_every_commit_is_synchronous(app_ctx):
    """An acknowledged tap is on disk before the answer: SQLite's full sync in WAL mode, PostgreSQL's
    synchronous_commit left on."""
    if is_sqlite():
        assert db.session.scalar(sa.text("PRAGMA synchronous")) == 2  # FULL
    else:
        assert db.session.scalar(sa.text("SHOW synchronous_commit")) == "on"
