"""Read-only selections: a service day's reservations, the tables' states, free tables that fit.

The board (board.py) is built from three reads: the day's reservations (with their guests and
tables, one query plus one for the tables), every table, and the shift note.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload, selectinload

from .. import clock
from ..extensions import db
from ..floor.models import Table
from ..settings import get_settings
from . import turntimes
from .models import Assignment, Reservation, ShiftNote, State

UPCOMING = (State.BOOKED, State.ARRIVED, State.GREETED)


def today() -> date:
    s = get_settings()
    return clock.service_day(clock.utcnow(), s.zone, s.boundary)


def day_of(moment: datetime) -> date:
    s = get_settings()
    return clock.service_day(moment, s.zone, s.boundary)


def moment_on(day: date, at: time) -> datetime:
    """The moment a time of day on the restaurant's service `day` means (00:30 is after midnight)."""
    s = get_settings()
    return clock.moment_on(day, at, s.zone, s.boundary)


def reservations_of(day: date, *, messages: bool = False) -> list[Reservation]:
    """The day's reservations with their tables; `messages`: with the waitlist guests' messages too
    (one more statement), for the board whose cards show them."""
    stmt = (sa.select(Reservation).where(Reservation.service_day == day)
            .options(selectinload(Reservation.assignments)).order_by(Reservation.start_at, Reservation.id))
    if messages:
        stmt = stmt.options(selectinload(Reservation.messages))
    return list(db.session.scalars(stmt).unique())


def load_messages(res: Reservation) -> None:
    """Read one party's messages now (one statement, none when read already), so its card's template
    does not."""
    res.messages  # noqa: B018  (the lazy load)


def board_tally(day: date, late_from: datetime, arriving_from: datetime) -> list[sa.Row]:
    """(state, part of the booked ones: late/arriving/later, parties, people, people here) for the day."""
    return list(db.session.execute(_tally_statement(), {"day": day, "late_from": late_from,
                                                         "arriving_from": arriving_from}))


def _tally_statement() -> sa.Select:
    """The day's parties and people by state, and the booked ones by late, arriving or later."""
    c = Reservation.__table__.c  # Core columns: the result skips the ORM's layer
    when = c.start_at.type
    booked_part = sa.case((c.start_at <= sa.bindparam("late_from", type_=when), "late"),
                          (c.start_at <= sa.bindparam("arriving_from", type_=when), "arriving"),
                          else_="later")
    part = sa.case((c.state == State.BOOKED, booked_part), else_=None).label("part")
    people = sa.func.coalesce(sa.func.sum(c.party_size), 0)
    here = sa.func.coalesce(sa.func.sum(sa.func.coalesce(c.arrived_guests, c.party_size)), 0)
    return (sa.select(c.state, part, sa.func.count(), people, here)
            .where(c.service_day == sa.bindparam("day", type_=sa.Date)).group_by(c.state, part))


def get_reservation(reservation_id: int) -> Reservation | None:
    """One party with what its card shows (guest, tables); who did each step is read only when a
    message names them."""
    stmt = (sa.select(Reservation).where(Reservation.id == reservation_id)
            .options(joinedload(Reservation.assignments).joinedload(Assignment.table, innerjoin="unnested")
                     .joinedload(Table.area, innerjoin="unnested"),
                     lazyload(Reservation.preferred_area), lazyload(Reservation.arrived_by),
                     lazyload(Reservation.greeted_by), lazyload(Reservation.seated_by),
                     lazyload(Reservation.left_by)))
    return db.session.scalars(stmt).unique().one_or_none()


def all_tables() -> list[Table]:
    stmt = sa.select(Table).where(Table.active.is_(True)).order_by(Table.position, Table.name)
    return list(db.session.scalars(stmt))


def shift_notes(day: date) -> list[ShiftNote]:
    """The service's notes, newest first, dismissed ones too (the board lists them apart)."""
    stmt = sa.select(ShiftNote).where(ShiftNote.service_day == day).order_by(ShiftNote.id.desc())
    return list(db.session.scalars(stmt))


def to_clear(cleared_at: datetime | None, last_left: datetime | None) -> bool:
    """A table is to clear when a party left it after it was last cleared (tables_held asks the same in SQL)."""
    return last_left is not None and (cleared_at is None or cleared_at < last_left)


SOON_LEFT = 10  # minutes: a turn this close to its end is shown as ending soon


@dataclass
class Turn:
    """A seated party's expected end against now, for the floor tiles, seated cards and timeline."""

    until: datetime
    over_minutes: int  # > 0: past its expected end by this much

    @property
    def level(self) -> str:
        if self.over_minutes > 0:
            return "over"
        return "ok" if self.minutes_left > SOON_LEFT else "soon"

    @property
    def minutes_left(self) -> int:
        return -self.over_minutes


