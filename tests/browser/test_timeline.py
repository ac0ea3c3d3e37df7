"""The timeline and the booking form's availability in Chromium at 1024x768 and 768x1024, in Dutch
and English: the current time in view, blocks a finger can hit, a booking moved by tapping its
block and then a table at the new time; the free tables offered while typing a booking, a choice
filling the form. axe-core finds no serious or critical violation; screenshots to look at."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.models import Assignment, Reservation, State

VIEWPORTS = {"landscape": (1024, 768), "portrait": (768, 1024)}
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
FRIDAY = datetime(2026, 11, 20, tzinfo=timezone.utc)


def at(hh: int, mm: int = 0) -> datetime:
    return FRIDAY + timedelta(hours=hh - 1, minutes=mm)  # Amsterdam in winter


def _seed(app) -> dict[str, int]:
    with app.app_context():
        window, main = Area(name="Raam", position=1), Area(name="Zaal", position=2)
        tables = {name: Table(name=name, area=area, min_seats=low, max_seats=high, position=i)
                  for i, (name, area, low, high) in enumerate((("1", window, 1, 2), ("2", window, 1, 2),
                                                               ("10", main, 2, 4), ("11", main, 3, 6)))}
        db.session.add_all([window, main, *tables.values()])
        def party(name, size, start, table, state=State.BOOKED, **extra):
            res = Reservation(name=name, party_size=size, start_at=start, duration_minutes=90 + 15 * (size > 2),
                              state=state, service_day=FRIDAY.date(), created_at=at(12), **extra)
            res.assignments.append(Assignment(table=tables[table], occupied=state is State.SEATED))
            db.session.add(res)
            return res

        parties = [party("Mol", 2, at(20), "1"), party("Laat", 2, at(18, 40), "2"), party("Visser", 5, at(21), "11"),
                   party("Dekker", 4, at(17, 30), "10", State.SEATED, seated_at=at(17, 30))]
        db.session.flush()
        ids = {res.name: res.id for res in parties}
        ids.update({f"table {n}": t.id for n, t in tables.items()})
        db.session.commit()
        return ids


def _open(app, tablet_page, live_server, path: str, shape: str, lang: str):
    """The seeded evening, and a host's tablet of that shape and language on `path`."""
    ids = _seed(app)
    page = tablet_page(Role.HOST, VIEWPORTS[shape], LOCALES[lang])
    page.goto(f"{live_server}{path}")
    page.wait_for_load_state("networkidle")
    return ids, page


def _where(app, rid: int) -> tuple[str, datetime]:
    with app.app_context():
        res = db.session.get(Reservation, rid)
        return res.table_names, res.start_at


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("shape", VIEWPORTS)
def test_timeline_shows_now_and_moves_a_booking_by_two_taps(app, frozen, live_server, tablet_page, check_axe,
                                                            screenshot, shape, lang):
    ids, page = _open(app, tablet_page, live_server, "/host/timeline", shape, lang)
    now_line = page.locator(".tl-now").bounding_box()
    width = VIEWPORTS[shape][0]
    assert 0 < now_line["x"] < width, now_line  # the current time is in view on opening
    heights = page.eval_on_selector_all(".tl-block", "bs => bs.map(b => b.getBoundingClientRect().height)")
    assert heights and min(heights) >= 48
    late = page.locator(f'.tl-block[data-reservation-id="{ids["Laat"]}"]')
    assert ("te laat" if lang == "nl" else "late") in late.inner_text()
    check_axe(page, f"timeline {shape} {lang}")
    screenshot(page, f"timeline-{shape}-{lang}")
    page.locator(f'.tl-block[data-reservation-id="{ids["Mol"]}"]').click()
    page.wait_for_selector("#tl-move")
    screenshot(page, f"timeline-party-{shape}-{lang}")
    assert "Mol" in page.locator("#timeline-panel").inner_text()
    check_axe(page, f"timeline party {shape} {lang}")
    track = page.locator(f'.tl-track[data-table-id="{ids["table 2"]}"]')
    x = (at(20, 30) - at(11)).total_seconds() / 60 * 2  # 2 px a minute from 11:00
    track.click(position={"x": x + 3, "y": 20})
    page.wait_for_selector("#timeline-panel .banner")
    assert _where(app, ids["Mol"]) == ("2", at(20, 30))
    page.wait_for_selector(f'.tl-track[data-table-id="{ids["table 2"]}"] .tl-block[data-reservation-id="{ids["Mol"]}"]')
    screenshot(page, f"timeline-moved-{shape}-{lang}")


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("shape", VIEWPORTS)
def test_booking_form_offers_free_tables_and_a_choice_fills_the_form(app, frozen, live_server, tablet_page, check_axe,
                                                                     screenshot, shape, lang):
    ids, page = _open(app, tablet_page, live_server, "/host/bookings/new", shape, lang)
    page.fill("#party_size", "5")
    page.fill("#time", "20:00")
    page.locator("#time").dispatch_event("change")
    page.wait_for_selector('#availability [data-fill-time]')  # 11 is booked at 21:00: nothing for 5 at 20:00
    text = page.locator("#availability").inner_text()
    assert ("Geen tafel" if lang == "nl" else "No table") in text
    check_axe(page, f"booking availability none {shape} {lang}")
    screenshot(page, f"booking-availability-none-{shape}-{lang}")
    page.locator("#availability [data-fill-time]").first.click()
    page.wait_for_selector(f'#availability [data-fill-tables="{ids["table 11"]}"]')
    chosen_time = page.input_value("#time")
    page.locator(f'#availability [data-fill-tables="{ids["table 11"]}"]').click()
    selected = page.eval_on_selector("#table_ids", "s => Array.from(s.selectedOptions).map(o => o.value)")
    assert selected == [str(ids["table 11"])]
    check_axe(page, f"booking availability {shape} {lang}")
    screenshot(page, f"booking-availability-{shape}-{lang}")
    page.fill("#name", "Bakker")
    page.fill("#phone", "0612345678")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    with app.app_context():
        res = db.session.scalars(db.select(Reservation).where(Reservation.name == "Bakker")).one()
        assert res.table_names == "11" and res.start_at.astimezone(timezone(timedelta(hours=1))).strftime(
            "%H:%M") == chosen_time
