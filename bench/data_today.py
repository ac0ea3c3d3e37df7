"""Today's board for the benchmark: lunch and dinner in every state, as the host sees it now."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa

from .data_reservations import (
    DINNER,
    LUNCH,
    SIZE_WEIGHTS,
    SIZES,
    _blank,
    _extras,
    _name,
    _pick_guest,
    _tables_for,
    _walk_through,
    next_id,
)
from .generate import Counts, Scale, bulk

UTC = timezone.utc
# Share of today's reservations in each state (the rest is booked: the parties the simulated tablets tap).
SHARES = {"left": 0.20, "no_show": 0.03, "cancelled": 0.05, "seated": 0.13, "greeted": 0.02, "arrived": 0.03,
          "waiting": 0.02}


def quotas(total: int, tables: int) -> dict[str, int]:
    """How many parties of each state: every state at least once when there is room."""
    q = {state: max(1, round(total * share)) for state, share in SHARES.items()}
    q["seated"] = min(q["seated"], tables)
    q["booked"] = max(1, total - sum(q.values()))
    while sum(q.values()) > total:  # a tiny board: trim the largest shares
        q[max(q, key=q.get)] -= 1
    return q


def make_today(rng: random.Random, scale: Scale, now: datetime, tables: list[dict], users: dict,
               counts: Counts) -> list[int]:
    """`scale.today` reservations on today's service day; returns the ids of the booked ones."""
    from hostdesk import clock
    from hostdesk.reservations.models import Assignment, BoardVersion, Reservation, ShiftNote
    from hostdesk.settings import get_settings

    s = get_settings()
    day = clock.service_day(now, s.zone, s.boundary)
    offset = datetime.combine(day, time(12), tzinfo=s.zone).utcoffset()
    hosts = users["host"]
    first = next_id(Reservation)
    q = quotas(scale.today, len(tables))
    walkins = q.pop("waiting")
    booked_count = q.pop("booked")
    slots = sorted(rng.choice(LUNCH) if i % 10 < 3 else rng.choice(DINNER) for i in range(scale.today - walkins))
    order = [st for st in ("left", "no_show", "cancelled", "seated", "greeted", "arrived") for _ in range(q[st])]
    order += ["booked"] * booked_count
    free_tables = [t["id"] for t in tables]
    rng.shuffle(free_tables)
    rows, assignments, booked = [], [], []
    for i, (slot, target) in enumerate(zip(slots, order, strict=True)):
        start = datetime.combine(day, slot, tzinfo=UTC) - offset
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        row = _blank(first + i, day, start, size, _pick_guest(rng, scale), _name(rng))
        _extras(rng, row)
        row["source"] = "phone" if row["source"] == "walk_in" else row["source"]
        row["created_at"] = min(row["created_at"], now - timedelta(hours=2))
        if target in ("left", "seated", "greeted", "arrived"):
            back = {"left": rng.randint(130, 400), "seated": rng.randint(5, 100), "greeted": rng.randint(1, 5),
                    "arrived": 0}[target]
            arrived = now - timedelta(minutes=back, seconds=rng.randint(0, 100))
            _walk_through(rng, row, hosts, arrived, target)
            if target == "left":
                row["left_at"] = row["changed_at"] = min(row["left_at"], now - timedelta(minutes=2))
        if target in ("no_show", "cancelled"):
            closed = now - timedelta(minutes=rng.randint(10, 300))
            row.update(state=target, previous_state="booked", closed_at=closed, changed_at=closed,
                       changed_by_id=rng.choice(hosts))
        if target == "seated":
            table = free_tables.pop()
            row["party_size"] = min(row["party_size"], next(t for t in tables if t["id"] == table)["max_seats"])
            assignments.append({"reservation_id": row["id"], "table_id": table, "occupied": True})
        elif target in ("left", "booked") and rng.random() < 0.7:
            for table_id in _tables_for(rng, tables, size):
                assignments.append({"reservation_id": row["id"], "table_id": table_id, "occupied": False})
        if target == "booked":
            booked.append(row["id"])
        rows.append(row)
    for _ in range(walkins):
        created = now - timedelta(minutes=rng.randint(1, 25))
        row = _blank(first + len(rows), day, created, rng.choice((2, 2, 3, 4)), None, _name(rng))
        row.update(source="walk_in", state="waiting", created_at=created, created_by_id=rng.choice(hosts),
                   quoted_wait_minutes=rng.choice((15, 20, 30)))
        rows.append(row)
    bulk(Reservation, rows, counts)
    bulk(Assignment, assignments, counts)
    bulk(ShiftNote, [{"id": 1, "service_day": day, "text": "Groep van 12 om 19:30 aan tafel 7+8; keuken krap op vis.",
                      "created_at": now - timedelta(hours=3), "created_by_id": users["manager"][0],
                      "dismissed_at": None, "dismissed_by_id": None}], counts)
    bulk(BoardVersion, [{"id": 1, "version": 1}], counts)
    return booked


def finish_guests(counts: Counts) -> None:
    """Each guest's visits and last visit, from the history just written (returning guests)."""
    from hostdesk.extensions import db
    from hostdesk.reservations.models import Guest, Reservation

    seated = sa.and_(Reservation.guest_id == Guest.id, Reservation.seated_at.is_not(None),
                     Reservation.state.in_(("seated", "left")))
    db.session.execute(sa.update(Guest).values(
        visits=sa.select(sa.func.count()).where(seated).scalar_subquery(),
        last_visit_at=sa.select(sa.func.max(Reservation.seated_at)).where(seated).scalar_subquery(),
    ).execution_options(synchronize_session=False))
    db.session.commit()


def booked_today(day) -> list[int]:
    """The ids of today's booked parties (the ones the simulated tablets tap)."""
    from hostdesk.extensions import db
    from hostdesk.reservations.models import Reservation

    return list(db.session.scalars(sa.select(Reservation.id).where(
        Reservation.service_day == day, Reservation.state == "booked").order_by(Reservation.id)))