def turn_of(res: Reservation, now: datetime) -> Turn | None:
    """When a seated party is expected to leave (seated + its expected turn), None when not seated."""
    if res.state is not State.SEATED or res.seated_at is None:
        return None
    until = res.seated_at + timedelta(minutes=res.duration_minutes)
    return Turn(until, math.floor((now - until).total_seconds() / 60))


@dataclass
class TableView:
    table: Table
    state: str = "free"  # free, reserved, occupied, to_clear
    party: Reservation | None = None  # seated there now
    next_booking: Reservation | None = None  # the next party expected there today
    at_door: Reservation | None = None  # a party booked here that stands at the door (arrived, greeted)
    free_since: datetime | None = None  # when it was last cleared or left
    turn: Turn | None = None  # occupied: when its party is expected to leave

    def fits(self, party_size: int) -> bool:
        return self.table.fits(party_size)

    @property
    def id(self) -> int:
        return self.table.id


@dataclass
class Floor:
    tables: list[TableView] = field(default_factory=list)

    def by_id(self) -> dict[int, TableView]:
        return {v.table.id: v for v in self.tables}


def floor_state(tables: list[Table], reservations: list[Reservation], now: datetime) -> Floor:
    """Each table's state, from the day's reservations (no further queries)."""
    views = {t.id: TableView(t) for t in tables}
    last_left: dict[int, datetime] = {}
    for res in reservations:
        for assignment in res.assignments:
            view = views.get(assignment.table_id)
            if view is None:
                continue
            if assignment.occupied:
                view.party = res
                continue
            if res.state in (State.ARRIVED, State.GREETED) and (
                    view.at_door is None or (res.arrived_at or now) < (view.at_door.arrived_at or now)):
                view.at_door = res
            if res.state is State.LEFT and res.left_at:
                last_left[view.id] = max(res.left_at, last_left.get(view.id, res.left_at))
            elif res.state in UPCOMING and res.end_at > now and (
                    view.next_booking is None or res.start_at < view.next_booking.start_at):
                view.next_booking = res
    for view in views.values():
        cleared = view.table.cleared_at
        view.free_since = max((t for t in (cleared, last_left.get(view.id)) if t is not None), default=None)
        if view.party is not None:
            view.state = "occupied"
            view.turn = turn_of(view.party, now)
        elif to_clear(cleared, last_left.get(view.id)):
            view.state = "to_clear"
        elif view.next_booking is not None:
            view.state = "reserved"
    return Floor(list(views.values()))


def booked_tables_free(floor: Floor, res: Reservation) -> bool:
    """Whether the party's own tables are free for it now: nobody sits there, nothing to clear, and
    no other party at the door holds them."""
    views = floor.by_id()
    return bool(res.tables) and not any(
        v is None or v.state in ("occupied", "to_clear") or (v.at_door is not None and v.at_door.id != res.id)
        for v in (views.get(t.id) for t in res.tables))


def blocked_tables(table_ids: list[int], reservation_id: int | None) -> list[int]:
    """Of these tables, the ones occupied by another party or waiting to be cleared."""
    occupied = sa.select(Assignment.table_id).where(
        Assignment.table_id.in_(table_ids), Assignment.occupied.is_(True),
        Assignment.reservation_id != (reservation_id or 0))
    blocked = set(db.session.scalars(occupied))
    last_left = (sa.select(Assignment.table_id, sa.func.max(Reservation.left_at))
                 .join(Reservation).where(Assignment.table_id.in_(table_ids), Reservation.state == State.LEFT)
                 .group_by(Assignment.table_id))
    cleared = dict(db.session.execute(sa.select(Table.id, Table.cleared_at).where(Table.id.in_(table_ids))).all())
    for table_id, left_at in db.session.execute(last_left).all():
        if to_clear(cleared.get(table_id), left_at):
            blocked.add(table_id)
    return sorted(blocked)


def tables_held(table_ids: list[int], reservation_id: int) -> bool:
    """Whether any of these tables is occupied by another party or still to clear, in one statement
    (a tap's card asks it: its prompt names the table only when it is free)."""
    occupied = (sa.select(Assignment.reservation_id)
                .where(Assignment.table_id.in_(table_ids), Assignment.occupied.is_(True),
                       Assignment.reservation_id != reservation_id))
    left_since = (sa.select(Assignment.reservation_id).join(Reservation).join(Table, Table.id == Assignment.table_id)
                .where(Assignment.table_id.in_(table_ids), Reservation.state == State.LEFT,
                       sa.or_(Table.cleared_at.is_(None), Table.cleared_at < Reservation.left_at)))
    return bool(db.session.scalar(sa.select(sa.or_(occupied.exists(), left_since.exists()))))


