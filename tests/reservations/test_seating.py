"""Moving a seated party, combining tables by hand and releasing one of them, without HTTP: the
old table is free, each change is audited with who, and undo puts it back within the period."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import AlreadyDone, InvalidTransition, ValidationFailed
from hostdesk.extensions import db
from hostdesk.reservations import live, operations, queries, seating
from hostdesk.reservations.board import load_board
from hostdesk.reservations.models import State
from hostdesk.reservations.operations import TableTaken


def _seated(make_res, actors, tables, name="De Waard", size=2):
    res = make_res(name, size, clock.utcnow(), State.GREETED, greeted_at=clock.utcnow())
    operations.seat(res, actors["host"], tables)
    db.session.commit()
    return res


def _en(error) -> str:
    with force_locale("en"):
        return str(error.message)


def _state_of(table) -> str:
    return load_board().floor.by_id()[table.id].state


def test_move_frees_the_old_table_audits_and_bumps(frozen, floor, actors, make_res):
    res = _seated(make_res, actors, [floor["10"]])
    version = live.version()
    clock.advance(timedelta(minutes=5))
    seating.move(res, actors["host"], [floor["11"]])
    db.session.commit()
    assert res.table_names == "11" and res.state is State.SEATED
    assert _state_of(floor["10"]) == "free"  # not "to clear": nobody ate there yet
    assert _state_of(floor["11"]) == "occupied"
    assert live.version() == version + 1
    moved = [e for e in entries_for("reservations", res.id) if e.action == "reservation.move"]
    assert len(moved) == 1 and moved[0].actor_name == "Sanne"
    assert moved[0].changes["tables"] == [[floor["10"].id], [floor["11"].id]]
    assert moved[0].at == frozen + timedelta(minutes=5)


def test_move_is_refused_to_an_occupied_or_too_small_table(frozen, floor, actors, make_res):
    first = _seated(make_res, actors, [floor["10"]], "Bakker", 4)
    other = _seated(make_res, actors, [floor["11"]], "Smit", 4)
    with pytest.raises(TableTaken) as taken:
        seating.move(other, actors["host"], [floor["10"]])
    db.session.rollback()
    message = _en(taken.value)
    assert "Table 10 (main room) is taken: Bakker (4)" in message and "Sanne" in message
    with pytest.raises(ValidationFailed) as small:
        seating.move(first, actors["host"], [floor["1"]])
    db.session.rollback()
    assert "Table 1 seats at most 2 guests." in _en(small.value)
    with pytest.raises(AlreadyDone):
        seating.move(first, actors["host"], [floor["10"]])
    db.session.rollback()
    assert first.table_names == "10" and other.table_names == "11"


def test_move_can_be_undone_within_the_period_and_not_after(frozen, floor, actors, make_res):
    res = _seated(make_res, actors, [floor["10"]])
    seating.move(res, actors["host"], [floor["11"]])
    db.session.commit()
    clock.advance(timedelta(seconds=60))
    operations.undo(res, actors["host"])
    db.session.commit()
    assert res.table_names == "10" and res.state is State.SEATED
    assert _state_of(floor["11"]) == "free" and _state_of(floor["10"]) == "occupied"
    undone = [e for e in entries_for("reservations", res.id) if e.action == "reservation.undo"]
    assert undone[-1].changes["tables"] == [[floor["11"].id], [floor["10"].id]]
    seating.move(res, actors["host"], [floor["12"]])
    db.session.commit()
    clock.advance(timedelta(seconds=121))
    with pytest.raises(InvalidTransition):
        operations.undo(res, actors["host"])


def test_undo_of_a_move_when_the_old_table_was_taken_names_who(frozen, floor, actors, make_res):
    res = _seated(make_res, actors, [floor["10"]], "De Waard", 2)
    seating.move(res, actors["host"], [floor["11"]])
    db.session.commit()
    _seated(make_res, actors, [floor["10"]], "Jansen", 3)
    with pytest.raises(TableTaken) as taken:
        operations.undo(res, actors["host"])
    db.session.rollback()
    assert "Jansen (3)" in _en(taken.value)
    db.session.refresh(res)
    assert res.table_names == "11"


def test_seat_at_tables_picked_by_hand_and_release_one(frozen, floor, actors, make_res):
    """Tables 1 and 3 are not neighbours (no suggested combination), but the host may push them together."""
    res = _seated(make_res, actors, [floor["1"], floor["3"]], "Visser", 4)
    assert res.table_names == "1 + 3" and all(a.occupied for a in res.assignments)
    seating.release(res, actors["host"], floor["3"])
    db.session.commit()
    assert res.table_names == "1"
    assert _state_of(floor["3"]) == "free" and _state_of(floor["1"]) == "occupied"
    assert [e.changes["table"] for e in entries_for("reservations", res.id) if e.action == "reservation.release"] == [
        floor["3"].id]
    operations.undo(res, actors["host"])
    db.session.commit()
    assert res.table_names == "1 + 3"
    with pytest.raises(InvalidTransition):  # a single table is left or moved, not released
        seating.release(_seated(make_res, actors, [floor["12"]], "Smit", 4), actors["host"], floor["12"])


def test_a_combination_too_small_for_the_party_is_refused(frozen, floor, actors, make_res):
    res = make_res("Groot", 6, clock.utcnow(), State.GREETED, greeted_at=clock.utcnow())
    with pytest.raises(ValidationFailed) as small:
        operations.seat(res, actors["host"], [floor["1"], floor["2"]])
    assert "Table 1 + 2 seats at most 4 guests." in _en(small.value)


def test_move_of_a_party_another_tablet_moved_meanwhile_is_refused(frozen, floor, actors, make_res):
    """Two tablets move the same party: the second says which tables it saw, finds them changed,
    and is told who moved the party where; nothing changes."""
    res = _seated(make_res, actors, [floor["10"]])
    seen = [floor["10"].id]
    clock.advance(timedelta(seconds=20))
    seating.move(res, actors["host"], [floor["11"]], seen)
    db.session.commit()
    with pytest.raises(AlreadyDone) as late:
        seating.move(res, actors["manager"], [floor["12"]], seen)
    db.session.rollback()
    assert _en(late.value) == "De Waard was just moved to table 11 (main room) by Sanne at 19:00."
    assert queries.get_reservation(res.id).table_names == "11"


def test_the_conditional_update_refuses_a_stale_read(frozen, floor, actors, make_res):
    """The party as another tablet read it before the move: its UPDATE changes nothing."""
    from sqlalchemy.orm.attributes import set_committed_value

    res = _seated(make_res, actors, [floor["10"]])
    stale_changed_at = res.changed_at
    clock.advance(timedelta(seconds=20))
    seating.move(res, actors["host"], [floor["11"]])
    db.session.commit()
    set_committed_value(res, "changed_at", stale_changed_at)
    with pytest.raises(AlreadyDone):
        seating.move(res, actors["manager"], [floor["12"]])
    db.session.rollback()
    assert queries.get_reservation(res.id).table_names == "11"


def test_a_walk_in_at_tables_picked_by_hand(frozen, floor, actors):
    from hostdesk.reservations import walkins

    res = walkins.seat_walk_in(actors["host"], 4, [floor["1"], floor["3"]], "Bos")
    db.session.commit()
    assert res.state is State.SEATED and res.table_names == "1 + 3"
    with pytest.raises(ValidationFailed) as small:
        walkins.seat_walk_in(actors["host"], 6, [floor["2"], floor["1"]])
    db.session.rollback()
    assert _en(small.value) == "Table 2 + 1 seats at most 4 guests."
    with pytest.raises(ValidationFailed) as long_name:
        walkins.seat_walk_in(actors["host"], 2, [floor["2"]], "x" * 81)
    db.session.rollback()
    assert _en(long_name.value) == "The name is too long: at most 80 characters."
