"""Each figure against a known set of reservations and items (Friday 20 November 2026, Amsterdam = UTC+1)."""
from datetime import date, timedelta

import pytest

from hostdesk.manager.figures import service_figures
from hostdesk.manager.lf_figures import lost_found_figures
from hostdesk.manager.stats import Period, make_period, p90, service_of
from hostdesk.manager.trends import covers_tonight, greet_trend, items_per_month
from hostdesk.settings import get_settings
from tests.manager import factories as f

DAY = Period("day", date(2026, 11, 20), date(2026, 11, 20))
EMPTY = Period("day", date(2026, 11, 18), date(2026, 11, 18))


def test_day_figures_in_total(evening):
    total = service_figures(DAY, get_settings()).total
    assert total.parties == 10
    assert total.greet_median == 35
    assert total.greet_p90 == pytest.approx(145)
    assert total.greeted_within_target == pytest.approx(4 / 6)
    assert total.seat_median == 210
    assert total.seat_p90 == pytest.approx(510)
    assert (total.bookings, total.covers_booked, total.covers_arrived, total.covers_walk_in) == (7, 24, 19, 5)
    assert (total.no_shows, total.covers_no_show) == (2, 5)
    assert total.no_show_rate == pytest.approx(2 / 7)
    assert total.quoted_wait_median == 15
    assert total.actual_wait_median == pytest.approx(17.5)
    assert total.waited_within_quote == pytest.approx(0.5)


def test_day_figures_per_service(evening):
    services = dict(service_figures(DAY, get_settings()).services)
    assert list(services) == ["lunch", "dinner"]
    lunch, dinner = services["lunch"], services["dinner"]
    assert (lunch.greet_median, lunch.greet_p90, lunch.greeted_within_target) == (30, pytest.approx(38), 1.0)
    assert (lunch.bookings, lunch.covers_booked, lunch.covers_arrived, lunch.no_shows) == (3, 9, 6, 1)
    assert lunch.no_show_rate == pytest.approx(1 / 3)
    assert lunch.quoted_wait_median is None and lunch.waited_within_quote is None
    assert (dinner.greet_median, dinner.greet_p90, dinner.greeted_within_target) == (60, pytest.approx(167), 0.5)
    assert (dinner.bookings, dinner.covers_booked, dinner.covers_arrived, dinner.covers_walk_in) == (4, 15, 13, 5)
    assert dinner.no_show_rate == pytest.approx(1 / 4)


def test_day_figures_per_host(evening):
    hosts = {h.name: h for h in service_figures(DAY, get_settings()).hosts}
    assert list(hosts) == ["Anna", "Bram"]
    anna, bram = hosts["Anna"], hosts["Bram"]
    greeted = anna.greeted
    assert (len(greeted.greet_seconds), greeted.greet_median, greeted.greeted_within_target) == (4, 60, 0.5)
    assert (anna.seated.parties, anna.seated.seat_median) == (1, 300)
    assert (len(bram.greeted.greet_seconds), bram.greeted.greet_median) == (2, 25)
    assert (bram.seated.parties, bram.seated.seat_median) == (3, 120)


def test_week_includes_the_day_before(evening):
    week = make_period("week", date(2026, 11, 20), None, None, date(2026, 11, 20))
    assert (week.start, week.end) == (date(2026, 11, 16), date(2026, 11, 22))
    total = service_figures(week, get_settings()).total
    assert total.parties == 11 and len(total.greet_seconds) == 7


def test_empty_day_has_no_data_and_no_division_by_zero(evening):
    figures = service_figures(EMPTY, get_settings())
    total = figures.total
    assert total.empty and figures.hosts == []
    for value in (total.greet_median, total.greet_p90, total.greeted_within_target, total.seat_median,
                  total.seat_p90, total.no_show_rate, total.quoted_wait_median, total.actual_wait_median,
                  total.waited_within_quote):
        assert value is None
    lf = lost_found_figures(EMPTY, get_settings())
    assert lf.empty and lf.median_days_to_return is None


def test_lost_and_found_figures(items):
    lf = lost_found_figures(DAY, get_settings())
    assert (lf.registered, lf.returned, lf.disposed) == (2, 2, 1)
    assert lf.median_days_to_return == pytest.approx((5 + 2 / 24 + 19 + 6 / 24) / 2)
    assert (lf.claims_verified, lf.claims_failed, lf.claims_refused_locked) == (1, 2, 1)
    assert (lf.items_locked, lf.items_unlocked) == (1, 1)
    assert (lf.actions_done, lf.actions_done_late) == (2, 1)
    assert not lf.empty


def test_greet_trend_over_four_weeks(evening):
    trend = greet_trend(date(2026, 11, 20), get_settings())
    assert len(trend) == 28 and trend[0].key == date(2026, 10, 24)
    assert trend[-1].values == (35, 6) and trend[-2].values == (1000, 1)
    assert trend[0].values == (None, 0)


def test_covers_per_slot_tonight(evening, frozen):
    service, day, slots = covers_tonight(frozen, get_settings())
    assert service["name"] == "dinner" and day == date(2026, 11, 20)
    assert len(slots) == 24 and slots[0].label == "17:00" and slots[-1].label == "22:45"
    covers = {p.label: p.values[0] for p in slots if p.values[0]}
    assert covers == {"18:00": 7, "18:15": 6, "21:00": 5}


def test_items_per_month(items):
    months = items_per_month(date(2026, 11, 20), get_settings())
    assert len(months) == 12 and months[-1].label == "2026-11" and months[0].label == "2025-12"
    by_month = {p.label: p.values for p in months}
    assert by_month["2026-11"] == (4, 2)
    assert by_month["2026-08"] == (1, 0)


def test_p90_and_service_of():
    assert p90([]) is None and p90([7]) == 7
    assert p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == pytest.approx(9.1)
    services = [{"name": "late", "start": "22:00", "end": "02:00"}]
    zone = get_settings().zone
    assert service_of(f.at(20, 0, 30), services, zone) == "late"  # 01:30 local
    assert service_of(f.at(20, 12), services, zone) is None


def test_make_period_handles_backwards_and_huge_ranges():
    today = date(2026, 11, 20)
    backwards = make_period("range", None, date(2026, 11, 10), date(2026, 11, 1), today)
    assert (backwards.start, backwards.end) == (date(2026, 11, 1), date(2026, 11, 10))
    huge = make_period("range", None, date(2000, 1, 1), today, today)
    assert huge.days == 400 and huge.end == today
    assert make_period("nonsense", None, None, None, today) == Period("day", today, today)
    assert make_period("day", today - timedelta(days=3), None, None, today).start == date(2026, 11, 17)
