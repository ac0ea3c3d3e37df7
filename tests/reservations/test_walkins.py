"""Walk-ins and the waitlist without HTTP: quotes, seating a walk-in, calling the next party;
and the tables offered to a party (smallest fit first, preferred area first, combinations)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import NotFound, ValidationFailed
from hostdesk.extensions import db
from hostdesk.reservations import operations, queries, walkins
from hostdesk.reservations.board import load_board
from hostdesk.reservations.models import State

from .conftest import minutes


def _waiting():
    return [c.res for c in load_board().waiting]


def test_quote_is_zero_when_a_table_is_free(frozen, floor, app_ctx):
    waiting = _waiting()
    assert walkins.quote_wait(2, waiting) == 0


def no_combinations(floor) -> None:
    """Window tables 1-3 no longer pushed together: only tables 10, 11 and 12 take four."""
    for name in ("1", "2", "3"):
        floor[name].combinable = False
    db.session.commit()


def test_quote_waits_for_the_first_table_to_free_up(frozen, floor, make_res, actors):
    host = actors["host"]
    no_combinations(floor)
    for name, table, ago in (("A", "10", 60), ("B", "11", 30), ("C", "12", 100)):  # 4+ seats: 10, 11, 12
        res = make_res(name, 4, frozen - minutes(ago), State.GREETED)
        clock.freeze(frozen - minutes(ago))
        operations.seat(res, host, [floor[table]])
    clock.freeze(frozen)
    db.session.commit()
    waiting = _waiting()
    # 12 frees at 19:00 - 100 + 105 min = +5; 10 at -60 + 105 = +45; 11 at -30 + 105 = +75.
    assert walkins.quote_wait(4, waiting) == 5
    walkins.add_to_waitlist(host, 4, 5, "Visser")
    waiting = _waiting()
    assert walkins.quote_wait(4, waiting) == 45  # one party is ahead
    walkins.add_to_waitlist(host, 4, 45, "")
    walkins.add_to_waitlist(host, 4, 75, "")
    waiting = _waiting()
    assert walkins.quote_wait(4, waiting) == 5 + 105  # a second round at the first table


def test_quote_for_a_table_to_clear_and_for_a_party_no_table_takes(frozen, floor, make_res, actors):
    no_combinations(floor)
    res = make_res("A", 2, frozen - minutes(90), State.GREETED)
    operations.seat(res, actors["host"], [floor["10"]])
    operations.leave(res, actors["host"])
    for table in ("11", "12"):
        other = make_res("B" + table, 4, frozen, State.GREETED)
        operations.seat(other, actors["host"], [floor[table]])
    db.session.commit()
    waiting = _waiting()
    assert walkins.quote_wait(4, waiting) == 5  # table 10 only needs clearing
    assert walkins.quote_wait(20, waiting) == 150  # nothing fits: the usual duration


def test_quote_counts_a_free_combination_of_tables(frozen, floor, make_res, actors):
    for table in ("10", "11", "12"):
        other = make_res("B" + table, 4, frozen, State.GREETED)
        operations.seat(other, actors["host"], [floor[table]])
    db.session.commit()
    waiting = _waiting()
    assert walkins.quote_wait(4, waiting) == 0  # 1 + 2 pushed together are free now


def test_waitlist_and_call_next_are_audited(frozen, floor, actors):
    host = actors["host"]
    first = walkins.add_to_waitlist(host, 2, 15, "Visser", "06 12345678")
    clock.advance(minutes(1))
    walkins.add_to_waitlist(host, 3, 20)
    assert first.state is State.WAITING and first.quoted_wait_minutes == 15 and first.guest.phone == "+31612345678"
    called = walkins.call_next(host)
    assert called.id == first.id and called.state is State.ARRIVED and called.called_at == clock.utcnow()
    assert [e.action for e in entries_for("reservations", first.id)] == ["reservation.walk_in.waiting",
                                                                        "reservation.call", "reservation.tables"]
    walkins.call_next(host)
    with pytest.raises(NotFound):
        walkins.call_next(host)
    with pytest.raises(ValidationFailed):
        walkins.add_to_waitlist(host, 2, 500)
    with pytest.raises(ValidationFailed):
        walkins.add_to_waitlist(host, 0, 10)


def test_seat_walk_in_at_once(frozen, floor, actors):
    res = walkins.seat_walk_in(actors["host"], 2, [floor["1"]])
    assert res.state is State.SEATED and res.source.value == "walk_in" and res.greeted_at == clock.utcnow()
    with pytest.raises(ValidationFailed):
        walkins.seat_walk_in(actors["host"], 2, [])


def test_options_smallest_fit_first_preferred_area_first(frozen, floor, app_ctx):
    floor_state = load_board().floor
    assert [o.names for o in queries.seating_options(floor_state, 2)][:4] == ["1", "2", "3", "10"]
    main = floor["10"].area_id
    assert [o.names for o in queries.seating_options(floor_state, 2, preferred_area_id=main)][:2] == ["10", "1"]
    assert [o.names for o in queries.seating_options(floor_state, 5)] == ["11", "12"]


def test_options_combine_neighbours_for_a_large_party(frozen, floor, make_res, actors):
    for table in ("11", "12"):
        res = make_res("Big" + table, 6, frozen, State.GREETED)
        operations.seat(res, actors["host"], [floor[table]])
    db.session.commit()
    assert [o.names for o in queries.seating_options(load_board().floor, 4)] == ["10"]  # a single table will do
    res = make_res("Four", 4, frozen, State.GREETED)
    operations.seat(res, actors["host"], [floor["10"]])
    assert [o.names for o in queries.seating_options(load_board().floor, 4)] == ["1 + 2", "2 + 3"]
    names = [o.names for o in queries.seating_options(load_board().floor, 6)]
    assert names == ["1 + 2 + 3"]


def test_options_mark_a_table_booked_soon(frozen, floor, make_res):
    make_res("Soon", 2, frozen + minutes(45), tables=[floor["1"]])
    options = queries.seating_options(load_board().floor, 2)
    assert options[-1].names == "1" and options[-1].reserved_at == frozen + minutes(45)


def test_the_seat_chooser_and_table_ready_go_by_the_learned_turn_time(frozen, floor, make_res, actors):
    """Twenty dinners of two that sat 60 minutes, not the manager's 90: a table booked in 75 minutes
    is free for a party of two now, for the seat chooser and for "Table ready" as for the quote."""
    from hostdesk.reservations import turntimes

    for i in range(20):
        begin = frozen - timedelta(days=i + 1)
        make_res(f"v{i}", 2, begin, State.LEFT, seated_at=begin, left_at=begin + minutes(60))
    turntimes.refresh()
    make_res("Later", 2, frozen + minutes(75), tables=[floor["10"]])
    options = queries.seating_options(load_board().floor, 2)
    assert next(o for o in options if o.names == "10").reserved_at is None
    party = walkins.add_to_waitlist(actors["host"], 2, 15, "Visser")
    db.session.commit()
    assert walkins.call_next(actors["host"], floor["10"]).id == party.id
