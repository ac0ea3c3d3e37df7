"""The visit's rules, held one by one (operations, without HTTP): the exact refusals of the state
machine, what a step stores and who did it, the audit entries, the undo's guard against a change
made meanwhile on another tablet, and which party a refused table names."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy.orm.attributes import set_committed_value

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import AlreadyDone, InvalidTransition
from hostdesk.extensions import db
from hostdesk.reservations import operations
from hostdesk.reservations.models import State
from hostdesk.settings import update_settings

from .conftest import minutes


def _en(error) -> str:
    with force_locale("en"):
        return str(error.message)


def _entries(res, action: str) -> list:
    return [e for e in entries_for("reservations", res.id) if e.action == f"reservation.{action}"]


def _stored(res):
    """`res` as read back from the database."""
    db.session.commit()
    db.session.expire_all()
    return res


def _seated(make_res, actor, table, name="De Waard", size=2):
    res = make_res(name, size, clock.utcnow(), State.GREETED, greeted_at=clock.utcnow())
    operations.seat(res, actor, [table])
    db.session.commit()
    return res


# The state machine's refusals -----------------------------------------------------------------

def test_a_step_the_state_does_not_allow_is_not_possible(frozen, floor, actors, make_res):
    res = make_res()
    with pytest.raises(InvalidTransition) as greet:
        operations.greet(res, actors["host"])
    assert type(greet.value) is InvalidTransition
    assert _en(greet.value) == "Not possible: De Waard is booked."
    db.session.rollback()
    arrived = make_res("Jansen", state=State.ARRIVED, arrived_at=frozen)
    with pytest.raises(InvalidTransition) as leave:
        operations.leave(arrived, actors["host"])
    assert _en(leave.value) == "Not possible: Jansen is arrived."
    db.session.rollback()
    assert res.state is State.BOOKED and arrived.state is State.ARRIVED
    assert entries_for("reservations", res.id) == [] and entries_for("reservations", arrived.id) == []


def test_arriving_twice_names_who_marked_it_and_when(frozen, floor, actors, make_res):
    res = make_res()
    clock.advance(minutes(4))
    operations.arrive(res, actors["host"])
    _stored(res)
    clock.advance(minutes(2))
    with pytest.raises(AlreadyDone) as caught:
        operations.arrive(res, actors["manager"])
    assert _en(caught.value) == "Already marked arrived by Sanne at 19:04."
    db.session.rollback()
    assert [e.actor_id for e in _entries(res, "arrive")] == [actors["host"].id]


def test_seating_twice_names_the_table_who_and_when(frozen, floor, actors, make_res):
    clock.advance(minutes(2))
    res = _seated(make_res, actors["host"], floor["10"])
    _stored(res)
    clock.advance(minutes(3))
    with pytest.raises(AlreadyDone) as caught:
        operations.seat(res, actors["manager"], [floor["11"]])
    assert _en(caught.value) == "Already seated at table 10 by Sanne at 19:02."
    db.session.rollback()
    assert res.table_names == "10" and len(_entries(res, "seat")) == 1


def test_leaving_twice_says_when_they_left(frozen, floor, actors, make_res):
    res = _seated(make_res, actors["host"], floor["10"])
    clock.advance(minutes(90))
    operations.leave(res, actors["host"])
    _stored(res)
    clock.advance(minutes(1))
    with pytest.raises(AlreadyDone) as caught:
        operations.leave(res, actors["manager"])
    assert _en(caught.value) == "Already marked as left at 20:30."
    db.session.rollback()
    assert len(_entries(res, "leave")) == 1


@pytest.mark.parametrize(("step", "label"), [("cancel", "cancelled"), ("no_show", "no-show")])
def test_a_closing_step_another_tablet_took_first_has_nothing_to_do(frozen, floor, actors, make_res, step, label):
    res = make_res(at=frozen - minutes(30))
    getattr(operations, step)(res, actors["host"])
    db.session.commit()
    closed_at = res.closed_at
    set_committed_value(res, "state", State.BOOKED)  # what the second tablet read before the first one's tap
    clock.advance(minutes(1))
    with pytest.raises(AlreadyDone) as caught:
        getattr(operations, step)(res, actors["manager"])
    assert _en(caught.value) == f"Nothing to do: De Waard is already {label}."
    db.session.rollback()
    assert [e.actor_id for e in _entries(res, step)] == [actors["host"].id]
    assert res.closed_at == closed_at


def test_no_show_before_the_grace_says_from_when(frozen, floor, actors, make_res):
    update_settings(actors["manager"], no_show_grace_minutes=20)
    res = make_res(at=frozen)
    clock.advance(minutes(19))
    with pytest.raises(InvalidTransition) as caught:
        operations.no_show(res, actors["host"])
    assert _en(caught.value) == "De Waard is not late yet: a no-show is possible from 19:20."
    db.session.rollback()
    clock.advance(minutes(1))
    operations.no_show(res, actors["host"])
    with pytest.raises(AlreadyDone) as again:
        operations.no_show(res, actors["host"])
    assert _en(again.value) == "Already marked as no-show."


def test_cancel_twice_or_of_a_no_show_says_so(frozen, floor, actors, make_res):
    res = make_res()
    operations.cancel(res, actors["host"])
    with pytest.raises(AlreadyDone) as twice:
        operations.cancel(res, actors["host"])
    assert _en(twice.value) == "This reservation is already cancelled."
    late = make_res("Jansen", at=frozen - minutes(30))
    operations.no_show(late, actors["host"])
    db.session.commit()
    with pytest.raises(AlreadyDone) as no_show:
        operations.cancel(late, actors["host"])
    assert _en(no_show.value) == "Already marked as no-show."
    db.session.rollback()
    assert late.state is State.NO_SHOW and not _entries(late, "cancel")
