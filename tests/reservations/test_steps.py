"""How a board step is written (reservations/steps.py): one statement on PostgreSQL, three on SQLite;
the entry and the version bump only with the step; an asynchronous commit for steps only."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.audit import entries_for, entry_values
from hostdesk.database import is_sqlite, transaction_wrote
from hostdesk.extensions import db
from hostdesk.reservations import live, operations, steps
from hostdesk.reservations.models import BoardVersion, State
from tests.statements import Statements


def _synchronous_commit() -> str:
    return db.session.scalar(sa.text("SHOW synchronous_commit"))


def test_a_step_writes_party_entry_and_version_in_one_statement_on_postgresql(frozen, actors, make_res):
    res = make_res()
    live.bump()  # the version row is there, as on any board that has changed once
    db.session.commit()
    before = live.version()
    with Statements(db.engine) as statements:
        operations.arrive(res, actors["host"])
    assert transaction_wrote(db.session())  # the poll shortcut forgets, the request does not end with COMMIT
    db.session.commit()
    writes = [s for s in statements.seen if "UPDATE" in s or "INSERT" in s]
    assert len(writes) == (3 if is_sqlite() else 1)
    assert live.version() == before + 1
    assert [e.action for e in entries_for("reservations", res.id)] == ["reservation.arrive"]
    db.session.expire(res)
    assert res.state is State.ARRIVED and res.arrived_by_id == actors["host"].id


def test_a_step_on_a_state_no_longer_there_writes_nothing(frozen, actors, make_res):
    res = make_res()
    operations.arrive(res, actors["host"])
    db.session.commit()
    version = live.version()
    written = {"state": State.ARRIVED, "previous_state": State.BOOKED, "changed_at": clock.utcnow(),
               "changed_by_id": actors["manager"].id}
    entry = entry_values(actors["manager"], "reservation.arrive", res, state=["booked", "arrived"])
    assert steps.write(res.id, State.BOOKED, written, entry) is False  # it is arrived now
    db.session.commit()
    assert live.version() == version
    assert [e.actor_id for e in entries_for("reservations", res.id)] == [actors["host"].id]
    db.session.expire(res)
    assert res.changed_by_id == actors["host"].id


def test_a_step_creates_the_version_row_on_a_new_database(frozen, actors, make_res):
    res = make_res()
    db.session.execute(sa.delete(BoardVersion))
    db.session.commit()
    operations.arrive(res, actors["host"])
    db.session.commit()
    assert live.version() == 1


def test_only_a_steps_transaction_commits_asynchronously(frozen, actors, make_res):
    if is_sqlite():
        pytest.skip("PostgreSQL's synchronous_commit")
    res, other = make_res(), make_res(name="Jansen")
    assert _synchronous_commit() == "on"
    operations.arrive(res, actors["host"])
    assert _synchronous_commit() == "off"  # for this transaction only
    db.session.commit()
    assert _synchronous_commit() == "on"
    other.notes = "by the window"  # an edit, not a step
    db.session.flush()
    assert _synchronous_commit() == "on"
    db.session.commit()
