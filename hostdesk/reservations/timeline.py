"""The timeline: tables down the side by area, the day's hours across, each booking and seated
party a block from its start to its expected end, and the covers starting per quarter hour against
the pacing limit. A read; moves are bookings.move_booking.

Positions are counted in steps of 5 minutes and drawn with the classes of static/timeline.css
(`.tl-x-N` left, `.tl-w-N` width, N up to 300), since the CSP allows no inline styles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import clock
from ..floor.models import Table
from ..settings import get_settings
from . import availability, live, queries, turntimes
from .availability import Turn, turn_of
from .bookings import MOVABLE
from .models import Reservation, State

STEP = 5  # minutes per position step; a step is 10 px (static/timeline.css), a quarter hour 30 px
STEPS = 300  # the most steps timeline.css has classes for (25 hours)
SHOWN = (State.BOOKED, State.ARRIVED, State.GREETED, State.SEATED, State.LEFT)


@dataclass
class Block:
    res: Reservation
    start: datetime
    end: datetime
    left: int  # steps from the timeline's start
    width: int  # steps
    kind: str  # booked, late, door (arrived or greeted), seated, over, left
    turn: Turn | None = None
    late_minutes: int = 0

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
    unassigned: list[Reservation] = field(default_factory=list)  # booked without a table yet

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


def _block(res: Reservation, now: datetime, late_after: timedelta) -> Block | None:
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


def load(day: date | None = None, now: datetime | None = None) -> Timeline:
    """The day's timeline, from the day's reservations and tables (three statements) and the
    covers per quarter hour."""
    s = get_settings()
    now = now or clock.utcnow()
    day = day or clock.service_day(now, s.zone, s.boundary)
    begin, finish = _window(day)
    tl = Timeline(day, begin, finish, now, live.token())
    reservations = queries.reservations_of(day)
    tables = queries.all_tables()
    rows = {t.id: Row(t) for t in tables}
    late_after = timedelta(minutes=s.late_after_minutes)
    for res in reservations:
        if res.state not in SHOWN:
            continue
        if not res.assignments and res.state in MOVABLE:
            tl.unassigned.append(res)
            continue
        block = _block(res, now, late_after)
        for assignment in res.assignments:
            row = rows.get(assignment.table_id)
            if row is None or (res.state is State.SEATED and not assignment.occupied):
                continue
            start, end = max(block.start, begin), min(block.end, finish)
            if end <= start:
                continue
            row.blocks.append(Block(res, block.start, block.end, tl.x(start), max(tl.x(end) - tl.x(start), 3),
                                    block.kind, block.turn, block.late_minutes))
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
    busy.starts = [(r.start_at, r.party_size, r.id) for r in reservations if r.state in availability.COUNTED]
    tl.slots = [SlotCell(slot, tl.x(slot.start), width) for slot in availability.pacing_slots(day, busy=busy)
                if begin <= slot.start < finish]
    return tl
