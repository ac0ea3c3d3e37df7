"""The one source of "now", so tests can freeze and move time without sleeping.

Times are stored in UTC; the restaurant's zone and its day boundary decide what
"today" means (a service past midnight still belongs to the evening it started).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_frozen: datetime | None = None

# The days a restaurant could mean; outside them a date is a typo (and would overflow in UTC).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def utcnow() -> datetime:
    return _frozen if _frozen is not None else datetime.now(timezone.utc)


def freeze(moment: datetime) -> None:
    """Stop the clock at `moment` (aware). Tests only."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment.astimezone(timezone.utc)


def advance(delta: timedelta) -> None:
    freeze(utcnow() + delta)


def unfreeze() -> None:
    global _frozen
    _frozen = None


def parse_day(text: str | None) -> date | None:
    """An ISO date from a link or filter, or None when it is not one a restaurant could mean."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def service_day(moment: datetime, zone: ZoneInfo, day_boundary: time) -> date:
    """The restaurant's day that `moment` belongs to: before the boundary it is still yesterday."""
    local = moment.astimezone(zone)
    day = local.date()
    if local.time() < day_boundary:
        day -= timedelta(days=1)
    return day


def day_bounds(day: date, zone: ZoneInfo, day_boundary: time) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a service day; correct across DST changes."""
    start = datetime.combine(day, day_boundary, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), day_boundary, tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def moment_on(day: date, at: time, zone: ZoneInfo, day_boundary: time) -> datetime:
    """The UTC moment a clock time means on a service day: before the boundary it is past midnight."""
    calendar_day = day + timedelta(days=1) if at < day_boundary else day
    return datetime.combine(calendar_day, at.replace(tzinfo=None), tzinfo=zone).astimezone(timezone.utc)
