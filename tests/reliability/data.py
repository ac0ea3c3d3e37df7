"""Rows for the reliability and security tests, written and committed directly (no HTTP)."""
from __future__ import annotations

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.models import Assignment, Reservation, Source, State
from hostdesk.settings import get_settings


def add_tables(app, count: int, area: str = "main", prefix: str = "T", seats: int = 8) -> list[int]:
    with app.app_context():
        room = db.session.scalar(sa.select(Area).where(Area.name == area))
        if room is None:
            room = Area(name=area, position=1)
            db.session.add(room)
        tables = [Table(name=f"{prefix}{n}", area=room, min_seats=1, max_seats=seats, position=n)
                  for n in range(1, count + 1)]
        db.session.add_all(tables)
        db.session.commit()
        return [t.id for t in tables]


def add_parties(app, count: int, state: State = State.ARRIVED, prefix: str = "Party", size: int = 2) -> list[int]:
    with app.app_context():
        s = get_settings()
        now = clock.utcnow()
        day = clock.service_day(now, s.zone, s.boundary)
        parties = [Reservation(name=f"{prefix} {n}", party_size=size, start_at=now, service_day=day,
                               duration_minutes=s.duration_for(size), state=state, source=Source.PHONE,
                               created_at=now, arrived_at=now if state is State.ARRIVED else None)
                   for n in range(1, count + 1)]
        db.session.add_all(parties)
        db.session.commit()
        return [p.id for p in parties]


def open_seatings(app, table_id: int | None = None) -> int:
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(Assignment).where(Assignment.occupied.is_(True))
        if table_id is not None:
            stmt = stmt.where(Assignment.table_id == table_id)
        return db.session.scalar(stmt)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audit_count(app, action: str | None = None, subject_id: int | None = None) -> int:
    where = []
    if action:
        where.append(AuditEntry.action == action)
    if subject_id is not None:
        where.append(AuditEntry.subject_id == subject_id)
    return count(app, AuditEntry, *where)


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
                for t in db.metadata.sorted_tables}
