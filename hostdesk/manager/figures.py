"""Service figures from the recorded timestamps of reservations: per period, service and host.

One query reads the period's reservations (a handful of columns, by the service-day index);
the figures are computed from those rows, so an empty period gives "no data" (None), never
a division by zero.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..auth.models import User
from ..extensions import db
from ..reservations.models import Reservation, Source, State
from ..settings import Settings
from .stats import Period, median, p90, seconds, service_of, share

GREET_TARGET_SECONDS = 60
COLUMNS = (Reservation.id, Reservation.service_day, Reservation.start_at, Reservation.party_size, Reservation.source,
           Reservation.state, Reservation.created_at, Reservation.arrived_at, Reservation.greeted_at,
           Reservation.greeted_by_id, Reservation.seated_at, Reservation.seated_by_id, Reservation.called_at,
           Reservation.quoted_wait_minutes)


@dataclass
class Group:
    """The figures of a set of reservations (a period, one service, or one host)."""

    parties: int = 0
    greet_seconds: list[float] = field(default_factory=list)
    seat_seconds: list[float] = field(default_factory=list)
    bookings: int = 0
    covers_booked: int = 0
    covers_arrived: int = 0
    covers_walk_in: int = 0
    no_shows: int = 0
    covers_no_show: int = 0
    waits: list[tuple[int, float]] = field(default_factory=list)  # (quoted minutes, actual minutes)

    def add(self, row) -> None:
        self.parties += 1
        greet = seconds(row.arrived_at, row.greeted_at)
        if greet is not None:
            self.greet_seconds.append(greet)
        seat = seconds(row.arrived_at, row.seated_at)
        if seat is not None:
            self.seat_seconds.append(seat)
        walk_in = row.source is Source.WALK_IN
        if not walk_in and row.state is not State.CANCELLED:
            self.bookings += 1
            self.covers_booked += row.party_size
        if row.arrived_at is not None:
            self.covers_arrived += row.party_size
            if walk_in:
                self.covers_walk_in += row.party_size
        if row.state is State.NO_SHOW:
            self.no_shows += 1
            self.covers_no_show += row.party_size
        if row.quoted_wait_minutes is not None and row.called_at is not None:
            waited = seconds(row.created_at, row.called_at) / 60
            self.waits.append((row.quoted_wait_minutes, waited))

    # --- the figures -----------------------------------------------------------------------------
    @property
    def greet_median(self) -> float | None:
        return median(self.greet_seconds)

    @property
    def greet_p90(self) -> float | None:
        return p90(self.greet_seconds)

    @property
    def greeted_within_target(self) -> float | None:
        within = sum(1 for s in self.greet_seconds if s <= GREET_TARGET_SECONDS)
        return share(within, len(self.greet_seconds))

    @property
    def seat_median(self) -> float | None:
        return median(self.seat_seconds)

    @property
    def seat_p90(self) -> float | None:
        return p90(self.seat_seconds)

    @property
    def no_show_rate(self) -> float | None:
        return share(self.no_shows, self.bookings)

    @property
    def quoted_wait_median(self) -> float | None:
        return median([quoted for quoted, _ in self.waits])

    @property
    def actual_wait_median(self) -> float | None:
        return median([actual for _, actual in self.waits])

    @property
    def waited_within_quote(self) -> float | None:
        return share(sum(1 for quoted, actual in self.waits if actual <= quoted), len(self.waits))

    @property
    def empty(self) -> bool:
        return self.parties == 0


@dataclass
class HostFigures:
    name: str
    greeted: Group = field(default_factory=Group)
    seated: Group = field(default_factory=Group)


@dataclass
class ServiceFigures:
    period: Period
    total: Group
    services: list[tuple[str, Group]]
    hosts: list[HostFigures]


def reservation_rows(period: Period):
    stmt = (sa.select(*COLUMNS).where(Reservation.service_day.between(period.start, period.end))
            .order_by(Reservation.start_at, Reservation.id))
    return db.session.execute(stmt).all()


def service_figures(period: Period, settings: Settings) -> ServiceFigures:
    rows = reservation_rows(period)
    total = Group()
    by_service: dict[str | None, Group] = {s["name"]: Group() for s in settings.services}
    by_greeter: dict[int, Group] = defaultdict(Group)
    by_seater: dict[int, Group] = defaultdict(Group)
    for row in rows:
        total.add(row)
        name = service_of(row.start_at, settings.services, settings.zone)
        by_service.setdefault(name, Group()).add(row)
        if row.greeted_by_id is not None:
            by_greeter[row.greeted_by_id].add(row)
        if row.seated_by_id is not None:
            by_seater[row.seated_by_id].add(row)
    people = set(by_greeter) | set(by_seater)
    names = dict(db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(people))).all()) \
        if people else {}
    hosts = [HostFigures(names.get(uid, "?"), by_greeter.get(uid, Group()), by_seater.get(uid, Group()))
             for uid in people]
    hosts.sort(key=lambda h: h.name.lower())
    services = [(name, group) for name, group in by_service.items() if name is not None]
    if None in by_service:
        services.append(("", by_service[None]))  # outside the services' hours
    return ServiceFigures(period, total, services, hosts)
