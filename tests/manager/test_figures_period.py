"""The figures added for managers (turn time, cancellations, late arrivals, comparison) and the
figures across a daylight-saving change, against known rows."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hostdesk.extensions import db
from hostdesk.manager.figures import service_figures
from hostdesk.manager.sqltime import offset_stretches
from hostdesk.manager.stats import Period
from hostdesk.manager.trends import items_trend
from hostdesk.reservations.models import State
from hostdesk.settings import get_settings, update_settings
from tests.manager import factories as f

DAY = Period("day", date(2026, 11, 20), date(2026, 11, 20))
UTC = timezone.utc


def test_greeted_within_follows_the_settings(evening):
    assert service_figures(DAY, get_settings()).total.greeted_within_target == pytest.approx(4 / 6)
    update_settings(None, greet_amber_seconds=20, greet_red_seconds=30)
    total = service_figures(DAY, get_settings()).total
    assert total.greeted_within_target == pytest.approx(3 / 6)  # 10, 20 and 30 s of 10, 20, 30, 40, 90, 200


def test_cancellations_and_late_arrivals(evening):
    late = f.reservation(f.at(20, 19), 2, State.SEATED, arrived=f.at(20, 19, 11), greet=5)
    f.reservation(f.at(20, 19, 30), 3, State.SEATED, arrived=f.at(20, 19, 40), greet=5)  # 10 min: not late
    db.session.flush()
    total = service_figures(DAY, get_settings()).total
    assert (total.cancellations, total.covers_cancelled) == (1, 4)
    assert total.cancellation_rate == pytest.approx(1 / 10)  # 9 bookings kept, 1 cancelled
    assert total.late_arrivals == 1 and total.bookings_arrived == 6
    update_settings(None, late_after_minutes=5)
    assert service_figures(DAY, get_settings()).total.late_arrivals == 2
    assert late.id


def test_covers_booked_and_expected_are_told_apart(evening):
    total = service_figures(DAY, get_settings()).total
    assert total.covers_booked == 24  # bookings not cancelled, no-shows included
    assert total.covers_expected == 2 + 4 + 2 + 6 + 2 + 3 + 5  # as the board counts: not cancelled, no-show, waiting


def test_turn_time_by_party_size(app_ctx, frozen):
    for size, minutes in ((2, 80), (2, 100), (4, 110), (8, 150), (8, 170), (8, 190)):
        res = f.reservation(f.at(20, 17), size, State.LEFT, seat=60)
        res.left_at = res.seated_at + timedelta(minutes=minutes)
    db.session.flush()
    turns = service_figures(DAY, get_settings()).turns
    by_rows = [(t.smallest, t.largest, t.expected_minutes, t.spread.count, t.spread.median) for t in turns]
    assert by_rows == [(1, 2, 90, 2, 90), (3, 4, 105, 1, 110), (5, 6, 120, 0, None), (7, None, 150, 3, 170),
                       (1, None, None, 6, 130)]


def test_offsets_across_the_spring_change():
    zone = ZoneInfo("Europe/Amsterdam")
    start, end = datetime(2026, 3, 27, 3, tzinfo=UTC), datetime(2026, 4, 1, 2, tzinfo=UTC)
    assert offset_stretches(zone, start, end) == [(start, 60), (datetime(2026, 3, 29, 1, tzinfo=UTC), 120)]
    assert offset_stretches(zone, datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 8, tzinfo=UTC)) == [
        (datetime(2026, 6, 1, tzinfo=UTC), 120)]


@pytest.fixture
def spring(app_ctx, frozen):
    """The clocks go forward in the night of 28 to 29 March 2026: 19:00 is 18:00 UTC, then 17:00 UTC."""
    f.reservation(datetime(2026, 3, 28, 18, tzinfo=UTC), 2, State.LEFT, day=date(2026, 3, 28), greet=30)
    f.reservation(datetime(2026, 3, 29, 17, tzinfo=UTC), 4, State.LEFT, day=date(2026, 3, 29), greet=50)
    f.reservation(datetime(2026, 3, 29, 10, 30, tzinfo=UTC), 3, State.LEFT, day=date(2026, 3, 29), greet=70)  # 12:30
    f.reservation(datetime(2026, 3, 29, 15, 30, tzinfo=UTC), 5, State.LEFT, day=date(2026, 3, 29),
                  arrived=datetime(2026, 3, 29, 15, 30, tzinfo=UTC))  # 17:30, dinner
    # 00:30 on the 30th, local: still the service day of the 29th
    f.item(datetime(2026, 3, 29, 22, 30, tzinfo=UTC))
    f.item(datetime(2026, 3, 28, 21, 30, tzinfo=UTC))  # 22:30 on the 28th
    db.session.flush()


def test_figures_across_the_daylight_saving_change(spring):
    period = Period("range", date(2026, 3, 27), date(2026, 3, 31))
    figures = service_figures(period, get_settings())
    assert {hour: g.covers_arrived for hour, g in figures.hours} == {12: 3, 17: 5, 19: 6}
    services = dict(figures.services)
    assert (services["lunch"].parties, services["dinner"].parties) == (1, 3)
    assert figures.total.greet_median == 50
    step, greet = service_figures(period, get_settings()).trend
    assert {p.key: p.values for p in greet if p.values[1]} == {date(2026, 3, 28): (30, 1), date(2026, 3, 29): (60, 2)}
    _, items = items_trend(period, get_settings())
    assert {p.key: p.values[0] for p in items if p.values[0]} == {date(2026, 3, 28): 1, date(2026, 3, 29): 1}


def test_an_empty_year_has_no_data(app_ctx, frozen):
    figures = service_figures(Period("year", date(2024, 1, 1), date(2024, 12, 31)), get_settings())
    assert figures.total.empty and figures.hours == [] and figures.sources == [] and figures.hosts == []
    assert all(t.spread.count == 0 and t.spread.median is None for t in figures.turns)
    step, greet = service_figures(Period("year", date(2024, 1, 1), date(2024, 12, 31)), get_settings()).trend
    assert step == "month" and len(greet) == 12 and all(p.values == (None, 0) for p in greet)
