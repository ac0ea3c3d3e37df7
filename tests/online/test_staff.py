"""The restaurant's side: online bookings marked on the board and the Bookings page with their wishes
as tags, the resend button, the manager's settings, and the figures by source with online cancellations."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from hostdesk.extensions import db
from hostdesk.manager.figures import service_figures
from hostdesk.manager.stats import Period
from hostdesk.online import operations as ops
from hostdesk.reservations.models import Occasion, Source
from hostdesk.settings import SettingValue, get_settings
from tests.manager.helpers import settings_form_data

from .conftest import SATURDAY, at
from .test_operations import guest


def test_the_board_shows_the_online_mark_and_the_wishes_as_tags(frozen, online, host_client):
    ops.book_online(guest(start_at=at("21:00", date(2026, 11, 20)), allergy="nuts", occasion=Occasion.BIRTHDAY,
                          high_chairs=1))
    db.session.commit()
    board = host_client.get("/host/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'class="badge badge-info source-online">online<' in board
    assert "Allergy: nuts" in board and ">birthday<" in board and "1 high chair" in board


def test_the_bookings_page_marks_online_bookings_and_offers_to_send_the_confirmation(frozen, online, host_client):
    res = ops.book_online(guest())
    phone = ops.book_online(guest(start_at=at("21:00"), name="Phone guest", phone="0622222222", email=""))
    phone.source = Source.PHONE
    db.session.commit()
    page = host_client.get(f"/host/bookings?day={SATURDAY.isoformat()}").get_data(as_text=True)
    assert page.count("source-online") == 1
    assert f"/host/bookings/{res.id}/confirmation" in page  # has an e-mail address
    assert f"/host/bookings/{phone.id}/confirmation" not in page  # has none
    edit = host_client.get(f"/host/bookings/{res.id}/edit").get_data(as_text=True)
    assert f"/host/bookings/{res.id}/confirmation" in edit and "fleur@example.nl" in edit


def test_a_manager_sets_the_online_rules_and_the_tables_bookable_online(app, online, manager_client):
    answer = manager_client.post("/manager/settings", data=settings_form_data(
        online_booking="y", online_horizon_days="14", online_max_party="5", online_cutoff_hours="3",
        online_table_ids=[str(online["10"].id)], online_area_ids=[], online_text="Welcome, book below.",
        restaurant_phone="020 123 4567", online_public_url="https://book.example.nl"))
    assert answer.status_code == 302
    with app.app_context():
        stored = {row.key: row.value for row in db.session.scalars(sa.select(SettingValue))}
    assert stored["online_booking"] is True and stored["online_table_ids"] == [online["10"].id]
    assert (stored["online_horizon_days"], stored["online_max_party"], stored["online_cutoff_hours"]) == (14, 5, 3)
    assert stored["online_text"] == "Welcome, book below." and stored["restaurant_phone"] == "020 123 4567"


def test_the_online_maximum_above_the_largest_party_is_refused_and_nothing_is_stored(app, online, manager_client):
    answer = manager_client.post("/manager/settings", data=settings_form_data(online_max_party="50",
                                                                              max_party_size="30"),
                                 headers={"Accept-Language": "en"})
    assert answer.status_code == 422 and "At most the largest party (30)" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SettingValue, "online_max_party").value == 6  # as the fixture set it


def test_the_figures_count_online_bookings_and_online_cancellations_by_source(frozen, online):
    today = date(2026, 11, 20)
    ops.book_online(guest(start_at=at("21:00", today)))
    cancelled = ops.book_online(guest(start_at=at("21:30", today), name="Gone", phone="0622222222"))
    db.session.commit()
    ops.cancel_online(cancelled)
    db.session.commit()
    figures = service_figures(Period("day", today, today), get_settings())
    online_group = dict(figures.sources)[Source.ONLINE]
    assert (online_group.parties, online_group.bookings, online_group.cancellations) == (2, 1, 1)


def test_the_timeline_marks_online_bookings(frozen, online, host_client):
    ops.book_online(guest(start_at=at("21:00", date(2026, 11, 20))))
    db.session.commit()
    page = host_client.get("/host/timeline?day=2026-11-20", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'Fleur Jansen · 2 · <span class="source-online">online</span>' in page
