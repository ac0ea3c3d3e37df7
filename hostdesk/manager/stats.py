"""Small statistics over recorded durations, safe on empty input (None means "no data")."""
from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .. import clock


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def p90(values: Sequence[float]) -> float | None:
    """The 90th percentile, interpolated between the closest ranks (Excel's PERCENTILE.INC)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def weighted_percentile(ordered: Sequence[tuple[float, int]], fraction: float) -> float | None:
    """The percentile of values given as (value, how many) in ascending order, interpolated between the
    closest ranks as PostgreSQL's percentile_cont (and Excel's PERCENTILE.INC) do."""
    total = sum(n for _, n in ordered)
    if not total:
        return None
    position = (total - 1) * fraction
    below = int(position)
    lower = upper = None
    seen = 0
    for value, n in ordered:
        if lower is None and seen + n > below:
            lower = value
        if seen + n > below + 1 or seen + n == total:
            upper = value
            if lower is not None:
                break
        seen += n
    return lower + (upper - lower) * (position - below)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


@dataclass(frozen=True)
class Period:
    """Service days from `start` to `end`, both included."""

    kind: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, zone: ZoneInfo, boundary: time) -> tuple[datetime, datetime]:
        return clock.day_bounds(self.start, zone, boundary)[0], clock.day_bounds(self.end, zone, boundary)[1]


MAX_YEARS = 5
KINDS = ("day", "week", "month", "year", "range")


class RangeTooLong(ValueError):
    """A range longer than the figures cover: refused with a message, never cut short silently."""


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def make_period(kind: str, day: date | None, start: date | None, end: date | None, today: date) -> Period:
    """The period asked for; a missing or backwards range falls back to something sensible, a range
    longer than five years raises RangeTooLong."""
    day = day or today
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period("week", monday, monday + timedelta(days=6))
    if kind == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=31)).replace(day=1)
        return Period("month", first, following - timedelta(days=1))
    if kind == "year":
        return Period("year", date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == "range":
        start, end = start or day, end or start or day
        if end < start:
            start, end = end, start
        if end >= years_later(start, MAX_YEARS):
            raise RangeTooLong(start, end)
        return Period("range", start, end)
    return Period("day", day, day)


def previous_period(period: Period) -> Period:
    """The period just before, of the same kind and length."""
    if period.kind == "month":
        end = period.start - timedelta(days=1)
        return Period("month", end.replace(day=1), end)
    if period.kind == "year":
        return Period("year", date(period.start.year - 1, 1, 1), date(period.start.year - 1, 12, 31))
    return Period(period.kind, period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def year_earlier(period: Period) -> Period:
    """The same period a year before (a week: the same weekdays 52 weeks before)."""
    if period.kind in ("day", "week"):
        return Period(period.kind, period.start - timedelta(weeks=52), period.end - timedelta(weeks=52))
    return Period(period.kind, years_later(period.start, -1), years_later(period.end, -1))


def service_of(moment: datetime, services: list[dict[str, str]], zone: ZoneInfo) -> str | None:
    """The name of the service whose hours hold `moment` (a service may run past midnight)."""
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    for service in services:
        start, end = minutes_of(service["start"]), minutes_of(service["end"])
        if (start <= minute < end) if start < end else (minute >= start or minute < end):
            return service["name"]
    return None


def minutes_of(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
