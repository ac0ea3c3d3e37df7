"""SQL expressions for the restaurant's local time and for durations, on SQLite and PostgreSQL.

PostgreSQL converts with its own time zone rules; SQLite has none, so the UTC offsets in force
during the period (a few stretches between daylight-saving changes) become a CASE over the column.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..database import UtcDateTime

STEP = timedelta(days=1)
FINE_STEP = timedelta(minutes=15)


def offset_stretches(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[(from, offset in minutes)] for each stretch of one UTC offset between `start` and `end` (UTC)."""
    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)

    moment = start.astimezone(timezone.utc)
    stretches = [(moment, offset(moment))]
    while moment < end:
        following = min(moment + STEP, end)
        if offset(following) != stretches[-1][1]:
            fine = moment
            while offset(fine) == stretches[-1][1]:
                fine += FINE_STEP
            stretches.append((fine, offset(fine)))
        moment = following
    return stretches


class LocalTime:
    """Builds expressions for one dialect, zone and period."""

    def __init__(self, dialect: str, zone: ZoneInfo, start: datetime, end: datetime):
        self.postgres = dialect == "postgresql"
        self.zone = zone
        self.stretches = offset_stretches(zone, start, end)

    def _offset(self, column) -> sa.ColumnElement:
        if len(self.stretches) == 1:
            return sa.literal_column(str(self.stretches[0][1]))
        whens = [(column < sa.literal(moment, UtcDateTime), sa.literal_column(str(before)))
                 for (moment, _), (_, before) in zip(self.stretches[1:], self.stretches[:-1], strict=True)]
        return sa.case(*whens, else_=sa.literal_column(str(self.stretches[-1][1])))

    def minute_of_day(self, column) -> sa.ColumnElement:
        """Minutes since local midnight, 0 to 1439."""
        if self.postgres:
            local = sa.func.timezone(self.zone.key, column)
            return sa.cast(sa.extract("hour", local) * 60 + sa.extract("minute", local), sa.Integer)
        hours = sa.cast(sa.func.substr(column, 12, 2), sa.Integer)
        minutes = sa.cast(sa.func.substr(column, 15, 2), sa.Integer)
        return (hours * 60 + minutes + self._offset(column) + 1440) % 1440

    def hour(self, column) -> sa.ColumnElement:
        if self.postgres:
            return sa.cast(sa.extract("hour", sa.func.timezone(self.zone.key, column)), sa.Integer)
        return self.minute_of_day(column) // 60

    def service_date(self, column, boundary_minutes: int) -> sa.ColumnElement:
        """The service day of a moment (before the day boundary it is still the day before): a DATE on
        PostgreSQL, 'YYYY-MM-DD' text on SQLite."""
        if self.postgres:
            local = sa.func.timezone(self.zone.key, column) - sa.text(f"interval '{int(boundary_minutes)} minutes'")
            return sa.cast(local, sa.Date)
        return sa.func.date(column, sa.func.printf("%+d minutes", self._offset(column) - boundary_minutes))


def seconds_between(start, end, postgres: bool) -> sa.ColumnElement:
    """Seconds from `start` to `end` (NULL when either is), never below zero."""
    if postgres:
        value = sa.cast(sa.extract("epoch", end - start), sa.Float)
    else:
        value = (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0
    return sa.case((value < 0, 0.0), else_=value)


def as_date(value) -> date:
    """A date read from SQL: a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def whole(value) -> sa.ColumnElement:
    """Rounded to a whole number (a histogram's bucket)."""
    return sa.cast(sa.func.round(value), sa.Integer)