@dataclass
class Option:
    """One way to seat a party: a table, or neighbouring combinable tables pushed together."""

    tables: list[Table]
    reserved_at: datetime | None = None  # a booking there starts before this party would leave

    @property
    def ids(self) -> str:
        return ",".join(str(t.id) for t in self.tables)

    @property
    def seats(self) -> int:
        return sum(t.max_seats for t in self.tables)

    @property
    def names(self) -> str:
        return " + ".join(t.name for t in self.tables)

    @property
    def area(self) -> str:
        return self.tables[0].area.name


COMBINE_AT_MOST = 4  # tables pushed together


def combinable_runs(tables: Iterable[Table], party_size: int,
                    usable: Callable[[Table], bool] = lambda _t: True) -> list[list[Table]]:
    """Runs of up to COMBINE_AT_MOST combinable neighbours (same area, next in position), each
    `usable`, whose seats together hold the party: from each table, the shortest such run."""
    by_area: dict[int, list[Table]] = {}
    for t in sorted(tables, key=lambda t: (t.area_id, t.position, t.name)):
        by_area.setdefault(t.area_id, []).append(t)
    runs = []
    for row in by_area.values():
        for i in range(len(row)):
            run: list[Table] = []
            for t in row[i:i + COMBINE_AT_MOST]:
                if not t.combinable or not usable(t):
                    break
                run.append(t)
                if len(run) > 1 and sum(x.max_seats for x in run) >= party_size:
                    runs.append(run)
                    break
    return runs


def seating_options(floor: Floor, party_size: int, preferred_area_id: int | None = None,
                    own_id: int | None = None, now: datetime | None = None, limit: int = 8,
                    minutes: int | None = None) -> list[Option]:
    """Free tables that fit: preferred area first, smallest fit first; then combinations of
    combinable neighbours (same area, next to each other) for parties no single table takes.
    A booking there that starts within the party's turn (`minutes`: its own expected turn; default
    the learned turn time for its size now) marks the option reserved."""
    now = now or clock.utcnow()
    until = now + timedelta(minutes=minutes or turntimes.minutes_for(party_size, now))

    def conflict(view: TableView) -> datetime | None:
        nb = view.next_booking
        if nb is not None and nb.id != own_id and nb.start_at < until:
            return nb.start_at
        return None

    def open_to_us(view: TableView) -> bool:
        """Free or reserved, and not held for another party already at the door."""
        return view.state in ("free", "reserved") and (view.at_door is None or view.at_door.id == own_id)

    free = [v for v in floor.tables if open_to_us(v)]

    def order(option: Option):
        return (option.reserved_at is not None, option.tables[0].area_id != preferred_area_id,
                option.seats, option.tables[0].position)

    singles = [Option([v.table], conflict(v)) for v in free if v.table.fits(party_size)]
    combos: list[Option] = []
    if not any(o.reserved_at is None for o in singles):
        views = floor.by_id()
        for run in combinable_runs([v.table for v in floor.tables], party_size, lambda t: open_to_us(views[t.id])):
            first = min((c for c in (conflict(views[t.id]) for t in run) if c), default=None)
            combos.append(Option(run, first))
    return sorted(singles, key=order)[:limit] + sorted(combos, key=order)[:limit]


def place_in_line(res: Reservation) -> int:
    """1 for the first waiting party of the day, 2 for the next, and so on."""
    ahead = db.session.scalar(sa.select(sa.func.count(Reservation.id)).where(
        Reservation.state == State.WAITING, Reservation.service_day == res.service_day,
        sa.or_(Reservation.created_at < res.created_at,
               sa.and_(Reservation.created_at == res.created_at, Reservation.id < res.id))))
    return (ahead or 0) + 1


@dataclass
class GuestWait:
    """What the waitlist guest's page shows: the phase (waiting, ready, seated or gone) and, while
    waiting, the place in line, the quote's deadline and the whole minutes left to it."""

    phase: str
    deadline: datetime
    place: int | None = None
    minutes_left: int = 0


def guest_wait(res: Reservation, now: datetime) -> GuestWait:
    """The guest's phase: waiting; called and at the door (ready); seated or gone home (seated);
    else no longer on the list (gone)."""
    deadline = res.created_at + timedelta(minutes=res.quoted_wait_minutes or 0)
    if res.state is State.WAITING:
        return GuestWait("waiting", deadline, place_in_line(res),
                         max(0, math.ceil((deadline - now).total_seconds() / 60)))
    if res.called_at and res.state in (State.ARRIVED, State.GREETED):
        return GuestWait("ready", deadline)
    if res.state in (State.SEATED, State.LEFT):
        return GuestWait("seated", deadline)
    return GuestWait("gone", deadline)


def by_guest_token(token: str) -> Reservation | None:
    """The party behind a waitlist guest's link, or None."""
    return db.session.scalar(sa.select(Reservation).where(Reservation.guest_token == token))
