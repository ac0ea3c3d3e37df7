"""Turn times: how long a party sits at its table, learned from the restaurant's own history.

The median of seated → left over the last weeks, per party-size band and service; a band with too
few visits falls back to the manager's default (`Settings.durations`). A scheduled job stores what
was learned (`turn_times`), so a request reads a handful of rows instead of weeks of visits.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask import g, has_app_context

from .. import clock
from ..extensions import db
from ..settings import Settings, get_settings
from .models import Reservation, State, TurnTime

BANDS = ((1, 2), (3, 4), (5, 6), (7, None))  # party sizes; the last band has no upper end
HISTORY = timedelta(weeks=8)
MIN_VISITS = 20  # fewer visits than this in a band: the manager's default holds


def band_of(party_size: int) -> int:
    """The index in BANDS of a party size: 0 for 1-2, 1 for 3-4, 2 for 5-6, 3 for 7 and more."""
    for index, (_low, high) in enumerate(BANDS):
        if high is None or party_size <= high:
            return index
    return len(BANDS) - 1


def band_label(band: int) -> str:
    low, high = BANDS[band]
    return f"{low}–{high}" if high is not None else f"{low}+"


def service_windows(day: date, s: Settings) -> list[tuple[str, datetime, datetime]]:
    """(name, UTC start, UTC end) of each service of a service day; a service past midnight ends
    on the next calendar day, and one starting before the day boundary starts on it too."""
    windows = []
    for service in s.services:
        start, end = time.fromisoformat(service["start"]), time.fromisoformat(service["end"])
        first = day + timedelta(days=1) if start < s.boundary else day
        begin = datetime.combine(first, start, tzinfo=s.zone)
        finish = datetime.combine(first + timedelta(days=1) if end <= start else first, end, tzinfo=s.zone)
        windows.append((service["name"], begin.astimezone(timezone.utc), finish.astimezone(timezone.utc)))
    return windows


def service_name(moment: datetime, s: Settings | None = None) -> str | None:
    """The name of the service a moment falls in, None outside opening hours."""
    s = s or get_settings()
    local = moment.astimezone(s.zone).time().replace(tzinfo=None)
    for service in s.services:
        start, end = time.fromisoformat(service["start"]), time.fromisoformat(service["end"])
        if (start <= local < end) if start <= end else (local >= start or local < end):
            return service["name"]
    return None


@dataclass
class Learned:
    """The turn time of one service and band: the median learned and how many visits it rests on."""

    service: str
    band: int
    minutes: int
    visits: int

    @property
    def trusted(self) -> bool:
        return self.visits >= MIN_VISITS


def learn(visits: list[tuple[int, datetime, datetime, datetime]], s: Settings) -> list[Learned]:
    """From (party size, start, seated, left) visits: the median minutes seated per service and band."""
    spans: dict[tuple[str, int], list[float]] = {}
    for size, start, seated, left in visits:
        name = service_name(start, s)
        if name is None or left <= seated:
            continue
        spans.setdefault((name, band_of(size)), []).append((left - seated).total_seconds() / 60)
    return [Learned(name, band, int(round(statistics.median(values))), len(values))
            for (name, band), values in sorted(spans.items())]


def history(now: datetime) -> list[tuple[int, datetime, datetime, datetime]]:
    """The visits of the last weeks that were seated and left."""
    c = Reservation.__table__.c
    stmt = sa.select(c.party_size, c.start_at, c.seated_at, c.left_at).where(
        c.state == State.LEFT, c.start_at >= now - HISTORY, c.start_at < now,
        c.seated_at.is_not(None), c.left_at.is_not(None))
    return [tuple(row) for row in db.session.execute(stmt)]


def refresh(now: datetime | None = None) -> str:
    """Learn the turn times again from the last weeks and store them (the scheduled job)."""
    now = now or clock.utcnow()
    learned = learn(history(now), get_settings())
    db.session.execute(sa.delete(TurnTime))
    db.session.add_all(TurnTime(service=x.service, band=x.band, minutes=x.minutes, visits=x.visits,
                                learned_at=now) for x in learned)
    db.session.flush()
    if has_app_context():
        g.hostdesk_turn_times = learned
    return f"{len(learned)} turn times"


class TurnTimes:
    """The expected minutes at the table for a party: learned when trusted, the manager's default
    otherwise. Read once per request (`current()`)."""

    def __init__(self, learned: list[Learned], s: Settings):
        self.learned = {(x.service, x.band): x for x in learned}
        self.settings = s

    def learned_for(self, service: str, band: int) -> Learned | None:
        return self.learned.get((service, band))

    def minutes_for(self, party_size: int, start: datetime) -> int:
        name = service_name(start, self.settings)
        found = self.learned.get((name, band_of(party_size))) if name else None
        if found is not None and found.trusted:
            return found.minutes
        return self.settings.duration_for(party_size)


def current() -> TurnTimes:
    """This request's turn times: the learned rows read once per request (kept on flask.g, as the
    settings are; refresh() puts its own there), under the settings as they are now."""
    if not has_app_context():
        return TurnTimes(_read(), get_settings())
    if "hostdesk_turn_times" not in g:
        g.hostdesk_turn_times = _read()
    return TurnTimes(g.hostdesk_turn_times, get_settings())


def _read() -> list[Learned]:
    rows = db.session.execute(sa.select(TurnTime.service, TurnTime.band, TurnTime.minutes, TurnTime.visits))
    return [Learned(*row) for row in rows]


def minutes_for(party_size: int, start: datetime) -> int:
    """The expected minutes at the table for a party of this size starting then."""
    return current().minutes_for(party_size, start)


@dataclass
class Overview:
    """One service and band for the manager: what was learned beside the default, and which holds."""

    service: str
    band: str
    learned: Learned | None
    default_minutes: int
    used_minutes: int


def overview() -> list[Overview]:
    """Every service and band of the settings, with the learned turn time beside the manager's default."""
    times = current()
    s = times.settings
    rows = []
    for service in s.services:
        for band, (low, _high) in enumerate(BANDS):
            learned = times.learned_for(service["name"], band)
            default = s.duration_for(low)
            used = learned.minutes if learned is not None and learned.trusted else default
            rows.append(Overview(service["name"], band_label(band), learned, default, used))
    return rows
