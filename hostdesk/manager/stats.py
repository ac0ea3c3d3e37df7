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


MAX_RANGE_DAYS = 400


def make_period(kind: str, day: date | None, start: date | None, end: date | None, today: date) -> Period:
    """The period asked for; a missing or backwards range falls back to something sensible."""
    day = day or today
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period("week", monday, monday + timedelta(days=6))
    if kind == "range":
        start, end = start or day, end or start or day
        if end < start:
            start, end = end, start
        if (end - start).days >= MAX_RANGE_DAYS:
            start = end - timedelta(days=MAX_RANGE_DAYS - 1)
        return Period("range", start, end)
    return Period("day", day, day)


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
