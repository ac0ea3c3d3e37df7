"""The data behind the dashboard's charts, for the chosen period: time to greet per day, week or month
(from the figures' histograms), and found items registered and returned in the same steps (covers by
hour come with the figures)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..lostfound.models import FoundItem, ItemState
from ..settings import Settings
from .sqltime import LocalTime, as_date
from .stats import Period

DAYS_BY_DAY = 31
DAYS_BY_WEEK = 190


@dataclass
class TrendPoint:
    key: date  # the first day of the step
    values: tuple[float | None, ...]


def step_of(period: Period) -> str:
    """Days for up to a month, weeks for up to about half a year, months beyond."""
    if period.days <= DAYS_BY_DAY:
        return "day"
    return "week" if period.days <= DAYS_BY_WEEK else "month"


def step_start(day: date, step: str) -> date:
    if step == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if step == "month" else day


def steps(period: Period, step: str) -> list[date]:
    keys, day = [], step_start(period.start, step)
    while day <= period.end:
        keys.append(day)
        day = day + timedelta(days=1) if step == "day" else day + timedelta(days=7) if step == "week" else \
            (day + timedelta(days=31)).replace(day=1)
    return keys


def bucket(day_text, step: str, postgres: bool = False):
    """The step's first day of a date (a DATE on PostgreSQL, 'YYYY-MM-DD' text on SQLite)."""
    if step == "day":
        return day_text
    if postgres:
        return sa.cast(sa.func.date_trunc(step, day_text), sa.Date)
    if step == "week":
        return sa.func.date(day_text, "-6 days", "weekday 1")
    return sa.func.substr(day_text, 1, 7).concat("-01")


def trend_points(period: Period, step: str, found: dict[date, tuple[float | None, float]]) -> list[TrendPoint]:
    return [TrendPoint(key, found.get(key, (None, 0.0))) for key in steps(period, step)]


def items_trend(period: Period, settings: Settings) -> tuple[str, list[TrendPoint]]:
    """Found items registered and returned per step of the period (restaurant time)."""
    postgres = db.engine.dialect.name == "postgresql"
    step = step_of(period)
    start, end = period.bounds(settings.zone, settings.boundary)
    local = LocalTime(db.engine.dialect.name, settings.zone, start, end)
    counted: dict[str, Counter] = {}
    for name, column, extra in (("registered", FoundItem.registered_at, ()),
                                ("returned", FoundItem.closed_at, (FoundItem.state == ItemState.RETURNED,))):
        service_day = local.service_date(column, settings.boundary.hour * 60 + settings.boundary.minute)
        step_key = bucket(service_day, step, postgres).label("bucket")
        stmt = sa.select(step_key, sa.func.count()).where(column >= start, column < end, *extra).group_by(
            sa.literal_column("bucket"))
        counted[name] = Counter({as_date(key): count for key, count in db.session.execute(stmt)})
    return step, [TrendPoint(key, (float(counted["registered"][key]), float(counted["returned"][key])))
                  for key in steps(period, step)]
