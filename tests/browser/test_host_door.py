"""The host screen on a Friday night, tapped as a host would at 1024x768 and 768x1024: move and
combine, part of a party, search, size, cancel with undo, the walk prompt, Table ready, warnings,
notes, the PIN screen's alerts and sound, and dialogs that hold and give back the focus. axe-core
finds no serious or critical violation; every step leaves a screenshot to look at."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hostdesk import clock
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.models import Assignment, Reservation, State
from hostdesk.settings import get_settings, update_settings
from tests.conftest import PASSWORDS

VIEWPORTS = {"landscape": (1024, 768), "portrait": (768, 1024)}


def _seed(app, parties) -> dict[str, int]:
    """Tables 6, 7, 8 (2 seats, combinable), 12 and 14 (2-4), and `parties`: (name, size, minutes
    from now, state, table names, extra columns)."""
    with app.app_context():
        s = get_settings()
        area = Area(name="Raam", position=1)
        tables = {name: Table(name=name, area=area, min_seats=low, max_seats=high, combinable=comb, position=i)
                  for i, (name, low, high, comb) in enumerate((("6", 1, 2, True), ("7", 1, 2, True),
                                                              ("8", 1, 2, True), ("12", 2, 4, False),
                                                              ("14", 2, 4, False)))}
        db.session.add_all([area, *tables.values()])
        now = clock.utcnow()
        today = clock.service_day(now, s.zone, s.boundary)
        ids = {}
        for name, size, minutes, state, table_names, extra in parties:
            start = now + timedelta(minutes=minutes)
            if clock.service_day(start, s.zone, s.boundary) != today:  # near the day boundary: keep it today
                start = now
            res = Reservation(name=name, party_size=size, start_at=start, duration_minutes=90, state=state,
                              service_day=today, created_at=extra.pop("created_at", now), **extra)
            for table_name in table_names:
                res.assignments.append(Assignment(table=tables[table_name], occupied=state is State.SEATED))
            db.session.add(res)
            db.session.flush()
            ids[name] = res.id
        ids.update({f"table {name}": t.id for name, t in tables.items()})
        db.session.commit()
        return ids


def _state(app, rid: int) -> Reservation:
    with app.app_context():
        res = db.session.get(Reservation, rid)
        db.session.expunge(res)
        return res


def _tables_of(app, rid: int) -> str:
    with app.app_context():
        return db.session.get(Reservation, rid).table_names


def _board(tablet_page, live_server, viewport):
    page = tablet_page(Role.HOST, viewport)
    page.goto(f"{live_server}/host/")
    page.wait_for_load_state("networkidle")
    return page


def _dialog_open(page, selector: str) -> None:
    page.wait_for_selector(f"#dialog {selector}")
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#dialog')")


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_move_a_seated_party_from_its_card_and_undo(app, live_server, tablet_page, check_axe, screenshot, shape):
    now = clock.utcnow()
    ids = _seed(app, [("Dekker", 2, -30, State.SEATED, ["12"], {"seated_at": now, "allergy": "pinda"})])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    page.locator("#sec-seated summary").click()
    card = page.locator(f"#res-{ids['Dekker']}")
    assert "Allergie: pinda" in card.inner_text()  # warnings stay on the seated card
    opener = card.get_by_role("link", name="Verplaatsen of aanschuiven: Dekker, 2 gasten")
    opener.click()
    _dialog_open(page, "#move-dialog")
    check_axe(page, f"move dialog {shape}")
    screenshot(page, f"door-move-dialog-{shape}")
    page.locator(f'#move-dialog button[data-table-ids="{ids["table 14"]}"]').click()
    page.wait_for_selector("#move-dialog", state="detached")
    page.wait_for_function(f"() => document.querySelector('#res-{ids['Dekker']}').textContent.includes('tafel 14')")
    assert _tables_of(app, ids["Dekker"]) == "14"
    page.get_by_role("button", name="Ongedaan maken: Dekker, 2 gasten").click()
    page.wait_for_function(f"() => document.querySelector('#res-{ids['Dekker']}').textContent.includes('tafel 12')")
    assert _tables_of(app, ids["Dekker"]) == "12"
    screenshot(page, f"door-move-undone-{shape}")


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_combine_by_hand_then_release_one_table_on_the_floor(app, live_server, tablet_page, check_axe, screenshot,
                                                             shape):
    ids = _seed(app, [("Visser", 4, 0, State.GREETED, [], {"greeted_at": clock.utcnow()})])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    page.get_by_role("button", name="Kies een tafel: Visser, 4 gasten").click()  # no table yet: the chooser
    _dialog_open(page, "#seat-dialog")
    page.get_by_label("6 (Raam, 2 plaatsen)").check()
    page.get_by_label("8 (Raam, 2 plaatsen)").check()  # not neighbours: no suggested combination
    check_axe(page, f"seat dialog with picking {shape}")
    screenshot(page, f"door-combine-pick-{shape}")
    page.locator("#seat-dialog button[data-action=pick]").click()
    page.wait_for_selector("#seat-dialog", state="detached")
    assert _tables_of(app, ids["Visser"]) == "6 + 8"
    page.goto(f"{live_server}/host/floor/")
    page.locator(f'[data-table-id="{ids["table 8"]}"]').click()
    _dialog_open(page, "#tile-dialog")
    check_axe(page, f"tile dialog of a combination {shape}")
    screenshot(page, f"door-tile-combination-{shape}")
    page.locator("#tile-dialog button[data-action=release]").click()
    page.wait_for_selector(f'[data-table-id="{ids["table 8"]}"][data-table-state="free"]')
    assert _tables_of(app, ids["Visser"]) == "6"
    screenshot(page, f"door-floor-released-{shape}")


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_part_of_a_party_arrives_and_the_size_changes_at_the_door(app, live_server, tablet_page, check_axe, screenshot,
                                                                  shape):
    ids = _seed(app, [("Dekker", 5, 10, State.BOOKED, ["12"], {})])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    page.get_by_role("link", name="Deel is er: Dekker, 5 gasten").click()
    _dialog_open(page, "#ask-dialog")
    check_axe(page, f"how many are here {shape}")
    page.get_by_role("button", name="3 van de 5 binnen").click()
    card = page.locator(f'#cards-greet #res-{ids["Dekker"]}')
    card.wait_for()
    assert "3 van de 5 binnen" in card.inner_text()
    assert "Aan tafel 12 (Raam) passen hooguit 4 gasten." in card.inner_text()  # five on a 4-seat table
    screenshot(page, f"door-partly-arrived-{shape}")
    card.get_by_role("link", name="Aantal gasten: Dekker, 5 gasten").click()
    _dialog_open(page, "#ask-dialog")
    page.fill("#new-size", "4")
    page.locator("#ask-dialog button[data-action=save-size]").click()
    page.wait_for_selector("#ask-dialog", state="detached")
    page.locator(f"#res-{ids['Dekker']}").get_by_role("button", name="Rest is er: Dekker, 4 gasten").click()
    page.wait_for_selector(f"#res-{ids['Dekker']}:not(:has(.partly))")
    res = _state(app, ids["Dekker"])
    assert res.party_size == 4 and res.arrived_guests is None and res.state is State.ARRIVED


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_search_finds_a_party_in_a_closed_section_in_one_tap(app, live_server, tablet_page, check_axe, screenshot,
                                                             shape, frozen):
    ids = _seed(app, [("Van der Berg", 2, 240, State.BOOKED, ["14"], {}),
                      ("Jansen", 2, 5, State.BOOKED, ["12"], {})])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    assert page.locator("#sec-later").get_attribute("open") is None
    page.fill("#board-q", "berg")
    page.wait_for_selector("#search-results .found-link")
    check_axe(page, f"search results {shape}")
    screenshot(page, f"door-search-{shape}")
    page.locator("#search-results .found-link").click()
    assert page.locator("#sec-later").get_attribute("open") is not None
    assert page.evaluate("() => document.activeElement.id") == f"res-{ids['Van der Berg']}"
    page.fill("#board-q", "14")  # by table
    page.wait_for_function("() => document.querySelector('#search-results').textContent.includes('Van der Berg')")


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_cancel_asks_first_and_a_no_show_is_undone_on_its_card(app, live_server, tablet_page, check_axe, screenshot,
                                                                shape):
    ids = _seed(app, [("Smit", 2, 10, State.BOOKED, [], {}), ("Laat", 2, -30, State.BOOKED, [], {})])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    page.get_by_role("link", name="Annuleren: Smit, 2 gasten").click()
    _dialog_open(page, "#ask-dialog")
    check_axe(page, f"cancel dialog {shape}")
    screenshot(page, f"door-cancel-confirm-{shape}")
    assert _state(app, ids["Smit"]).state is State.BOOKED  # asking changed nothing
    page.locator("#ask-dialog button[data-action=confirm-cancel]").click()
    page.wait_for_selector(f'#cards-arriving #res-{ids["Smit"]}[data-state="cancelled"]')
    page.locator(f"#cards-late #res-{ids['Laat']}").get_by_role("button", name="Niet gekomen: Laat, 2 gasten").click()
    closed = page.locator(f'#cards-late #res-{ids["Laat"]}[data-state="no_show"]')
    closed.wait_for()
    screenshot(page, f"door-no-show-undo-on-card-{shape}")
    closed.get_by_role("button", name="Ongedaan maken: Laat, 2 gasten").click()
    page.wait_for_selector(f'#cards-late #res-{ids["Laat"]}[data-state="booked"]')
    page.locator(f"#res-{ids['Smit']}").get_by_role("button", name="Ongedaan maken: Smit, 2 gasten").click()
    page.wait_for_selector(f'#cards-arriving #res-{ids["Smit"]}[data-state="booked"]')
    assert _state(app, ids["Smit"]).state is State.BOOKED and _state(app, ids["Laat"]).state is State.BOOKED


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_walk_prompt_never_sends_a_party_to_an_occupied_table(app, live_server, tablet_page, check_axe, screenshot,
                                                              shape):
    now = clock.utcnow()
    ids = _seed(app, [("Vorige", 2, -100, State.SEATED, ["6"], {"seated_at": now - timedelta(minutes=90)}),
                      ("Dekker", 2, 0, State.GREETED, ["6"], {"greeted_at": now, "arrived_at": now})])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    card = page.locator(f"#res-{ids['Dekker']}")
    text = card.inner_text()
    assert "Breng ze naar tafel 6" not in text and "Tafel 6 (Raam) is nog bezet." in text
    check_axe(page, f"walk prompt occupied {shape}")
    screenshot(page, f"door-walk-occupied-{shape}")
    card.locator("button[data-table-ids]").first.click()
    page.wait_for_selector(f'#res-{ids["Dekker"]}[data-state="seated"]', state="attached")
    assert _tables_of(app, ids["Dekker"]) not in ("6", "")


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_table_ready_on_the_floor_calls_who_fits_that_table(app, live_server, tablet_page, check_axe, screenshot,
                                                            shape):
    now = clock.utcnow()
    ids = _seed(app, [("Groot", 6, 0, State.WAITING, [], {"quoted_wait_minutes": 30, "created_at": now}),
                      ("Past", 2, 0, State.WAITING, [], {"quoted_wait_minutes": 15,
                                                         "created_at": now + timedelta(seconds=30)})])
    page = tablet_page(Role.HOST, VIEWPORTS[shape])
    page.goto(f"{live_server}/host/floor/")
    page.locator(f'[data-table-id="{ids["table 7"]}"]').click()
    _dialog_open(page, "#tile-dialog")
    check_axe(page, f"free tile with waitlist {shape}")
    page.locator("#tile-dialog button[data-action=call-next]").click()
    page.wait_for_selector("#tile-dialog", state="detached")
    called = _state(app, ids["Past"])
    assert called.state is State.ARRIVED and _tables_of(app, ids["Past"]) == "7"
    assert _state(app, ids["Groot"]).state is State.WAITING  # waited longer, but needs six seats
    page.wait_for_selector(f'[data-table-id="{ids["table 7"]}"]:has-text("voor Past (2), staat aan de deur")')
    screenshot(page, f"door-floor-table-ready-{shape}")


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_a_host_writes_notes_and_dismissing_one_keeps_the_other(app, live_server, tablet_page, check_axe, screenshot,
                                                                 shape):
    _seed(app, [])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    for text in ("Terras dicht", "Tafel 12 voor de bruiloft"):
        page.locator("#sec-note-form summary").click() if page.locator("#sec-note-form").get_attribute(
            "open") is None else None
        page.fill("#sec-note-form textarea", text)
        page.locator("#sec-note-form button[type=submit]").click()
        page.wait_for_function(f"() => document.querySelector('#board').textContent.includes('{text}')")
    assert page.locator(".shift-note").count() == 2
    check_axe(page, f"two notes {shape}")
    screenshot(page, f"door-notes-{shape}")
    page.locator(".shift-note").first.locator("button").click()
    page.wait_for_function("() => document.querySelectorAll('.shift-note').length === 1")
    assert "Terras dicht" in page.locator(".shift-note").inner_text()


PLAYS = """window.__plays = 0;
    HTMLMediaElement.prototype.play = function () { if (!this.muted) { window.__plays += 1; }
                                                      return Promise.resolve(); };"""


def _shared_tablet(page, live_server) -> None:
    page.add_init_script(PLAYS)
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "host")
    page.fill("input[name=password]", PASSWORDS[Role.HOST])
    page.check("input[name=shared_tablet]")
    page.click("button[type=submit]")
    page.wait_for_url("**/host/")


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_the_pin_screen_keeps_the_alert_and_the_managers_sound_rings_after_a_first_tap(
        app, live_server, new_context, users, check_axe, screenshot, shape):
    now = clock.utcnow()
    with app.app_context():
        update_settings(users[Role.MANAGER], greet_red_sound=True)
        db.session.commit()
    _seed(app, [("Dekker", 2, 0, State.ARRIVED, [], {"arrived_at": now - timedelta(seconds=90)}),
                ("Visser", 2, 0, State.ARRIVED, [], {"arrived_at": now - timedelta(seconds=35)})])
    page = new_context(VIEWPORTS[shape]).new_page()
    _shared_tablet(page, live_server)
    page.wait_for_selector(".greet-card.level-red")  # Dekker is red at once, before any tap: no sound yet
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.__plays") == 0
    assert page.locator("#sound-toggle").count() == 0  # no switch of the tablet's own
    page.locator("#board-q").click()  # the first tap anywhere allows playback
    page.wait_for_function("() => document.querySelectorAll('.greet-card.level-red').length === 2",
                           timeout=40_000)  # Visser turns red
    page.wait_for_function("() => window.__plays > 0")
    page.get_by_role("button", name="Wissel van persoon").click()
    page.wait_for_url("**/switch")
    alert = page.locator("#door-status [role=alert]")
    alert.wait_for()
    assert "2 gezelschappen wachten op begroeting" in alert.inner_text() and "Dekker" not in alert.inner_text()
    assert page.locator("#door-status[data-audio]").count() == 1
    check_axe(page, f"pin screen with door alert {shape}")
    screenshot(page, f"door-pin-screen-{shape}")


def test_without_the_managers_setting_no_tablet_rings(app, live_server, new_context, users):
    now = clock.utcnow()
    _seed(app, [("Dekker", 2, 0, State.ARRIVED, [], {"arrived_at": now - timedelta(seconds=80)}),
                ("Visser", 2, 0, State.ARRIVED, [], {"arrived_at": now - timedelta(seconds=30)})])
    page = new_context(VIEWPORTS["landscape"]).new_page()
    _shared_tablet(page, live_server)
    page.locator("#board-q").click()  # a tap: it would allow playback
    page.wait_for_function("() => document.querySelectorAll('.greet-card.level-red').length === 2",
                           timeout=40_000)  # Visser turns red after the tap
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.__plays") == 0
    assert page.locator("[data-audio]").count() == 0


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_dialogs_hold_the_focus_and_give_it_back(app, live_server, tablet_page, screenshot, shape):
    _seed(app, [("Visser", 4, 0, State.GREETED, [], {"greeted_at": clock.utcnow()})])
    page = _board(tablet_page, live_server, VIEWPORTS[shape])
    opener = page.get_by_role("link", name="Walk-in")
    opener.focus()
    page.keyboard.press("Enter")
    _dialog_open(page, "#walkin-dialog")
    for _ in range(25):  # more tabs than the dialog has stops: Tab never leaves it
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('#walkin-dialog')")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => !!document.activeElement.closest('#walkin-dialog')")
    page.keyboard.press("Escape")
    page.wait_for_selector("#walkin-dialog", state="detached")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Walk-in"
    opener.click()
    _dialog_open(page, "#walkin-dialog")
    page.locator("#walkin-dialog button[data-dismiss]").click()
    page.wait_for_selector("#walkin-dialog", state="detached")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Walk-in"
    chooser = page.get_by_role("button", name="Kies een tafel: Visser, 4 gasten")
    chooser.click()  # a POST whose answer is a dialog
    _dialog_open(page, "#seat-dialog")
    page.keyboard.press("Escape")
    page.wait_for_selector("#seat-dialog", state="detached")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Kies een tafel: Visser, 4 gasten"


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_bookings_page_cancel_asks_and_undoes(app, live_server, tablet_page, check_axe, screenshot, shape):
    ids = _seed(app, [("Smit", 2, 120, State.BOOKED, [], {})])
    page = tablet_page(Role.HOST, VIEWPORTS[shape])
    page.goto(f"{live_server}/host/bookings")
    page.get_by_role("link", name="Annuleren: Smit, 2 gasten").click()
    page.wait_for_selector("#ask-dialog")
    check_axe(page, f"cancel page {shape}")
    assert _state(app, ids["Smit"]).state is State.BOOKED
    page.locator("button[data-action=confirm-cancel]").click()
    page.wait_for_url("**/host/bookings?day=*")
    assert _state(app, ids["Smit"]).state is State.CANCELLED
    screenshot(page, f"door-bookings-cancelled-{shape}")
    page.get_by_role("button", name="Ongedaan maken: Smit, 2 gasten").click()
    page.wait_for_url("**/host/bookings?day=*")
    assert _state(app, ids["Smit"]).state is State.BOOKED


@pytest.mark.parametrize("shape", VIEWPORTS)
def test_booking_form_refuses_the_past_and_asks_before_booking_a_phone_twice(app, live_server, tablet_page, check_axe,
                                                                              screenshot, shape):
    _seed(app, [])
    page = tablet_page(Role.HOST, VIEWPORTS[shape])
    with app.app_context():
        s = get_settings()
        local_now = clock.utcnow().astimezone(s.zone)
    yesterday = (local_now - timedelta(days=1)).date().isoformat()
    tomorrow = (local_now + timedelta(days=1)).date().isoformat()

    def fill(day: str, name: str = "De Waard", size: str = "2") -> None:
        page.goto(f"{live_server}/host/bookings/new")
        page.fill("#name", name)
        page.fill("#party_size", size)
        page.fill("#day", day)
        page.fill("#time", "19:00")
        page.fill("#phone", "06 1234 5678")
        page.locator("form button[type=submit].btn-primary").click()
        page.wait_for_load_state("load")

    fill(yesterday)
    assert "19:00 is op die dag al voorbij: kies een tijd vanaf nu." in page.locator(".booking-card").inner_text()
    fill(tomorrow, size="31")
    assert "Het aantal gasten moet tussen 1 en 30 liggen." in page.locator(".booking-card").inner_text()
    fill(tomorrow)
    assert "/host/bookings" in page.url and "/new" not in page.url
    fill(tomorrow, name="Jansen")
    assert "Toch nog een keer reserveren?" in page.locator(".booking-card").inner_text()
    check_axe(page, f"booking form asks book again {shape}")
    screenshot(page, f"door-booking-again-{shape}")
    page.get_by_label("Ja, nog een keer reserveren voor dit nummer").check()
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_url("**/host/bookings?day=*")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Reservation.id))) == 2
