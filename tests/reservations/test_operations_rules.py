"""The visit's rules, held one by one (operations, without HTTP): the exact refusals of the state
machine, what a step stores and who did it, the audit entries, the undo's guard against a change
made meanwhile on another tablet, and which party a refused table names."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy.orm.attributes import set_committed_value

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import AlreadyDone, InvalidTransition, ValidationFailed
from hostdesk.extensions import db
from hostdesk.reservations import operations, queries, seating
from hostdesk.reservations.models import Guest, Source, State
from hostdesk.reservations.operations import TableTaken
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


# What a step stores, and who did it ------------------------------------------------------------

def test_cancel_stores_when_it_was_closed(frozen, floor, actors, make_res):
    res = make_res()
    clock.advance(minutes(7))
    operations.cancel(res, actors["host"])
    _stored(res)
    assert res.state is State.CANCELLED and res.closed_at == frozen + minutes(7)


def test_calling_a_walk_in_stores_its_arrival_and_who_called(frozen, floor, actors, make_res):
    res = make_res("Walk-in", state=State.WAITING, source=Source.WALK_IN)
    clock.advance(minutes(3))
    operations.call(res, actors["manager"])
    assert res.arrived_by is actors["manager"]  # as returned, before any read back
    _stored(res)
    assert res.state is State.ARRIVED
    assert res.called_at == res.arrived_at == frozen + minutes(3)
    assert res.arrived_by_id == actors["manager"].id


def test_leave_stores_who_and_when(frozen, floor, actors, make_res):
    res = _seated(make_res, actors["host"], floor["10"])
    clock.advance(minutes(75))
    operations.leave(res, actors["manager"])
    assert res.left_by is actors["manager"]
    _stored(res)
    assert res.left_at == frozen + minutes(75) and res.left_by_id == actors["manager"].id


def test_leave_keeps_the_note_on_the_guest_and_needs_no_guest(frozen, floor, actors, make_res):
    regular = make_res("Bakker", guest=Guest(name="Bakker", last_visit_note="old"), notes="allergic to nuts")
    quiet = make_res("Smit", guest=Guest(name="Smit", last_visit_note="window seat"), notes=None)
    anonymous = make_res("Visser", notes="high chair")
    for res, table in ((regular, "10"), (quiet, "11"), (anonymous, "12")):
        operations.arrive(res, actors["host"])
        operations.seat(res, actors["host"], [floor[table]])
        operations.leave(res, actors["host"])
    _stored(regular)
    assert regular.guest.last_visit_note == "allergic to nuts"
    assert quiet.guest.last_visit_note == "window seat"  # no note this time: the last one stays
    assert anonymous.state is State.LEFT and anonymous.guest is None


# Part of the party ---------------------------------------------------------------------------

def test_one_guest_of_a_party_may_arrive_first(frozen, floor, actors, make_res):
    res = make_res(size=5)
    operations.arrive(res, actors["host"], guests=1)
    _stored(res)
    assert res.state is State.ARRIVED and res.arrived_guests == 1 and res.partly_arrived


@pytest.mark.parametrize("guests", [0, 6])
def test_arrived_guests_outside_the_party_are_refused(frozen, floor, actors, make_res, guests):
    res = make_res(size=5)
    with pytest.raises(ValidationFailed) as caught:
        operations.arrive(res, actors["host"], guests=guests)
    assert _en(caught.value) == "Give how many are here: a whole number from 1 to 5."
    assert caught.value.details == {"field": "guests"}
    db.session.rollback()
    assert res.state is State.BOOKED and not _entries(res, "arrive")


def test_the_rest_arrived_is_audited_with_the_count_before(frozen, floor, actors, make_res):
    res = make_res("Dekker", 5)
    other = make_res("Jansen", 4)
    operations.arrive(res, actors["host"], guests=3)
    operations.arrive(other, actors["host"], guests=3)
    db.session.commit()
    operations.rest_arrived(res, actors["manager"])
    _stored(res)
    assert res.arrived_guests is None
    assert other.arrived_guests == 3 and other.partly_arrived  # another party's count stays
    [entry] = _entries(res, "rest_arrived")
    assert entry.actor_id == actors["manager"].id and entry.changes == {"arrived_guests": [3, 5]}
    assert not _entries(other, "rest_arrived")


def test_the_rest_arrived_refusals(frozen, floor, actors, make_res):
    booked = make_res("Bakker")
    with pytest.raises(InvalidTransition) as not_here:
        operations.rest_arrived(booked, actors["host"])
    assert type(not_here.value) is InvalidTransition
    assert _en(not_here.value) == "Not possible: Bakker is booked."
    whole = make_res("Smit", 4)
    operations.arrive(whole, actors["host"])
    with pytest.raises(AlreadyDone) as all_here:
        operations.rest_arrived(whole, actors["host"])
    assert _en(all_here.value) == "The whole Smit party is already here."


def test_the_rest_arrived_on_another_tablet_first_changes_nothing_twice(frozen, floor, actors, make_res):
    res = make_res("Dekker", 5)
    operations.arrive(res, actors["host"], guests=3)
    operations.rest_arrived(res, actors["host"])
    db.session.commit()
    set_committed_value(res, "arrived_guests", 3)  # the second tablet still shows three of five
    with pytest.raises(AlreadyDone) as caught:
        operations.rest_arrived(res, actors["manager"])
    assert _en(caught.value) == "The whole Dekker party is already here."
    db.session.rollback()
    assert [e.actor_id for e in _entries(res, "rest_arrived")] == [actors["host"].id]


# Which party holds the table ------------------------------------------------------------------

def test_a_taken_table_names_who_sits_there_since_when_and_by_whom(frozen, floor, actors, make_res):
    clock.advance(minutes(2))
    _seated(make_res, actors["host"], floor["10"], "De Waard", 2)
    clock.advance(minutes(10))
    late = make_res("Jansen", 3, state=State.ARRIVED, arrived_at=clock.utcnow())
    with pytest.raises(TableTaken) as caught:
        operations.seat(late, actors["manager"], [floor["10"]])
    assert _en(caught.value) == ("Table 10 (main room) is taken: De Waard (2) sits there since 19:02, "
                                 "seated by Sanne.")
    db.session.rollback()
    assert late.state is State.ARRIVED


def test_the_occupant_is_the_party_seated_at_those_tables(frozen, floor, actors, make_res):
    host = actors["host"]
    elsewhere = _seated(make_res, host, floor["11"], "Elders", 4)
    gone = _seated(make_res, host, floor["10"], "Weg", 2)
    operations.leave(gone, host)
    booked = make_res("Later", 2, frozen + minutes(120), tables=[floor["10"]])  # assigned, not sitting
    db.session.commit()
    assert operations.occupant([floor["10"].id]) is None
    there = _seated(make_res, host, floor["10"], "Hier", 2)
    assert operations.occupant([floor["10"].id]) is there
    assert operations.occupant([floor["10"].id, floor["12"].id]) is there
    assert operations.occupant([floor["10"].id], other_than=there.id) is None
    assert operations.occupant([floor["11"].id], other_than=there.id) is elsewhere
    assert operations.occupant([floor["12"].id]) is None
    assert booked.state is State.BOOKED
    newcomer = make_res("Nieuw", 2, state=State.ARRIVED, arrived_at=frozen)
    with pytest.raises(TableTaken) as caught:
        operations.seat(newcomer, host, [floor["10"]])
    assert "is taken: Hier (2)" in _en(caught.value)


def test_a_move_refused_in_a_race_names_the_other_party_not_itself(frozen, floor, actors, make_res, monkeypatch):
    """The tablet saw table 3 free; by its write another party sits there (the unique index refuses)."""
    host = actors["host"]
    mover = make_res("Visser", 3, frozen, State.GREETED, greeted_at=frozen)
    operations.seat(mover, host, [floor["1"], floor["2"]])
    other = _seated(make_res, host, floor["3"], "Mulder", 2)
    monkeypatch.setattr(queries, "blocked_tables", lambda ids, own=None: [])  # as read before Mulder sat down
    with pytest.raises(TableTaken) as caught:
        seating.move(mover, host, [floor["2"], floor["3"]])
    assert _en(caught.value).startswith("Table 3 (window) is taken: Mulder (2)")
    db.session.rollback()
    assert mover.table_names == "1 + 2" and other.table_names == "3"


def test_a_table_taken_by_a_party_gone_since_says_it_was_just_taken(frozen, floor, actors, make_res, monkeypatch):
    """The unique index refused the table, but its party left before the lookup of who sits there."""
    first = _seated(make_res, actors["host"], floor["10"], "De Waard", 2)
    late = make_res("Jansen", 2, state=State.ARRIVED, arrived_at=frozen)
    lookup = operations.occupant

    def occupant_after_they_left(table_ids, other_than=None):
        for assignment in first.assignments:
            assignment.occupied = False
        db.session.flush()
        return lookup(table_ids, other_than)

    monkeypatch.setattr(operations, "occupant", occupant_after_they_left)
    with pytest.raises(TableTaken) as caught:
        operations.seat(late, actors["host"], [floor["10"]])
    assert _en(caught.value) == "That table was just taken. Please choose another."


def test_tables_together_too_small_are_refused_on_the_table_field(frozen, floor, actors, make_res):
    res = make_res(size=5, state=State.GREETED, greeted_at=frozen)
    with pytest.raises(ValidationFailed) as caught:
        operations.seat(res, actors["host"], [floor["1"], floor["2"]])
    assert _en(caught.value) == "Table 1 + 2 seats at most 4 guests."
    assert caught.value.details == {"field": "table_ids"}


# Undo -----------------------------------------------------------------------------------------

def test_undo_stores_and_audits_who_stepped_back_and_when(frozen, floor, actors, make_res):
    res = make_res()
    operations.arrive(res, actors["host"])
    db.session.commit()
    clock.advance(timedelta(seconds=30))
    operations.undo(res, actors["manager"])
    _stored(res)
    assert res.state is State.BOOKED and res.previous_state is None
    assert res.changed_at == frozen + timedelta(seconds=30) and res.changed_by_id == actors["manager"].id
    [entry] = _entries(res, "undo")
    assert entry.actor_id == actors["manager"].id and entry.actor_name == "Manager"
    assert entry.changes == {"state": ["arrived", "booked"]}


def test_undo_of_a_move_is_audited_with_who(frozen, floor, actors, make_res):
    res = _seated(make_res, actors["host"], floor["10"])
    seating.move(res, actors["host"], [floor["11"]])
    db.session.commit()
    operations.undo(res, actors["manager"])
    db.session.commit()
    assert res.table_names == "10"
    [entry] = _entries(res, "undo")
    assert entry.actor_id == actors["manager"].id and entry.actor_name == "Manager"


def test_undo_steps_back_only_its_own_party(frozen, floor, actors, make_res):
    mine = make_res("De Waard")
    other = make_res("Jansen")
    operations.arrive(mine, actors["host"])
    operations.arrive(other, actors["host"])  # the same moment: the same change time
    db.session.commit()
    operations.undo(mine, actors["host"])
    _stored(mine)
    assert mine.state is State.BOOKED
    assert other.state is State.ARRIVED and other.arrived_at == frozen and other.previous_state is State.BOOKED


def test_undo_of_a_step_taken_further_on_another_tablet_is_refused(frozen, floor, actors, make_res):
    res = make_res(state=State.ARRIVED, arrived_at=frozen)
    operations.greet(res, actors["manager"])  # the other tablet, at the very same moment
    db.session.commit()
    set_committed_value(res, "state", State.ARRIVED)  # this tablet still shows the arrival
    set_committed_value(res, "previous_state", State.BOOKED)
    with pytest.raises(AlreadyDone) as caught:
        operations.undo(res, actors["host"])
    assert _en(caught.value) == "This was already changed on another tablet."
    _stored(res)
    assert res.state is State.GREETED and res.arrived_at == frozen and not _entries(res, "undo")


def test_undo_of_a_step_redone_on_another_tablet_is_refused(frozen, floor, actors, make_res):
    res = make_res()
    operations.arrive(res, actors["host"])
    db.session.commit()
    first_change = res.changed_at
    clock.advance(timedelta(seconds=10))
    operations.undo(res, actors["manager"])
    clock.advance(timedelta(seconds=10))
    operations.arrive(res, actors["manager"])  # the other tablet undid and marked it again
    db.session.commit()
    set_committed_value(res, "changed_at", first_change)  # this tablet shows the first arrival
    set_committed_value(res, "arrived_by_id", actors["host"].id)
    with pytest.raises(AlreadyDone) as caught:
        operations.undo(res, actors["host"])
    assert _en(caught.value) == "This was already changed on another tablet."
    _stored(res)
    assert res.state is State.ARRIVED and res.arrived_by_id == actors["manager"].id
    assert [e.actor_id for e in _entries(res, "undo")] == [actors["manager"].id]


def test_undo_of_a_first_visit_seat_counts_no_visit(frozen, floor, actors, make_res):
    res = make_res(state=State.GREETED, greeted_at=frozen, guest=Guest(name="Nieuw"))
    operations.seat(res, actors["host"], [floor["10"]])
    db.session.commit()
    assert res.guest.visits == 1
    operations.undo(res, actors["host"])
    _stored(res)
    assert res.guest.visits == 0


def test_undo_of_leave_occupies_the_tables_again(frozen, floor, actors, make_res):
    res = _seated(make_res, actors["host"], floor["10"])
    operations.leave(res, actors["host"])
    db.session.commit()
    operations.undo(res, actors["host"])
    _stored(res)
    assert res.state is State.SEATED and res.left_at is None
    assert [a.occupied for a in res.assignments] == [True]
    assert operations.occupant([floor["10"].id]) is res
