"""The new host-screen routes over HTTP: dialogs, search, move, cancel with undo on the Bookings
page, hosts' notes, and the door's counts on an enrolled tablet's PIN screen."""
from __future__ import annotations

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.reservations.models import Reservation, ShiftNote, State
from tests.conftest import PASSWORDS, login

from .conftest import minutes

HX = {"HX-Request": "true"}


def _state(rid: int) -> State:
    db.session.expire_all()
    return db.session.get(Reservation, rid).state


def test_dialogs_name_the_party_and_work_without_htmx(frozen, floor, make_res, host_client_en):
    res = make_res("Dekker", 3, frozen + minutes(10), tables=[floor["10"]])
    for step, text in (("arrive", "How many of Dekker, 3 guests are here?"), ("cancel", "Cancel Dekker, 3 guests?"),
                       ("size", "Party size of Dekker, 3 guests")):
        dialog = host_client_en.get(f"/host/reservations/{res.id}/ask/{step}", headers=HX)
        assert dialog.status_code == 200 and text in dialog.get_data(as_text=True), step
        page = host_client_en.get(f"/host/reservations/{res.id}/ask/{step}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "<html" in html and text in html
    arrived = host_client_en.post(f"/host/reservations/{res.id}/arrive", data={"guests": "2"}, headers=HX)
    assert arrived.status_code == 200
    db.session.expire_all()
    assert db.session.get(Reservation, res.id).arrived_guests == 2
    board = host_client_en.get("/host/").get_data(as_text=True)
    assert "2 of 3 here" in board and "Rest arrived" in board
    assert host_client_en.post(f"/host/reservations/{res.id}/rest-arrived", headers=HX).status_code == 200
    too_many = host_client_en.post(f"/host/reservations/{res.id}/size", data={"party_size": "5"}, headers=HX)
    assert too_many.status_code == 422 and "Table 10 seats at most 4 guests" in too_many.get_data(as_text=True)
    resized = host_client_en.post(f"/host/reservations/{res.id}/size", data={"party_size": "4"}, headers=HX)
    assert resized.status_code == 200
    refused = host_client_en.post(f"/host/reservations/{res.id}/arrive", data={"guests": "x"}, headers=HX)
    assert refused.status_code == 422


def test_search_from_the_board(frozen, floor, make_res, host_client_en):
    make_res("Dekker", 2, frozen + minutes(240))
    html = host_client_en.get("/host/search?q=dek", headers=HX).get_data(as_text=True)
    assert "1 party found" in html and "Dekker" in html and 'data-show="res-' in html
    assert "0 parties found" in host_client_en.get("/host/search?q=zzz", headers=HX).get_data(as_text=True)


def test_move_and_release_over_http(frozen, floor, make_res, host_client_en, actors):
    from hostdesk.reservations import operations

    res = make_res("Visser", 4, frozen, State.GREETED, greeted_at=frozen)
    chooser = host_client_en.post(f"/host/reservations/{res.id}/seat", data={}, headers=HX).get_data(as_text=True)
    assert "Or pick tables yourself" in chooser
    ids = [str(floor["1"].id), str(floor["3"].id)]
    seated = host_client_en.post(f"/host/reservations/{res.id}/seat", data={"table_ids": ids}, headers=HX)
    assert seated.status_code == 200
    dialog = host_client_en.get(f"/host/reservations/{res.id}/tables", headers=HX).get_data(as_text=True)
    assert "Release table 3" in dialog and "Move to" in dialog
    assert host_client_en.post(f"/host/reservations/{res.id}/release/{floor['3'].id}", headers=HX).status_code == 200
    moved = host_client_en.post(f"/host/reservations/{res.id}/move",
                             data={"table_ids": str(floor["10"].id), "seen": str(floor["1"].id)}, headers=HX)
    assert moved.status_code == 200
    stale = host_client_en.post(f"/host/reservations/{res.id}/move",
                             data={"table_ids": str(floor["12"].id), "seen": str(floor["1"].id)}, headers=HX)
    assert stale.status_code == 409 and "was just moved to table 10" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Reservation, res.id).table_names == "10"
    assert operations.can_undo(db.session.get(Reservation, res.id))


def test_cancel_on_the_bookings_page_asks_and_can_be_undone(frozen, floor, make_res, host_client_en):
    res = make_res("Dekker", 2, frozen + minutes(120))
    listing = host_client_en.get("/host/bookings?day=2026-11-20").get_data(as_text=True)
    assert f"/host/reservations/{res.id}/ask/cancel?view=bookings" in listing  # a question first, not a post
    confirm = host_client_en.get(f"/host/reservations/{res.id}/ask/cancel?view=bookings").get_data(as_text=True)
    assert "Yes, cancel" in confirm and 'name="view" value="bookings"' in confirm
    done = host_client_en.post(f"/host/reservations/{res.id}/cancel", data={"view": "bookings"})
    assert done.status_code == 302 and "/host/bookings" in done.headers["Location"]
    assert _state(res.id) is State.CANCELLED
    listing = host_client_en.get("/host/bookings?day=2026-11-20").get_data(as_text=True)
    assert f"/host/reservations/{res.id}/undo" in listing
    assert host_client_en.post(f"/host/reservations/{res.id}/undo", data={"view": "bookings"}).status_code == 302
    assert _state(res.id) is State.BOOKED


def test_hosts_write_notes(frozen, floor, host_client_en):
    assert 'id="sec-note-form"' in host_client_en.get("/host/").get_data(as_text=True)
    assert host_client_en.post("/host/shift-note", data={"text": "Terras dicht"}, headers=HX).status_code == 200
    assert db.session.scalars(db.select(ShiftNote)).one().text == "Terras dicht"
    assert host_client_en.post("/host/shift-note", data={"text": "x" * 1001}, headers=HX).status_code == 422


def test_the_pin_screen_keeps_the_door_alerts(frozen, floor, make_res, app, users):
    make_res("Dekker", 2, frozen, State.ARRIVED, arrived_at=frozen - minutes(2))
    assert app.test_client().get("/host/door").status_code == 204  # not an enrolled tablet: nothing
    tablet = app.test_client()
    login(tablet, "host", PASSWORDS[Role.HOST], shared_tablet="y", device_name="Host stand")
    tablet.post("/switch/leave")
    page = tablet.get("/switch", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'hx-get="/host/door"' in page
    door = tablet.get("/host/door", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 party is waiting to be greeted" in door and "longest wait 2:00" in door and "Dekker" not in door


def test_the_door_poll_reads_no_messages(frozen, floor, make_res, app_ctx):
    """The PIN screen's poll (every 5 s) reads the day's parties and their tables, not the waitlist
    guests' messages: the same few statements however many parties there are."""
    from flask import g

    from hostdesk.reservations.board import door_alerts
    from tests.statements import Statements

    def statements_of_the_poll() -> list[str]:
        db.session.expire_all()
        g.pop("hostdesk_settings", None)
        with Statements(db.engine) as statements:
            door_alerts()
        return statements.seen

    make_res("Dekker", 2, frozen, State.ARRIVED, arrived_at=frozen - minutes(2))
    few = statements_of_the_poll()
    for i in range(30):
        make_res(f"Gast {i}", 2, frozen + minutes(i), State.WAITING if i % 2 else State.ARRIVED, arrived_at=frozen,
                 quoted_wait_minutes=10)
    many = statements_of_the_poll()
    assert len(few) == len(many) <= 3, many
    assert not any("guest_messages" in s for s in many), many
