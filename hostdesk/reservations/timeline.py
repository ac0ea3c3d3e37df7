"""The timeline: tables down the side by area, the day's hours across, each booking and seated
party a block from its start to its expected end, and the covers starting per quarter hour against
the pacing limit. A read; moves are bookings.move_booking.

Positions are counted in steps of 5 minutes and drawn with the classes of static/timeline.css
(`.tl-x-N` left, `.tl-w-N` width, N up to 300), since the CSP allows no inline styles.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import ngettext

from .. import clock
from ..extensions import db
from ..floor.models import Table
from ..settings import get_settings
from . import availability, live, queries, turntimes
from .bookings import MOVABLE
from .models import Assignment, Reservation, Source, State
from .operations import local_hhmm
from .queries import Turn, turn_of

STEP = 5  # minutes per position step; a step is 10 px (static/timeline.css), a quarter hour 30 px
STEPS = 300  # the most steps timeline.css has classes for (25 hours)
SHOWN = (State.BOOKED, State.ARRIVED, State.GREETED, State.SEATED, State.LEFT)


@dataclass
class Party:
    """What a block shows of a party: read with Core, no ORM objects for a day of hundreds."""

    id: int
    name: str
    party_size: int
    state: State
    start_at: datetime
    duration_minutes: int
    seated_at: datetime | None
    left_at: datetime | None
    source: Source

    @property
    def end_at(self) -> datetime:
        return self.start_at + timedelta(minutes=self.duration_minutes)

    @property
    def display_name(self) -> str:
        return self.name or f"#{self.id}"


@dataclass
class Block:
    res: Party
    start: datetime
    end: datetime
    left: int  # steps from the timeline's start
    width: int  # steps
    kind: str  # booked, late, door (arrived or greeted), seated, over, left
    turn: Turn | None = None
    late_minutes: int = 0
    start_hhmm: str = ""
    end_hhmm: str = ""

    @property
    def movable(self) -> bool:
        return self.res.state in MOVABLE


@dataclass
class Row:
    table: Table
    blocks: list[Block] = field(default_factory=list)


@dataclass
class SlotCell:
    slot: availability.Slot
    left: int
    width: int


@dataclass
class Timeline:
    day: date
    start: datetime
    end: datetime
    now: datetime
    token: str
    areas: list[tuple[str, list[Row]]] = field(default_factory=list)
    hours: list[tuple[datetime, int]] = field(default_factory=list)
    slots: list[SlotCell] = field(default_factory=list)
    unassigned: list[Party] = field(default_factory=list)  # booked without a table yet
    guests: dict[int, str] = field(default_factory=dict)  # "2 guests" per party size shown

    @property
    def width(self) -> int:
        return self.x(self.end)

    @property
    def now_x(self) -> int | None:
        return self.x(self.now) if self.start <= self.now <= self.end else None

    def x(self, moment: datetime) -> int:
        """Steps from the timeline's start, rounded to the nearest step, within the stylesheet's range."""
        return min(STEPS, max(0, round((moment - self.start).total_seconds() / 60 / STEP)))


def _window(day: date) -> tuple[datetime, datetime]:
    """From the hour the first service starts to the hour after the last one ends."""
    s = get_settings()
    windows = turntimes.service_windows(day, s)
    if not windows:
        first, last = clock.day_bounds(day, s.zone, s.boundary)
        return first, last
    begin = min(w[1] for w in windows).astimezone(s.zone).replace(minute=0)
    finish = max(w[2] for w in windows).astimezone(s.zone)
    if finish.minute:
        finish = finish.replace(minute=0) + timedelta(hours=1)
    return begin, finish


def _block(res: Party, now: datetime, late_after: timedelta) -> Block:
    turn = turn_of(res, now)
    if res.state is State.SEATED:
        start = res.seated_at or res.start_at
        end = max(turn.until, now) if turn else res.end_at
        kind = "over" if turn and turn.over_minutes > 0 else "seated"
    elif res.state is State.LEFT:
        start, end, kind = res.seated_at or res.start_at, res.left_at or res.end_at, "left"
    else:
        start, end = res.start_at, res.end_at
        kind = "door" if res.state in (State.ARRIVED, State.GREETED) else "booked"
        if res.state is State.BOOKED and now > start + late_after:
            kind = "late"
    block = Block(res, start, end, 0, 0, kind, turn)
    if kind == "late":
        block.late_minutes = int((now - start).total_seconds() // 60)
    return block


def _parties(day: date) -> tuple[list[Party], dict[int, list[tuple[int, bool]]]]:
    """The day's parties (not cancelled or no-show) and their tables (table id, occupied), two
    Core statements."""
    r, a = Reservation.__table__.c, Assignment.__table__.c
    rows = db.session.execute(
        sa.select(r.id, r.name, r.party_size, r.state, r.start_at, r.duration_minutes, r.seated_at, r.left_at,
                  r.source)
        .where(r.service_day == day, r.state.in_(availability.COUNTED)).order_by(r.start_at, r.id))
    parties = [Party(*row) for row in rows]
    tables: dict[int, list[tuple[int, bool]]] = {}
    for rid, table_id, occupied in db.session.execute(
            sa.select(a.reservation_id, a.table_id, a.occupied).join(Reservation.__table__, r.id == a.reservation_id)
            .where(r.service_day == day, r.state.in_(SHOWN))):
        tables.setdefault(rid, []).append((table_id, occupied))
    return parties, tables


def load(day: date | None = None, now: datetime | None = None) -> Timeline:
    """The day's timeline, from the day's parties and tables (a few statements) and the covers per
    quarter hour."""
    s = get_settings()
    now = now or clock.utcnow()
    day = day or clock.service_day(now, s.zone, s.boundary)
    begin, finish = _window(day)
    tl = Timeline(day, begin, finish, now, live.token())
    parties, assigned = _parties(day)
    tables = queries.all_tables()
    rows = {t.id: Row(t) for t in tables}
    late_after = timedelta(minutes=s.late_after_minutes)

    for res in parties:
        if res.state not in SHOWN:
            continue
        if res.party_size not in tl.guests:
            tl.guests[res.party_size] = ngettext("%(num)s guest", "%(num)s guests", res.party_size)
        if res.id not in assigned and res.state in MOVABLE:
            tl.unassigned.append(res)
            continue
        block = _block(res, now, late_after)
        block.start_hhmm, block.end_hhmm = local_hhmm(block.start), local_hhmm(block.end)
        for table_id, occupied in assigned.get(res.id, ()):
            row = rows.get(table_id)
            if row is None or (res.state is State.SEATED and not occupied):
                continue
            start, end = max(block.start, begin), min(block.end, finish)
            if end <= start:
                continue
            left = tl.x(start)
            row.blocks.append(dataclasses.replace(block, left=left, width=max(tl.x(end) - left, 3)))
    by_area: dict[int, tuple[str, int, list[Row]]] = {}
    for t in tables:
        by_area.setdefault(t.area_id, (t.area.name, t.area.position, []))[2].append(rows[t.id])
    tl.areas = [(name, area_rows) for name, _pos, area_rows in sorted(by_area.values(), key=lambda a: (a[1], a[0]))]
    hour = begin
    while hour < finish:
        tl.hours.append((hour, tl.x(hour)))
        hour += timedelta(hours=1)
    width = int(availability.SLOT.total_seconds() // 60) // STEP
    busy = availability.Busy(day, now, tables)
    busy.starts = [(p.start_at, p.party_size, p.id) for p in parties if p.state in availability.COUNTED]
    tl.slots = [SlotCell(slot, tl.x(slot.start), width) for slot in availability.pacing_slots(day, busy=busy)
                if begin <= slot.start < finish]
    return tl
