"""Availability, pacing and the waitlist quote: reads, no state changes.

Public functions (the booking form, the timeline, the waitlist and the online booking page use them;
keep their names and meaning stable):

- `bookable_times(day, party_size, ...)`: the start times a party can book on a service day.
- `free_options(start, party_size, ...)`: the tables and combinations free for the party's turn time.
- `nearest_times(start, party_size, ...)`: the nearest bookable times before and after a start.
- `pacing_slots(day)` / `pacing_over(start, party_size, ...)`: covers starting per 15-minute slot.
- `waitlist_quote(party_size, ...)`: minutes a walk-in is likely to wait.

Each loads what it needs in one or two statements (`Busy.load`); pass `busy=` to share one load.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..floor.models import Table
from ..settings import Settings, get_settings
from . import turntimes
from .models import ACTIVE, Assignment, Reservation, State
from .queries import Option, combinable_runs, day_of, to_clear  # Option: a table or neighbours pushed together

SLOT = timedelta(minutes=15)  # bookable times and pacing go by quarter hours
SOON = timedelta(minutes=5)  # a party over its time, or a table to clear, is expected free this soon
ROUND_TO = 5  # waitlist quotes in whole 5 minutes
COUNTED = (*ACTIVE, State.LEFT)  # the covers pacing counts


@dataclass
class Busy:
    """Each table's busy spans [start, end) on and around a service day, and the covers starting
    then, from one read of the day's parties."""

    day: date
    now: datetime
    tables: list[Table]
    spans: dict[int, list[tuple[datetime, datetime, int]]] = field(default_factory=dict)  # table: (start, end, res)
    starts: list[tuple[datetime, int, int]] = field(default_factory=list)  # (start, covers, reservation id)
    turn: turntimes.TurnTimes | None = None

    @classmethod
    def load(cls, day: date, now: datetime | None = None, tables: Iterable[Table] | None = None) -> Busy:
        s = get_settings()
        now = now or clock.utcnow()
        first, last = clock.day_bounds(day, s.zone, s.boundary)
        table_list = list(tables) if tables is not None else list(db.session.scalars(
            sa.select(Table).where(Table.active.is_(True)).order_by(Table.area_id, Table.position, Table.name)))
        busy = cls(day, now, table_list, turn=turntimes.current())
        r, a = Reservation.__table__.c, Assignment.__table__.c
        stmt = (sa.select(r.id, r.state, r.party_size, r.start_at, r.duration_minutes, r.seated_at, r.left_at,
                          a.table_id, a.occupied)
                .select_from(Reservation.__table__.outerjoin(Assignment.__table__, a.reservation_id == r.id))
                .where(r.start_at >= first - timedelta(hours=12), r.start_at < last, r.state.in_(COUNTED)))
        seen: set[int] = set()
        left: dict[int, datetime] = {}
        for rid, state, size, start, minutes, seated, left_at, table_id, occupied in db.session.execute(stmt):
            if rid not in seen and start >= first:
                seen.add(rid)
                busy.starts.append((start, size, rid))
            if table_id is None:
                continue
            if state is State.LEFT:
                if left_at is not None:
                    left[table_id] = max(left_at, left.get(table_id, left_at))
                continue
            span = _span(state, start, minutes, seated, occupied, now)
            if span is not None:
                busy.spans.setdefault(table_id, []).append((*span, rid))
        cleared = {t.id: t.cleared_at for t in table_list}
        for table_id, left_at in left.items():
            if table_id in cleared and to_clear(cleared[table_id], left_at) and left_at <= now:
                busy.spans.setdefault(table_id, []).append((left_at, now + SOON, 0))
        return busy

    def free(self, table_id: int, start: datetime, end: datetime, own_id: int | None = None) -> bool:
        return not any(s < end and e > start and rid != own_id for s, e, rid in self.spans.get(table_id, ()))

    def covers_in_slot(self, start: datetime, own_id: int | None = None) -> int:
        slot = slot_of(start, get_settings())
        return sum(size for at, size, rid in self.starts if rid != own_id and slot <= at < slot + SLOT)


def _span(state: State, start: datetime, minutes: int, seated: datetime | None, occupied: bool,
          now: datetime) -> tuple[datetime, datetime] | None:
    """The time a party holds a table: seated from its seating until its expected end (or soon, when
    over time); at the door from now for its turn; booked from its start for its turn."""
    length = timedelta(minutes=minutes)
    if occupied:
        begin = seated or start
        return begin, max(begin + length, now + SOON)
    if state is State.SEATED:  # a table it gave up
        return None
    if state in (State.ARRIVED, State.GREETED, State.WAITING) and start < now:
        return start, max(start + length, now + length)
    return start, start + length


