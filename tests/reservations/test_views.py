"""The host board over HTTP: pages, the poll, taps (htmx and plain), bad input, bookings, walk-ins."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.reservations import live
from hostdesk.reservations.models import Reservation, ShiftNote, State
from tests.htmx_answers import lands_in

from .conftest import minutes

HX = {"HX-Request": "true"}


def _state(rid: int) -> State:
    db.session.expire_all()
    return db.session.get(Reservation, rid).state


def test_board_page_and_roles(frozen, floor, make_res, host_client_en, staff_client_en):
    res = make_res("De Waard", 2, frozen + minutes(10), tables=[floor["12"]])
    page = host_client_en.get("/host/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-reservation-id="{res.id}"' in html and 'data-state="booked"' in html
    assert 'hx-trigger="every 2s"' in html and "<details" in html
    assert staff_client_en.get("/host/").status_code == 403


def test_poll_answers_204_until_something_changes(frozen, floor, make_res, host_client_en, actors):
    res = make_res("De Waard", 2, frozen + minutes(10))
    token = live.token()
    assert host_client_en.get(f"/host/board/poll?v={token}", headers=HX).status_code == 204
    from hostdesk.reservations import operations

    operations.arrive(res, actors["manager"])
    db.session.commit()
    fresh = host_client_en.get(f"/host/board/poll?v={token}", headers=HX)
    assert fresh.status_code == 200
    html = fresh.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="board"') and "Greet the De Waard party" in html
    assert 'role="alert"' in html  # the attention banner
    clock.advance(timedelta(seconds=61))  # a new minute: re-render so sections move on time
    assert host_client_en.get(f"/host/board/poll?v={live.token()}", headers=HX).status_code == 204
    assert host_client_en.get(f"/host/board/poll?v={token}", headers=HX).status_code == 200


def test_greet_walk_seat_over_htmx(frozen, floor, make_res, host_client_en):
    res = make_res("De Waard", 2, frozen, tables=[floor["12"]], allergy="peanuts", high_chairs=1)
    html = host_client_en.post(f"/host/reservations/{res.id}/arrive", headers=HX).get_data(as_text=True)
    assert "Greet the De Waard party — 2 guests, table 12 (main room)" in html
    html = host_client_en.post(f"/host/reservations/{res.id}/greet", headers=HX).get_data(as_text=True)
    assert "Walk them to table 12 (main room)" in html and "Allergy: peanuts" in html and "1 high chair" in html
    again = host_client_en.post(f"/host/reservations/{res.id}/greet", headers=HX)
    assert again.status_code == 409 and lands_in(again, "#toasts")
    assert "Already greeted by Host at 19:00." in again.get_data(as_text=True)
    seated = host_client_en.post(f"/host/reservations/{res.id}/seat", headers=HX)
    assert seated.status_code == 200 and _state(res.id) is State.SEATED
    assert "table 12 (main room) since 19:00" in seated.get_data(as_text=True)


def test_seat_offers_tables_when_none_assigned(frozen, floor, make_res, host_client_en):
    res = make_res("Jansen", 5, frozen, State.GREETED, greeted_at=frozen)
    offered = host_client_en.post(f"/host/reservations/{res.id}/seat", headers=HX)
    assert lands_in(offered, "#dialog")
    html = offered.get_data(as_text=True)
    assert html.index("Table 11") < html.index("Table 12")  # smallest fit first
    assert _state(res.id) is State.GREETED
    chosen = host_client_en.post(f"/host/reservations/{res.id}/seat", data={"table_ids": str(floor["11"].id)},
                                 headers=HX)
    assert chosen.status_code == 200 and _state(res.id) is State.SEATED
    assert 'id="dialog" hx-swap-oob' in chosen.get_data(as_text=True)


def test_plain_post_without_javascript(frozen, floor, make_res, host_client_en):
    res = make_res("De Waard", 2, frozen)
    response = host_client_en.post(f"/host/reservations/{res.id}/arrive")
    assert response.status_code == 302 and _state(res.id) is State.ARRIVED
    refused = host_client_en.post(f"/host/reservations/{res.id}/arrive", headers={"Referer": "http://localhost/host/"})
    assert refused.status_code == 302
    assert "Already marked arrived" in host_client_en.get("/host/").get_data(as_text=True)


@pytest.mark.parametrize("table_ids", ["abc", "-1", "0", "1,,x", "99999", "1" * 40, ",".join(["1"] * 9)])
def test_nasty_table_ids_are_refused_cleanly(frozen, floor, make_res, host_client_en, table_ids):
    res = make_res("De Waard", 2, frozen, State.GREETED, greeted_at=frozen)
    response = host_client_en.post(f"/host/reservations/{res.id}/seat", data={"table_ids": table_ids}, headers=HX)
    assert response.status_code in (404, 409, 422)
    assert _state(res.id) is State.GREETED


def test_unknown_reservation_and_action(frozen, host_client_en):
    assert host_client_en.post("/host/reservations/999/greet", headers=HX).status_code == 404
    assert host_client_en.post("/host/reservations/1/explode").status_code == 404
    assert host_client_en.post(f"/host/reservations/{10**30}/greet", headers=HX).status_code == 404
    assert host_client_en.post(f"/host/shift-note/{10**30}/dismiss", headers=HX).status_code == 404


def test_walk_in_seat_now_and_waitlist(frozen, floor, make_res, host_client_en):
    dialog = host_client_en.get("/host/walk-in", headers=HX)
    assert lands_in(dialog, "#dialog")
    options = host_client_en.get("/host/walk-in?party_size=2", headers=HX).get_data(as_text=True)
    assert "Table 1" in options and "Add to waitlist" in options
    seated = host_client_en.post("/host/walk-in/seat", data={"party_size": "2", "table_ids": str(floor["1"].id),
                                                           "name": "Visser"}, headers=HX)
    assert seated.status_code == 200
    walk_in = db.session.scalars(db.select(Reservation).where(Reservation.name == "Visser")).one()
    assert walk_in.state is State.SEATED and walk_in.source.value == "walk_in"
    waiting = host_client_en.post("/host/walk-in/wait", data={"party_size": "4", "quoted_wait": "20", "name": ""},
                               headers=HX)
    html = waiting.get_data(as_text=True)
    assert "Quoted 20 min at 19:00" in html and "20 min left of the quote" in html
    called = host_client_en.post("/host/waitlist/next", headers=HX)
    assert called.status_code == 200 and "Greet the" in called.get_data(as_text=True)
    assert host_client_en.post("/host/waitlist/next", headers=HX).status_code == 404


@pytest.mark.parametrize("size", ["0", "-3", "abc", "1e9", "9999"])
def test_walk_in_bad_party_size(frozen, floor, host_client_en, size):
    assert host_client_en.get(f"/host/walk-in?party_size={size}", headers=HX).status_code == 422
    assert host_client_en.post("/host/walk-in/seat", data={"party_size": size, "table_ids": "1"},
                            headers=HX).status_code in (404, 422)
    assert db.session.scalar(db.select(db.func.count(Reservation.id))) == 0


def test_shift_note_shown_until_dismissed(frozen, floor, host_client_en, manager_client_en):
    manager_client_en.post("/host/shift-note", data={"text": "Table 12 is reserved for the Bakker wedding"}, headers=HX)
    html = host_client_en.get("/host/").get_data(as_text=True)
    note = db.session.scalars(db.select(ShiftNote)).one()
    assert "Bakker wedding" in html and f'id="shift-note-{note.id}"' in html
    host_client_en.post(f"/host/shift-note/{note.id}/dismiss", headers=HX)
    html = host_client_en.get("/host/").get_data(as_text=True)
    assert f'id="shift-note-{note.id}"' not in html  # off the banner, still in the service's dismissed notes
    assert 'id="sec-earlier-notes"' in html and "Bakker wedding" in html
    empty = manager_client_en.post("/host/shift-note", data={"text": "   "}, headers=HX)
    assert empty.status_code == 422


def test_undo_button_within_the_period(frozen, floor, make_res, host_client_en):
    res = make_res("De Waard", 2, frozen)
    html = host_client_en.post(f"/host/reservations/{res.id}/arrive", headers=HX).get_data(as_text=True)
    assert f"/host/reservations/{res.id}/undo" in html
    assert host_client_en.post(f"/host/reservations/{res.id}/undo", headers=HX).status_code == 200
    assert _state(res.id) is State.BOOKED
    host_client_en.post(f"/host/reservations/{res.id}/arrive", headers=HX)
    clock.advance(timedelta(seconds=121))
    assert f"/host/reservations/{res.id}/undo" not in host_client_en.get("/host/").get_data(as_text=True)


def test_role_language_nl_buttons(frozen, floor, make_res, app, host_client_en):
    make_res("De Waard", 2, frozen, State.ARRIVED, arrived_at=frozen)
    make_res("Smit", 2, frozen + minutes(5))
    html = host_client_en.get("/host/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    for word in ("Begroet", "Aangekomen", "Geplaatst", "Begroet het gezelschap De Waard"):
        assert word in html, word


def test_late_party_no_show_over_http(frozen, floor, make_res, host_client_en):
    res = make_res("Jansen", 4, frozen - minutes(20))
    html = host_client_en.get("/host/").get_data(as_text=True)
    assert "20 min late" in html and f"/host/reservations/{res.id}/no-show" in html
    assert host_client_en.post(f"/host/reservations/{res.id}/no-show", headers=HX).status_code == 200
    assert _state(res.id) is State.NO_SHOW
    early = make_res("Smit", 2, frozen)
    refused = host_client_en.post(f"/host/reservations/{early.id}/no-show", headers=HX)
    assert refused.status_code == 409 and "is not late yet" in refused.get_data(as_text=True)


def test_polling_is_not_a_persons_activity(frozen, floor, host_client_en):
    from hostdesk.auth.models import AuthSession

    def last_active():
        db.session.expire_all()
        return db.session.scalars(db.select(AuthSession.last_active_at)).one()

    before = last_active()
    clock.advance(timedelta(minutes=5))
    assert host_client_en.get("/host/board/poll?v=x", headers=HX).status_code == 200
    assert host_client_en.get("/host/floor/poll?v=x", headers=HX).status_code == 200
    assert last_active() == before
    host_client_en.get("/host/")
    assert last_active() == before + timedelta(minutes=5)
