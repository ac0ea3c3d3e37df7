"""The floor's rules one by one: each refusal's words and the field it belongs to, each change as
stored and as audited (who, what, the values)."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from hostdesk.audit import entries_for
from hostdesk.errors import DomainError
from hostdesk.extensions import db
from hostdesk.floor import operations
from hostdesk.reservations import operations as res_ops
from hostdesk.reservations.models import State


def refusal(call) -> tuple[str, str | None]:
    """The English message and the form field of the rule that refuses `call()`."""
    with pytest.raises(DomainError) as refused:
        call()
    with force_locale("en"):
        return str(refused.value.message), refused.value.details.get("field")


def only_entry(kind: str, subject_id: int):
    (entry,) = entries_for(kind, subject_id)
    return entry


def test_an_area_needs_a_name_of_its_own(app_ctx, floor, actors):
    manager = actors["manager"]
    assert refusal(lambda: operations.save_area(manager, "  ")) == ("Give the area a name.", "name")
    assert refusal(lambda: operations.save_area(manager, " WINDOW ")) == (
        "There is already an area called WINDOW.", "name")
    window = floor["1"].area
    main = floor["10"].area
    assert refusal(lambda: operations.save_area(manager, "Window", area=main)) == (
        "There is already an area called Window.", "name")
    assert operations.save_area(manager, "Window", 5, area=window) is window  # its own name, in capitals


def test_an_area_is_stored_and_audited_as_created_and_as_edited(app_ctx, floor, actors):
    manager = actors["manager"]
    area = operations.save_area(manager, " Terrace ", 3)
    db.session.commit()
    assert (area.name, area.position) == ("Terrace", 3)
    created = only_entry("areas", area.id)
    assert (created.action, created.actor_id, created.changes) == (
        "area.create", manager.id, {"name": "Terrace", "position": 3})
    assert operations.save_area(manager, "Garden", area=area) is area
    db.session.commit()
    assert (area.name, area.position) == ("Garden", 0)  # no position given: first
    edited = entries_for("areas", area.id)[-1]
    assert (edited.action, edited.actor_id, edited.changes) == (
        "area.edit", manager.id, {"name": "Garden", "position": 0})


SEATS = "Seats: the minimum must be at least 1 and at most the maximum (50 at most)."


@pytest.mark.parametrize(("low", "high", "allowed"), [
    (0, 2, False), (1, 2, True), (2, 2, True), (3, 2, False), (1, 50, True), (1, 51, False), (50, 50, True)])
def test_a_table_seats_from_one_to_fifty(app_ctx, floor, actors, low, high, allowed):
    area = floor["10"].area

    def save():
        return operations.save_table(actors["manager"], name="T", area=area, min_seats=low, max_seats=high)

    if allowed:
        table = save()
        assert (table.min_seats, table.max_seats) == (low, high)
    else:
        assert refusal(save) == (SEATS, "max_seats")


def test_a_table_needs_a_name_of_its_own_in_any_capitals(app_ctx, floor, actors):
    manager, area = actors["manager"], floor["10"].area
    assert refusal(lambda: operations.save_table(manager, name=" ", area=area, min_seats=1, max_seats=2)) == (
        "Give the table a name or number.", "name")
    bar = operations.save_table(manager, name="Bar 1", area=area, min_seats=1, max_seats=2)
    for clash in ("BAR 1", "bar 1"):
        assert refusal(lambda name=clash: operations.save_table(manager, name=name, area=area, min_seats=1,
                                                                 max_seats=2)) == (
            f"There is already a table {clash}.", "name")
    assert operations.save_table(manager, name="BAR 1", area=area, min_seats=1, max_seats=4, table=bar) is bar


def test_a_table_is_stored_and_audited_as_created_and_as_edited(app_ctx, floor, actors):
    manager, main, window = actors["manager"], floor["10"].area, floor["1"].area
    table = operations.save_table(manager, name=" 20 ", area=main, min_seats=2, max_seats=4)
    db.session.commit()
    assert (table.name, table.area, table.min_seats, table.max_seats, table.combinable, table.position,
            table.active) == ("20", main, 2, 4, False, 0, True)  # not said otherwise: in use, first, alone
    created = only_entry("tables", table.id)
    assert (created.action, created.actor_id, created.changes) == ("table.create", manager.id, {
        "name": "20", "min_seats": 2, "max_seats": 4, "combinable": False, "position": 0, "active": True,
        "area": main.id})
    assert operations.save_table(manager, name="21", area=window, min_seats=1, max_seats=2, combinable=True,
                                 position=7, active=False, table=table) is table
    db.session.commit()
    assert (table.name, table.area, table.min_seats, table.max_seats, table.combinable, table.position,
            table.active) == ("21", window, 1, 2, True, 7, False)
    edited = entries_for("tables", table.id)[-1]
    assert (edited.action, edited.actor_id, edited.changes) == ("table.edit", manager.id, {
        "name": "21", "min_seats": 1, "max_seats": 2, "combinable": True, "position": 7, "active": False,
        "area": window.id})


def test_clearing_a_table_says_why_it_cannot_and_audits_who_did(app_ctx, frozen, floor, actors, make_res):
    table, host = floor["10"], actors["host"]
    party = make_res("De Waard", 2, frozen, State.GREETED, greeted_at=frozen)
    res_ops.seat(party, host, [table])
    assert refusal(lambda: operations.clear_table(table, host)) == (
        "Table 10 is occupied by De Waard: mark them as left first.", None)
    assert refusal(lambda: operations.clear_table(floor["11"], host)) == ("Table 11 is already free.", None)
    res_ops.leave(party, host)
    operations.clear_table(table, host)
    db.session.commit()
    assert table.cleared_at == frozen
    cleared = entries_for("tables", table.id)[-1]
    assert (cleared.action, cleared.actor_id) == ("table.clear", host.id)