def slot_of(moment: datetime, s: Settings) -> datetime:
    """The quarter hour a moment falls in (local quarter hours, so half-hour zones are right too)."""
    local = moment.astimezone(s.zone)
    floored = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
    return floored.astimezone(moment.tzinfo)


def _candidates(tables: list[Table], party_size: int) -> list[list[Table]]:
    singles = [[t] for t in tables if t.fits(party_size)]
    singles.sort(key=lambda o: (o[0].max_seats, o[0].area_id, o[0].position))
    combos = combinable_runs(tables, party_size)
    combos.sort(key=lambda o: (sum(t.max_seats for t in o), len(o), o[0].area_id, o[0].position))
    return singles + combos


def free_options(start: datetime, party_size: int, *, own_id: int | None = None, minutes: int | None = None,
                 tables: Iterable[Table] | None = None, busy: Busy | None = None) -> list[Option]:
    """The tables, then combinations of combinable neighbours, free from `start` for the party's
    expected turn time (or `minutes`), smallest fit first. `own_id`: a booking being edited, whose
    own tables count as free. `tables`: only these tables (default: every active table)."""
    busy = busy or Busy.load(day_of(start), tables=tables)
    pool = list(tables) if tables is not None else busy.tables
    end = start + timedelta(minutes=minutes or busy.turn.minutes_for(party_size, start))
    return [Option(option) for option in _candidates(pool, party_size)
            if all(busy.free(t.id, start, end, own_id) for t in option)]


def opening_slots(day: date, s: Settings | None = None) -> list[datetime]:
    """Every quarter hour a booking may start on a service day, in the order of the day."""
    s = s or get_settings()
    slots: list[datetime] = []
    for _name, begin, finish in turntimes.service_windows(day, s):
        moment = slot_of(begin, s)
        if moment < begin:
            moment += SLOT
        while moment < finish:
            slots.append(moment)
            moment += SLOT
    return sorted(set(slots))


def pacing_limit(moment: datetime, s: Settings | None = None) -> int:
    """The most covers that may start in the quarter hour of `moment` (0: no limit)."""
    s = s or get_settings()
    name = turntimes.service_name(moment, s)
    return int(s.pacing_limits.get(name, 0)) if name else 0


def bookable_times(day: date, party_size: int, *, tables: Iterable[Table] | None = None, own_id: int | None = None,
                   pacing: bool = True, busy: Busy | None = None, now: datetime | None = None) -> list[datetime]:
    """The quarter-hour start times (UTC) on a service day at which a party of this size can book:
    within opening hours, not past, some table or combination (of `tables`, default every active
    table) free for its expected turn time, and (with `pacing`) the slot's covers within the limit."""
    s = get_settings()
    now = now or clock.utcnow()
    busy = busy or Busy.load(day, now=now, tables=tables)
    pool = list(tables) if tables is not None else busy.tables
    candidates = _candidates(pool, party_size)
    times = []
    for start in opening_slots(day, s):
        if start < now:
            continue
        if pacing:
            limit = pacing_limit(start, s)
            if limit and busy.covers_in_slot(start, own_id) + party_size > limit:
                continue
        end = start + timedelta(minutes=busy.turn.minutes_for(party_size, start))
        if any(all(busy.free(t.id, start, end, own_id) for t in option) for option in candidates):
            times.append(start)
    return times


