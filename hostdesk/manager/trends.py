"""The data behind the dashboard's charts: greeting over 4 weeks, covers tonight, items per month."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..lostfound.models import FoundItem, ItemState
from ..reservations.models import Reservation, State
from ..settings import Settings
from .stats import median, minutes_of, seconds

SLOT_MINUTES = 15


@dataclass
class TrendPoint:
    label: str
    values: tuple[float | None, ...]
    key: object = None


def greet_trend(today: date, settings: Settings, days: int = 28) -> list[TrendPoint]:
    """Median seconds from arrival to greeting, per service day, for the last `days` days."""
    first = today - timedelta(days=days - 1)
    rows = db.session.execute(sa.select(Reservation.service_day, Reservation.arrived_at, Reservation.greeted_at).where(
        Reservation.service_day.between(first, today), Reservation.greeted_at.is_not(None),
        Reservation.arrived_at.is_not(None))).all()
    per_day: dict[date, list[float]] = defaultdict(list)
    for row in rows:
        per_day[row.service_day].append(seconds(row.arrived_at, row.greeted_at))
    points = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        points.append(TrendPoint(day.isoformat(), (median(per_day.get(day, [])), float(len(per_day.get(day, []))) ),
                                 key=day))
    return points


def tonight_service(now: datetime, settings: Settings) -> dict[str, str] | None:
    """The service running now, else the next one today, else the last one of the day."""
    if not settings.services:
        return None
    local = now.astimezone(settings.zone)
    minute = local.hour * 60 + local.minute
    ordered = sorted(settings.services, key=lambda s: s["start"])
    for service in ordered:
        start, end = minutes_of(service["start"]), minutes_of(service["end"])
        if end <= start:
            end += 1440
        if start <= minute < end or start <= minute + 1440 < end:
            return service
    upcoming = [s for s in ordered if minutes_of(s["start"]) > minute]
    return upcoming[0] if upcoming else ordered[-1]


def covers_tonight(now: datetime, settings: Settings) -> tuple[dict[str, str] | None, date, list[TrendPoint]]:
    """Expected covers (booked and walk-ins, not cancelled or no-show) per 15-minute slot of tonight's service."""
    day = clock.service_day(now, settings.zone, settings.boundary)
    service = tonight_service(now, settings)
    if service is None:
        return None, day, []
    start = datetime.combine(day, time.fromisoformat(service["start"]), tzinfo=settings.zone)
    if time.fromisoformat(service["start"]) < settings.boundary:
        start += timedelta(days=1)
    length = (minutes_of(service["end"]) - minutes_of(service["start"])) % 1440 or 1440
    end = start + timedelta(minutes=length)
    rows = db.session.execute(sa.select(Reservation.start_at, Reservation.party_size).where(
        Reservation.service_day == day, Reservation.state.not_in((State.CANCELLED, State.NO_SHOW)),
        Reservation.start_at >= start, Reservation.start_at < end)).all()
    slots = [0] * (length // SLOT_MINUTES + (1 if length % SLOT_MINUTES else 0))
    for row in rows:
        index = int((row.start_at - start).total_seconds() // (SLOT_MINUTES * 60))
        slots[index] += row.party_size
    points = [TrendPoint((start + timedelta(minutes=SLOT_MINUTES * i)).astimezone(settings.zone).strftime("%H:%M"),
                         (float(covers),)) for i, covers in enumerate(slots)]
    return service, day, points


def items_per_month(today: date, settings: Settings, months: int = 12) -> list[TrendPoint]:
    """Items registered and items returned per calendar month (restaurant time), the last `months` months."""
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    since = datetime(keys[0][0], keys[0][1], 1, tzinfo=settings.zone)
    registered: dict[tuple[int, int], int] = defaultdict(int)
    returned: dict[tuple[int, int], int] = defaultdict(int)
    for (moment,) in db.session.execute(sa.select(FoundItem.registered_at).where(FoundItem.registered_at >= since)):
        local = moment.astimezone(settings.zone)
        registered[(local.year, local.month)] += 1
    for (moment,) in db.session.execute(sa.select(FoundItem.closed_at).where(
            FoundItem.closed_at >= since, FoundItem.state == ItemState.RETURNED)):
        local = moment.astimezone(settings.zone)
        returned[(local.year, local.month)] += 1
    return [TrendPoint(f"{y}-{m:02d}", (float(registered[(y, m)]), float(returned[(y, m)])), key=date(y, m, 1))
            for y, m in keys]

