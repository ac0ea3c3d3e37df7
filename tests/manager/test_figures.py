"""Each figure against a known set of reservations and items (Friday 20 November 2026, Amsterdam = UTC+1)."""
from datetime import date, timedelta

import pytest

from hostdesk.manager.figures import service_figures
from hostdesk.manager.lf_figures import lost_found_figures
from hostdesk.manager.stats import Period, RangeTooLong, make_period, p90, previous_period, service_of, year_earlier
from hostdesk.manager.trends import items_trend
from hostdesk.reservations.models import Source
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
    assert (greeted.greeted, greeted.greet_median, greeted.greeted_within_target) == (4, 60, 0.5)
    assert (anna.seated.seated, anna.seated.seat_median) == (1, 300)
    assert (bram.greeted.greeted, bram.greeted.greet_median) == (2, 25)
    assert (bram.seated.seated, bram.seated.seat_median) == (3, 120)


def test_week_includes_the_day_before(evening):
    week = make_period("week", date(2026, 11, 20), None, None, date(2026, 11, 20))
    assert (week.start, week.end) == (date(2026, 11, 16), date(2026, 11, 22))
    total = service_figures(week, get_settings()).total
    assert total.parties == 11 and total.greeted == 7


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


def test_greet_trend_follows_the_period(evening):
    step, trend = service_figures(Period("range", date(2026, 10, 24), date(2026, 11, 20)), get_settings()).trend
    assert step == "day" and len(trend) == 28 and trend[0].key == date(2026, 10, 24)
    assert trend[-1].values == (35, 6) and trend[-2].values == (1000, 1)
    assert trend[0].values == (None, 0)
    june = Period("week", date(2026, 6, 1), date(2026, 6, 7))
    step, trend = service_figures(june, get_settings()).trend
    assert [p.key for p in trend] == [date(2026, 6, d) for d in range(1, 8)]
    assert all(p.values == (None, 0) for p in trend)


def test_greet_trend_by_week_and_month(evening):
    step, weeks = service_figures(Period("range", date(2026, 9, 1), date(2026, 11, 30)), get_settings()).trend
    assert step == "week" and weeks[0].key == date(2026, 8, 31)
    assert {p.key: p.values for p in weeks}[date(2026, 11, 16)] == (40, 7)
    step, months = service_figures(Period("year", date(2026, 1, 1), date(2026, 12, 31)), get_settings()).trend
    assert step == "month" and len(months) == 12 and months[10].values == (40, 7)


def test_covers_by_hour_and_source(evening):
    figures = service_figures(DAY, get_settings())
    hours = {hour: g.covers_arrived for hour, g in figures.hours}
    assert hours == {12: 6, 13: 0, 18: 13, 19: 0, 21: 0}  # local hours (UTC+1)
    sources = dict(figures.sources)
    assert (sources[Source.PHONE].parties, sources[Source.WALK_IN].covers_arrived) == (8, 5)


def test_items_per_month(items):
    step, months = items_trend(Period("year", date(2026, 1, 1), date(2026, 12, 31)), get_settings())
    assert step == "month" and len(months) == 12
    by_month = {p.key.month: p.values for p in months}
    assert by_month[11] == (4, 2)
    assert by_month[8] == (1, 0)


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
    with pytest.raises(RangeTooLong):
        make_period("range", None, date(2000, 1, 1), today, today)
    with pytest.raises(RangeTooLong):
        make_period("range", None, date(2021, 11, 20), today, today)
    five = make_period("range", None, date(2021, 11, 21), today, today)
    assert (five.start, five.end) == (date(2021, 11, 21), today)
    month = make_period("month", date(2026, 2, 14), None, None, today)
    assert (month.start, month.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_period(month) == Period("month", date(2026, 1, 1), date(2026, 1, 31))
    assert year_earlier(month) == Period("month", date(2025, 2, 1), date(2025, 2, 28))
    week = make_period("week", today, None, None, today)
    assert previous_period(week).start == date(2026, 11, 9)
    assert year_earlier(week).start.weekday() == 0
    assert make_period("nonsense", None, None, None, today) == Period("day", today, today)
    assert make_period("day", today - timedelta(days=3), None, None, today).start == date(2026, 11, 17)
