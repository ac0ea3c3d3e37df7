"""The online page's view of availability: the timeline's functions (reservations/availability.py)
over the tables the manager opened for online booking. A thin adapter, no availability rules of its own."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from ..extensions import db
from ..floor.models import Table
from ..reservations import availability
from ..reservations.models import Reservation
from ..reservations.queries import day_of
from ..settings import Settings, get_settings

NEAR = 4  # free times offered after a time that was taken (and as many before)


def online_tables(s: Settings | None = None) -> list[Table]:
    """Active tables bookable online: those of the chosen areas and the chosen tables; every active
    table when the manager chose none."""
    s = s or get_settings()
    stmt = sa.select(Table).where(Table.active.is_(True))
    if s.online_area_ids or s.online_table_ids:
        stmt = stmt.where(sa.or_(Table.area_id.in_(s.online_area_ids), Table.id.in_(s.online_table_ids)))
    return list(db.session.scalars(stmt.order_by(Table.area_id, Table.position, Table.name)))


def bookable_times(day: date, party_size: int, own: Reservation | None = None) -> list[datetime]:
    return availability.bookable_times(day, party_size, tables=online_tables(), own_id=own.id if own else None)


def fit_or_nearest(start: datetime, party_size: int,
                   own: Reservation | None = None) -> tuple[list[int], list[datetime]]:
    """The smallest free fit at `start` (within pacing) as table ids, and no times; else no tables and
    the free times closest to `start` on its day: up to NEAR before and NEAR after, in order. One
    read of the day's parties serves both."""
    own_id = own.id if own else None
    tables = online_tables()
    day = day_of(start)
    busy = availability.Busy.load(day, tables=tables)
    times = availability.bookable_times(day, party_size, tables=tables, own_id=own_id, busy=busy)
    if start in times:
        options = availability.free_options(start, party_size, own_id=own_id, tables=tables, busy=busy)
        if options:
            return [t.id for t in options[0].tables], []
    return [], [t for t in times if t < start][-NEAR:] + [t for t in times if t > start][:NEAR]
