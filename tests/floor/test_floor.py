"""The floor: table states in colour and words, tapping a tile to seat or clear, managers' editing."""
from __future__ import annotations

import re

import pytest

from hostdesk.audit import entries_for
from hostdesk.errors import AlreadyDone, InvalidTransition, ValidationFailed
from hostdesk.extensions import db
from hostdesk.floor import operations
from hostdesk.floor.models import Area, Table
from hostdesk.reservations import operations as res_ops
from hostdesk.reservations.models import State
from tests.htmx_answers import lands_in

from .conftest import minutes

HX = {"HX-Request": "true"}


def tile_states(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-table-id="(\d+)" data-table-state="(\w+)"', html))


def test_tiles_show_state_in_words(frozen, floor, make_res, actors, host_client_en):
    seated = make_res("De Waard", 2, frozen - minutes(30), State.GREETED, greeted_at=frozen)
    res_ops.seat(seated, actors["host"], [floor["10"]])
    make_res("Jansen", 6, frozen + minutes(30), tables=[floor["12"]])
    gone = make_res("Smit", 2, frozen - minutes(90), State.GREETED, greeted_at=frozen)
    res_ops.seat(gone, actors["host"], [floor["1"]])
    res_ops.leave(gone, actors["host"])
    db.session.commit()
    html = host_client_en.get("/host/floor/").get_data(as_text=True)
    states = tile_states(html)
    assert states[str(floor["10"].id)] == "occupied" and states[str(floor["12"].id)] == "reserved"
    assert states[str(floor["1"].id)] == "to_clear" and states[str(floor["2"].id)] == "free"
    for words in ("occupied since 19:00 by De Waard (2)", "reserved 19:30", "to clear", "free"):
        assert words in html
    dutch = host_client_en.get("/host/floor/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "bezet sinds 19:00 door De Waard (2)" in dutch and "af te ruimen" in dutch


def test_tap_tile_to_seat_and_to_clear(frozen, floor, make_res, host_client_en):
    res = make_res("De Waard", 2, frozen, State.ARRIVED, arrived_at=frozen)
    dialog = host_client_en.get(f"/host/floor/tile/{floor['2'].id}", headers=HX)
    assert lands_in(dialog, "#dialog") and "De Waard" in dialog.get_data(as_text=True)
    seated = host_client_en.post(f"/host/reservations/{res.id}/seat", data={"table_ids": str(floor["2"].id),
                                                                        "view": "floor"}, headers=HX)
    assert seated.get_data(as_text=True).lstrip().startswith('<div id="floor"')
    assert tile_states(seated.get_data(as_text=True))[str(floor["2"].id)] == "occupied"
    left = host_client_en.post(f"/host/reservations/{res.id}/leave", data={"view": "floor"}, headers=HX)
    assert tile_states(left.get_data(as_text=True))[str(floor["2"].id)] == "to_clear"
    cleared = host_client_en.post(f"/host/floor/tile/{floor['2'].id}/clear", headers=HX)
    assert tile_states(cleared.get_data(as_text=True))[str(floor["2"].id)] == "free"
    again = host_client_en.post(f"/host/floor/tile/{floor['2'].id}/clear", headers=HX)
    assert again.status_code == 409
    assert host_client_en.get("/host/floor/tile/999999", headers=HX).status_code == 404
    assert host_client_en.post(f"/host/floor/tile/{10**30}/clear", headers=HX).status_code == 404


def test_clear_refuses_an_occupied_table(frozen, floor, make_res, actors, app_ctx):
    res = make_res("De Waard", 2, frozen, State.GREETED, greeted_at=frozen)
    res_ops.seat(res, actors["host"], [floor["10"]])
    with pytest.raises(InvalidTransition):
        operations.clear_table(floor["10"], actors["host"])
    with pytest.raises(AlreadyDone):
        operations.clear_table(floor["11"], actors["host"])
    res_ops.leave(res, actors["host"])
    operations.clear_table(floor["10"], actors["host"])
    assert [e.action for e in entries_for("tables", floor["10"].id)] == ["table.clear"]


def test_floor_poll(frozen, floor, host_client_en):
    from hostdesk.reservations import live

    assert host_client_en.get(f"/host/floor/poll?v={live.token()}", headers=HX).status_code == 204
    changed = host_client_en.get("/host/floor/poll?v=old", headers=HX)
    assert changed.status_code == 200
    assert changed.get_data(as_text=True).lstrip().startswith('<div id="floor"')
    assert tile_states(changed.get_data(as_text=True))[str(floor["10"].id)] == "free"


def test_managers_edit_tables_hosts_may_not(frozen, floor, host_client_en, manager_client_en):
    assert host_client_en.get("/host/floor/tables").status_code == 403
    assert host_client_en.post("/host/floor/tables/new", data={"name": "99"}).status_code == 403
    listed = manager_client_en.get("/host/floor/tables", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Tables and areas</h1>" in listed and "main room" in listed
    area_id = floor["10"].area_id
    created = manager_client_en.post("/host/floor/tables/new", data={
        "name": "20", "area_id": str(area_id), "min_seats": "2", "max_seats": "4", "position": "20", "active": "y"})
    assert created.status_code == 302 and created.headers["Location"] == "/host/floor/tables"
    table = db.session.scalars(db.select(Table).where(Table.name == "20")).one()
    assert (table.min_seats, table.max_seats, table.active) == (2, 4, True)
    assert [e.action for e in entries_for("tables", table.id)] == ["table.create"]
    clash = manager_client_en.post("/host/floor/tables/new", data={
        "name": "20", "area_id": str(area_id), "min_seats": "2", "max_seats": "4", "position": "0"})
    assert clash.status_code == 422 and "There is already a table 20." in clash.get_data(as_text=True)
    bad = manager_client_en.post(f"/host/floor/tables/{table.id}", data={
        "name": "20", "area_id": str(area_id), "min_seats": "6", "max_seats": "4", "position": "0"})
    assert bad.status_code == 422
    area = manager_client_en.post("/host/floor/areas/new", data={"name": "Terrace", "position": "3"})
    assert area.status_code == 302 and area.headers["Location"] == "/host/floor/tables"
    assert db.session.scalars(db.select(Area).where(Area.name == "Terrace")).one()
    for nasty in ({"name": ""}, {"name": "x", "area_id": "abc"}, {"name": "x", "area_id": "999",
                                                                    "min_seats": "1", "max_seats": "2"}):
        assert manager_client_en.post("/host/floor/tables/new", data=nasty).status_code == 422


def test_save_table_rules(app_ctx, floor, actors):
    area = floor["10"].area
    with pytest.raises(ValidationFailed):
        operations.save_table(actors["manager"], name=" ", area=area, min_seats=1, max_seats=2)
    with pytest.raises(ValidationFailed):
        operations.save_table(actors["manager"], name="x", area=area, min_seats=3, max_seats=2)
    with pytest.raises(ValidationFailed):
        operations.save_area(actors["manager"], "WINDOW")
