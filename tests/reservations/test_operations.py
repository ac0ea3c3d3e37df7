"""The visit's transitions without HTTP: allowed and refused moves, audit with the actor, undo."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.auth.models import User
from hostdesk.database import write_intent
from hostdesk.errors import AlreadyDone, InvalidTransition
from hostdesk.extensions import db
from hostdesk.reservations import live, operations, queries
from hostdesk.reservations.models import Guest, State
from hostdesk.reservations.operations import NeedsTable, TableTaken

from .conftest import minutes

TRANSITIONS = {
    "arrive": ((State.BOOKED,), State.ARRIVED),
    "greet": ((State.ARRIVED,), State.GREETED),
    "seat": ((State.ARRIVED, State.GREETED), State.SEATED),
    "leave": ((State.SEATED,), State.LEFT),
    "no_show": ((State.BOOKED,), State.NO_SHOW),
    "cancel": ((State.BOOKED, State.WAITING), State.CANCELLED),
    "call": ((State.WAITING,), State.ARRIVED),
}


def _prepare(make_res, floor, state):
    extra = {}
    if state in (State.SEATED, State.LEFT):
        res = make_res(state=state, tables=[floor["10"]], at=clock.utcnow() - minutes(30), seated_at=clock.utcnow())
        if state is State.SEATED:
            res.assignments[0].occupied = True
            db.session.commit()
        return res
    return make_res(state=state, tables=[floor["10"]], at=clock.utcnow() - minutes(20), **extra)


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("state", list(State))
def test_every_transition_from_every_state(frozen, floor, actors, make_res, action, state):
    allowed, target = TRANSITIONS[action]
    res = _prepare(make_res, floor, state)
    host = actors["host"]
    if state in allowed:
        getattr(operations, action)(res, host)
        db.session.commit()
        assert res.state is target
        entries = entries_for("reservations", res.id)
        mine = [e for e in entries if e.action == f"reservation.{action}"]
        assert len(mine) == 1
        assert mine[0].actor_id == host.id and mine[0].actor_name == "Sanne"
        assert mine[0].changes["state"] == [state.value, target.value]
    else:
        with pytest.raises((InvalidTransition, AlreadyDone)):
            getattr(operations, action)(res, host)
        db.session.rollback()
        assert res.state is state
        assert not [e for e in entries_for("reservations", res.id) if e.action == f"reservation.{action}"]


def test_full_visit_records_times_and_people(frozen, floor, actors, make_res):
    host = actors["host"]
    res = make_res(tables=[floor["12"]], size=4)
    operations.arrive(res, host)
    clock.advance(timedelta(seconds=20))
    operations.greet(res, host)
    clock.advance(timedelta(seconds=40))
    operations.seat(res, host)
    db.session.commit()
    assert res.arrived_at == frozen and res.arrived_by_id == host.id
    assert res.greeted_at == frozen + timedelta(seconds=20) and res.greeted_by.display_name == "Sanne"
    assert res.seated_at == frozen + timedelta(minutes=1) and res.seated_by_id == host.id
    assert res.assignments[0].occupied
    clock.advance(minutes(90))
    operations.leave(res, host)
    db.session.commit()
    assert res.state is State.LEFT and not res.assignments[0].occupied
    assert queries.blocked_tables([floor["12"].id], None) == [floor["12"].id]  # to clear


def test_second_tap_says_who_and_when(frozen, floor, actors, make_res):
    res = make_res(state=State.ARRIVED, arrived_at=frozen)
    operations.greet(res, actors["host"])
    db.session.commit()
    with pytest.raises(AlreadyDone) as caught:
        operations.greet(res, actors["manager"])
    with force_locale("en"):
        assert str(caught.value.message) == "Already greeted by Sanne at 19:00."
    with force_locale("nl"):
        assert str(caught.value.message) == "Al begroet door Sanne om 19:00."
    db.session.rollback()
    assert len([e for e in entries_for("reservations", res.id) if e.action == "reservation.greet"]) == 1


def test_stale_object_second_tablet_changes_nothing(frozen, floor, actors, make_res, app):
    """Tablet B read the party as arrived before tablet A greeted: B's update matches no row."""
    res = make_res(state=State.ARRIVED, arrived_at=frozen)
    manager_id, host = actors["manager"].id, actors["host"]
    assert res.state is State.ARRIVED and host.display_name == "Sanne"
    db.session.expunge(res)  # keep the stale object as tablet B read it
    db.session.commit()
    with app.app_context(), write_intent():  # tablet A, its own session and transaction
        other = queries.get_reservation(res.id)
        operations.greet(other, db.session.get(User, manager_id))
        db.session.commit()
    db.session.add(res)
    assert res.state is State.ARRIVED  # still the stale read
    with write_intent(), pytest.raises(AlreadyDone) as caught:
        operations.greet(res, host)
    with force_locale("en"):
        assert "Already greeted by Manager" in str(caught.value.message)


