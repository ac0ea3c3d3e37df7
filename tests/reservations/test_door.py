"""At the door, without HTTP: part of a party arrives, the size changes from the card, today's
parties are found by name, phone or table, cancel and no-show keep their card with its undo."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import AlreadyDone, ValidationFailed
from hostdesk.extensions import db
from hostdesk.reservations import door, live, operations
from hostdesk.reservations.board import load_board, tally
from hostdesk.reservations.bookings import find_or_add_guest
from hostdesk.reservations.models import State

from .conftest import minutes


def _en(error) -> str:
    with force_locale("en"):
        return str(error.message)


def test_partial_arrival_then_the_rest(frozen, floor, actors, make_res):
    res = make_res("Dekker", 5, frozen, tables=[floor["12"]])
    operations.arrive(res, actors["host"], guests=3)
    db.session.commit()
    assert res.state is State.ARRIVED and res.arrived_guests == 3 and res.partly_arrived
    board = load_board()
    assert [c.id for c in board.greet] == [res.id]  # can be greeted (and seated) as it is
    assert (board.covers_expected, board.covers_arrived) == (5, 3)  # three are here
    assert (tally().covers_expected, tally().covers_arrived) == (5, 3)
    operations.greet(res, actors["host"])
    operations.seat(res, actors["host"])
    db.session.commit()
    assert res.state is State.SEATED and res.partly_arrived
    version = live.version()
    operations.rest_arrived(res, actors["host"])
    db.session.commit()
    assert res.arrived_guests is None and not res.partly_arrived and live.version() == version + 1
    actions = [(e.action, e.actor_name) for e in entries_for("reservations", res.id)]
    assert ("reservation.rest_arrived", "Sanne") in actions
    assert [e.changes.get("arrived_guests") for e in entries_for("reservations", res.id)
            if e.action == "reservation.arrive"] == [3]
    with pytest.raises(AlreadyDone):
        operations.rest_arrived(res, actors["host"])


def test_partial_arrival_counts_and_undo(frozen, floor, actors, make_res):
    res = make_res("Dekker", 5, frozen)
    with pytest.raises(ValidationFailed):
        operations.arrive(res, actors["host"], guests=6)
    operations.arrive(res, actors["host"], guests=5)  # all of them: not partial
    assert res.arrived_guests is None
    operations.undo(res, actors["host"])
    db.session.commit()
    operations.arrive(res, actors["host"], guests=2)
    operations.undo(res, actors["host"])
    db.session.commit()
    assert res.state is State.BOOKED and res.arrived_guests is None


def test_party_size_from_the_card_checks_the_tables(frozen, floor, actors, make_res):
    res = make_res("Dekker", 2, frozen, tables=[floor["1"]])  # 1-2 seats
    with pytest.raises(ValidationFailed) as small:
        door.change_party_size(res, actors["host"], 3)
    assert _en(small.value) == "Table 1 seats at most 2 guests: choose other tables first."
    with pytest.raises(ValidationFailed) as large:
        door.change_party_size(res, actors["host"], 31)
    assert _en(large.value) == "The party size must be between 1 and 30."
    db.session.rollback()
    free = make_res("Jansen", 4, frozen)
    version = live.version()
    door.change_party_size(free, actors["host"], 5)
    db.session.commit()
    assert free.party_size == 5 and live.version() == version + 1
    assert [e.changes["party_size"] for e in entries_for("reservations", free.id)
            if e.action == "reservation.party_size"] == [[4, 5]]


def test_party_size_changed_meanwhile_is_refused(frozen, floor, actors, make_res):
    from sqlalchemy.orm.attributes import set_committed_value

    res = make_res("Jansen", 4, frozen)
    door.change_party_size(res, actors["host"], 5)
    db.session.commit()
    set_committed_value(res, "party_size", 4)  # what the other tablet read
    with pytest.raises(AlreadyDone) as late:
        door.change_party_size(res, actors["manager"], 6)
    db.session.rollback()
    assert _en(late.value) == "Jansen was just changed on another tablet: now 5 guests."


def test_search_finds_today_by_name_phone_in_any_format_and_table(frozen, floor, actors, make_res):
    later = make_res("Dekker", 2, frozen + minutes(180), tables=[floor["10"]])
    later.guest = find_or_add_guest("Dekker", "+31612345678", "")
    seated = make_res("Van den Berg", 4, frozen - minutes(30), State.SEATED, tables=[floor["12"]],
                      seated_at=frozen)
    make_res("Tomorrow", 2, frozen + timedelta(days=1))
    db.session.commit()
    for query in ("dekker", "06 12345678", "+31 6 1234 5678", "0031612345678", "5678"):
        assert [r.id for r in door.today_matches(query)] == [later.id], query
    assert [r.id for r in door.today_matches("12")] == [seated.id]  # table 12
    assert [r.id for r in door.today_matches("berg")] == [seated.id]
    assert door.today_matches("tomorrow") == [] and door.today_matches("  ") == []


def test_no_show_and_cancel_keep_their_card_with_undo(frozen, floor, actors, make_res):
    late = make_res("Laat", 2, frozen - minutes(20))
    soon = make_res("Straks", 2, frozen + minutes(10))
    evening = make_res("Avond", 2, frozen + minutes(180))
    operations.no_show(late, actors["host"])
    operations.cancel(soon, actors["host"])
    operations.cancel(evening, actors["host"])
    db.session.commit()
    board = load_board()
    assert [(c.id, c.undo) for c in board.late] == [(late.id, True)]  # on its own card, in its place
    assert [c.id for c in board.arriving] == [soon.id] and [c.id for c in board.later] == [evening.id]
    assert board.recent == [] and board.count_of("late") == 0  # not counted as still to come
    operations.undo(late, actors["host"])
    db.session.commit()
    assert late.state is State.BOOKED
    clock.advance(timedelta(seconds=121))
    board = load_board()
    assert soon.id not in [c.id for c in board.arriving] and evening.id not in [c.id for c in board.later]