def nearest_times(start: datetime, party_size: int, *, own_id: int | None = None,
                  tables: Iterable[Table] | None = None, busy: Busy | None = None,
                  now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """The nearest bookable times before and after `start` on its service day (None when none)."""
    day = day_of(start)
    times = bookable_times(day, party_size, tables=tables, own_id=own_id, busy=busy, now=now)
    before = [t for t in times if t < start]
    after = [t for t in times if t > start]
    return (before[-1] if before else None), (after[0] if after else None)


@dataclass
class Slot:
    start: datetime
    covers: int
    limit: int  # 0: no limit

    @property
    def over(self) -> bool:
        return bool(self.limit) and self.covers > self.limit


def pacing_slots(day: date, busy: Busy | None = None) -> list[Slot]:
    """Covers starting in each quarter hour of the day's opening hours, against the limit."""
    s = get_settings()
    busy = busy or Busy.load(day)
    covers: dict[datetime, int] = {}
    for at, size, _rid in busy.starts:
        slot = slot_of(at, s)
        covers[slot] = covers.get(slot, 0) + size
    return [Slot(start, covers.get(start, 0), pacing_limit(start, s)) for start in opening_slots(day, s)]


def pacing_over(start: datetime, party_size: int, *, own_id: int | None = None,
                busy: Busy | None = None) -> Slot | None:
    """The slot of `start` when this party would take its covers over the limit, else None."""
    limit = pacing_limit(start)
    if not limit:
        return None
    busy = busy or Busy.load(day_of(start))
    covers = busy.covers_in_slot(start, own_id) + party_size
    return Slot(slot_of(start, get_settings()), covers, limit) if covers > limit else None


def waitlist_quote(party_size: int, *, now: datetime | None = None, ahead: Iterable[int] = (),
                   busy: Busy | None = None) -> int:
    """Minutes a walk-in of this size is likely to wait, in whole 5 minutes: the tables and
    combinations that fit, each from when it is free for the party's turn, taken in turn by the
    parties ahead (`ahead`: their sizes, first come first) that fit the same tables."""
    now = now or clock.utcnow()
    busy = busy or Busy.load(day_of(now), now=now)
    turn = busy.turn
    candidates = _candidates(busy.tables, party_size)
    if not candidates:  # no table or combination takes them: the usual turn is the best guess
        return int(math.ceil(turn.minutes_for(party_size, now) / ROUND_TO) * ROUND_TO)
    horizon = now + timedelta(hours=6)

    def first_free(option: list[Table], minutes: int, taken: dict[int, datetime]) -> datetime | None:
        moment = max([now, *(taken.get(t.id, now) for t in option)])
        while moment < horizon:
            end = moment + timedelta(minutes=minutes)
            if all(busy.free(t.id, moment, end) and taken.get(t.id, now) <= moment for t in option):
                return moment
            moment += SOON
        return None

    taken: dict[int, datetime] = {}
    for size in ahead:
        fitting = [o for o in candidates if sum(t.max_seats for t in o) >= size and (len(o) > 1 or o[0].fits(size))]
        minutes = turn.minutes_for(size, now)
        found = [(m, o) for o in fitting if (m := first_free(o, minutes, taken)) is not None]
        if found:
            moment, option = min(found, key=lambda x: x[0])
            for t in option:
                taken[t.id] = moment + timedelta(minutes=minutes)
    minutes = turn.minutes_for(party_size, now)
    times = [m for o in candidates if (m := first_free(o, minutes, taken)) is not None]
    if not times:
        return int(math.ceil((horizon - now).total_seconds() / 60 / ROUND_TO) * ROUND_TO)
    wait = max(0.0, (min(times) - now).total_seconds() / 60)
    return int(math.ceil(wait / ROUND_TO) * ROUND_TO)


@dataclass
class FormAnswer:
    """What the booking form shows for a date, time and party size typed."""

    start: datetime
    party_size: int
    minutes: int  # the expected turn time
    open: bool = True
    past: bool = False
    options: list[Option] = field(default_factory=list)
    before: datetime | None = None
    after: datetime | None = None
    pacing: Slot | None = None


def for_form(start: datetime, party_size: int, *, own_id: int | None = None,
             now: datetime | None = None) -> FormAnswer | None:
    """The booking form's availability: the free tables and combinations at `start`; the nearest
    bookable times before and after when none is; the pacing warning; from one read of the day.
    None for a party size no booking may have (bookings._validate refuses it)."""
    s = get_settings()
    if not 1 <= party_size <= s.max_party_size:
        return None
    now = now or clock.utcnow()
    day = day_of(start)
    busy = Busy.load(day, now=now)
    answer = FormAnswer(start, party_size, busy.turn.minutes_for(party_size, start))
    answer.open = turntimes.service_name(start, s) is not None
    answer.past = start < now.replace(second=0, microsecond=0)
    if answer.open and not answer.past:
        answer.options = free_options(start, party_size, own_id=own_id, busy=busy)
        answer.pacing = pacing_over(start, party_size, own_id=own_id, busy=busy)
    if not answer.options:
        answer.before, answer.after = nearest_times(start, party_size, own_id=own_id, busy=busy, now=now)
    return answer