def test_seat_without_table_needs_a_choice(frozen, floor, actors, make_res):
    res = make_res(state=State.GREETED)
    with pytest.raises(NeedsTable):
        operations.seat(res, actors["host"])
    operations.seat(res, actors["host"], [floor["1"], floor["2"]])
    db.session.commit()
    assert res.table_names == "1 + 2" and all(a.occupied for a in res.assignments)
    assert res.greeted_at is not None


def test_seat_at_occupied_table_names_who_sits_there(frozen, floor, actors, make_res):
    first = make_res(name="De Waard", size=2, state=State.GREETED)
    operations.seat(first, actors["host"], [floor["10"]])
    db.session.commit()
    second = make_res(name="Jansen", size=3, state=State.ARRIVED, tables=[floor["10"]])
    with pytest.raises(NeedsTable):  # its assigned table is taken: offer others
        operations.seat(second, actors["host"])
    with pytest.raises(TableTaken) as caught:
        operations.seat(second, actors["host"], [floor["10"]])
    assert "De Waard (2)" in str(caught.value.message) and "Sanne" in str(caught.value.message)
    db.session.rollback()
    assert second.state is State.ARRIVED


def test_undo_steps_back_and_is_audited(frozen, floor, actors, make_res):
    host = actors["host"]
    res = make_res(tables=[floor["10"]], state=State.GREETED, greeted_at=frozen, guest=Guest(name="x", visits=3))
    operations.seat(res, host)
    db.session.commit()
    assert res.guest.visits == 4
    clock.advance(timedelta(seconds=30))
    operations.undo(res, host)
    db.session.commit()
    assert res.state is State.GREETED and res.seated_at is None and not res.assignments[0].occupied
    assert res.greeted_at == frozen and res.guest.visits == 3
    assert [e.action for e in entries_for("reservations", res.id)][-1] == "reservation.undo"
    with pytest.raises(InvalidTransition):  # nothing left to undo
        operations.undo(res, host)


def test_undo_seat_from_arrived_clears_implied_greeting(frozen, floor, actors, make_res):
    res = make_res(state=State.ARRIVED, arrived_at=frozen)
    operations.seat(res, actors["host"], [floor["10"]])
    operations.undo(res, actors["host"])
    assert res.state is State.ARRIVED and res.greeted_at is None and res.arrived_at == frozen


def test_undo_expires(frozen, floor, actors, make_res):
    res = make_res()
    operations.arrive(res, actors["host"])
    clock.advance(timedelta(seconds=121))
    with pytest.raises(InvalidTransition):
        operations.undo(res, actors["host"])


def test_undo_window_is_open_at_its_last_second_and_shut_after_it(frozen, floor, actors, make_res):
    host = actors["host"]
    res = make_res()
    operations.arrive(res, host)
    clock.advance(timedelta(seconds=120))  # the setting's default: two minutes
    operations.undo(res, host)
    assert res.state is State.BOOKED and res.arrived_at is None
    operations.arrive(res, host)
    clock.advance(timedelta(seconds=121))
    with pytest.raises(InvalidTransition) as shut:
        operations.undo(res, host)
    with force_locale("en"):
        assert str(shut.value.message) == "This can no longer be undone."
    db.session.refresh(res)
    assert res.state is State.ARRIVED and res.arrived_at is not None
    assert [e.action for e in entries_for("reservations", res.id)].count("reservation.undo") == 1


def test_undo_window_follows_the_setting(frozen, floor, actors, make_res):
    from hostdesk.settings import update_settings

    update_settings(actors["manager"], undo_seconds=30)
    res = make_res()
    operations.arrive(res, actors["host"])
    clock.advance(timedelta(seconds=31))
    with pytest.raises(InvalidTransition):
        operations.undo(res, actors["host"])
    assert res.state is State.ARRIVED


def test_undo_of_left_when_table_was_taken_since(frozen, floor, actors, make_res):
    host = actors["host"]
    res = make_res(state=State.GREETED)
    operations.seat(res, host, [floor["10"]])
    operations.leave(res, host)
    other = make_res(name="Bakker", state=State.GREETED)
    operations.seat(other, host, [floor["10"]])
    db.session.commit()
    with pytest.raises(TableTaken):
        operations.undo(res, host)


def test_no_show_only_after_grace(frozen, floor, actors, make_res):
    res = make_res(at=frozen - minutes(10))
    with pytest.raises(InvalidTransition) as caught:
        operations.no_show(res, actors["host"])
    assert "19:05" in str(caught.value.message)
    clock.advance(minutes(5))
    operations.no_show(res, actors["host"])
    assert res.state is State.NO_SHOW and res.closed_at == clock.utcnow()
    operations.undo(res, actors["host"])
    assert res.state is State.BOOKED and res.closed_at is None


def test_every_change_bumps_the_board_version(frozen, floor, actors, make_res):
    res = make_res()
    before = live.version()
    operations.arrive(res, actors["host"])
    operations.greet(res, actors["host"])
    assert live.version() == before + 2
