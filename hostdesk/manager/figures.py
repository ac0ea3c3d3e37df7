"""Service figures for a period, per service and per host, computed in the database.

Counts and sums come from one GROUP BY (service, local hour, source). Medians and percentiles come
from PostgreSQL's percentile_cont over grouping sets; SQLite has no percentile function, so it
counts each duration to the whole second (a histogram of a few thousand rows) and the percentile
is read off that. An empty period gives "no data" (None), never a division by zero.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..auth.models import User
from ..extensions import db
from ..reservations.board import EXPECTED
from ..reservations.models import Reservation, Source, State
from ..settings import Settings
from .sqltime import LocalTime, seconds_between, whole
from .stats import Period, share, weighted_percentile
from .trends import bucket as trends_bucket
from .trends import greet_trend, step_of, trend_points

R = Reservation
OUTSIDE = -1  # the service index of a reservation outside every service's hours
TOTAL = "total"


@dataclass
class Spread:
    """A duration's figures in one group: how many, median, 90th percentile, how many within a limit."""

    count: int = 0
    median: float | None = None
    p90: float | None = None
    within: int = 0

    @classmethod
    def of_histogram(cls, histogram: Counter, limit: float | None = None) -> Spread:
        ordered = sorted(histogram.items())
        count = sum(histogram.values())
        within = sum(n for value, n in ordered if limit is not None and value <= limit)
        return cls(count, weighted_percentile(ordered, 0.5), weighted_percentile(ordered, 0.9), within)


@dataclass
class Group:
    """The figures of a set of reservations (a period, one service, one hour, one source or one host)."""

    parties: int = 0
    bookings: int = 0  # not walk-ins, not cancelled (no-shows count)
    covers_booked: int = 0
    covers_expected: int = 0  # counted as the host board counts "covers expected"
    covers_arrived: int = 0
    covers_walk_in: int = 0
    no_shows: int = 0
    covers_no_show: int = 0
    cancellations: int = 0
    covers_cancelled: int = 0
    bookings_arrived: int = 0
    late_arrivals: int = 0
    greet: Spread = field(default_factory=Spread)
    seat: Spread = field(default_factory=Spread)
    quoted: Spread = field(default_factory=Spread)  # minutes quoted to the waitlist
    waited: Spread = field(default_factory=Spread)  # minutes waited; `within` = called within the quote

    def add_counts(self, other: Group) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def greeted(self) -> int:
        return self.greet.count

    @property
    def greet_median(self) -> float | None:
        return self.greet.median

    @property
    def greet_p90(self) -> float | None:
        return self.greet.p90

    @property
    def greeted_within_target(self) -> float | None:
        return share(self.greet.within, self.greet.count)

    @property
    def seated(self) -> int:
        return self.seat.count

    @property
    def seat_median(self) -> float | None:
        return self.seat.median

    @property
    def seat_p90(self) -> float | None:
        return self.seat.p90

    @property
    def no_show_rate(self) -> float | None:
        return share(self.no_shows, self.bookings)

    @property
    def cancellation_rate(self) -> float | None:
        return share(self.cancellations, self.bookings + self.cancellations)

    @property
    def late_share(self) -> float | None:
        return share(self.late_arrivals, self.bookings_arrived)

    @property
    def quoted_wait_median(self) -> float | None:
        return self.quoted.median

    @property
    def actual_wait_median(self) -> float | None:
        return self.waited.median

    @property
    def waited_within_quote(self) -> float | None:
        return share(self.waited.within, self.waited.count)

    @property
    def empty(self) -> bool:
        return self.parties == 0


COUNTS = ("parties", "bookings", "covers_booked", "covers_expected", "covers_arrived", "covers_walk_in", "no_shows",
          "covers_no_show", "cancellations", "covers_cancelled", "bookings_arrived", "late_arrivals")


@dataclass
class HostFigures:
    name: str
    greeted: Group = field(default_factory=Group)
    seated: Group = field(default_factory=Group)


@dataclass
class TurnFigures:
    """Seated to left, in minutes, for the parties up to `largest` guests (None: every party)."""

    largest: int | None
    smallest: int
    expected_minutes: int | None
    spread: Spread


@dataclass
class ServiceFigures:
    period: Period
    total: Group
    services: list[tuple[str, Group]]
    hosts: list[HostFigures]
    hours: list[tuple[int, Group]] = field(default_factory=list)
    sources: list[tuple[Source, Group]] = field(default_factory=list)
    turns: list[TurnFigures] = field(default_factory=list)
    trend: tuple[str, list] = ("day", [])  # the time to greet per step of the period (trends.TrendPoint)


class Query:
    """The expressions of one period's queries, for the database in use."""

    def __init__(self, period: Period, settings: Settings):
        self.period, self.settings = period, settings
        self.postgres = db.engine.dialect.name == "postgresql"
        start, end = period.bounds(settings.zone, settings.boundary)
        self.local = LocalTime(db.engine.dialect.name, settings.zone, start, end)
        self.service = self.service_of(self.local.minute_of_day(R.start_at))
        self.in_period = R.service_day.between(period.start, period.end)

    def service_of(self, minute) -> sa.ColumnElement:
        """The index of the service whose hours hold the local minute of the day (OUTSIDE for none)."""
        whens = []
        for index, service in enumerate(self.settings.services):
            first, last = minutes(service["start"]), minutes(service["end"])
            inside = sa.and_(minute >= first, minute < last) if first < last else sa.or_(minute >= first,
                                                                                        minute < last)
            whens.append((inside, index))
        return sa.case(*whens, else_=OUTSIDE) if whens else sa.literal(OUTSIDE)

    def seconds(self, start, end) -> sa.ColumnElement:
        return seconds_between(start, end, self.postgres)

    # --- counts ------------------------------------------------------------------------------------
    def counts(self) -> list[tuple[int, int, Source, Group]]:
        booked = sa.and_(R.source != Source.WALK_IN, R.state != State.CANCELLED)
        came = R.arrived_at.is_not(None)
        walk_in = R.source == Source.WALK_IN
        late = sa.and_(R.source != Source.WALK_IN, came,
                       whole(self.seconds(R.start_at, R.arrived_at)) > self.settings.late_after_minutes * 60)

        def total(condition, value=1):
            return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

        hour = self.local.hour(R.start_at)
        stmt = sa.select(
            self.service.label("service"), hour.label("hour"), R.source, sa.func.count(),
            total(booked), total(booked, R.party_size), total(R.state.in_(EXPECTED), R.party_size),
            total(came, R.party_size), total(sa.and_(came, walk_in), R.party_size),
            total(R.state == State.NO_SHOW), total(R.state == State.NO_SHOW, R.party_size),
            total(sa.and_(R.state == State.CANCELLED, ~walk_in)),
            total(sa.and_(R.state == State.CANCELLED, ~walk_in), R.party_size),
            total(sa.and_(came, ~walk_in)), total(late),
        ).where(self.in_period).group_by(sa.literal_column("service"), sa.literal_column("hour"), R.source)
        result = []
        for service, hour_, source, *values in db.session.execute(stmt):
            result.append((int(service), int(hour_), source, Group(**dict(zip(COUNTS, map(int, values), strict=True)))))
        return result

    # --- spreads -----------------------------------------------------------------------------------
    def spreads(self, value, who, limit: float | None, where=()) -> dict[object, Spread]:
        """A duration's spread for the total (TOTAL), each service (index) and each person (("who", id))."""
        conditions = (self.in_period, value.is_not(None), *where)
        within = sa.literal(limit if limit is not None else -1.0)
        if self.postgres:
            inner = sa.select(self.service.label("service"), who.label("who"), value.label("v")).where(
                *conditions).subquery()
            v = inner.c.v
            stmt = sa.select(
                sa.func.grouping(inner.c.service, inner.c.who), inner.c.service, inner.c.who, sa.func.count(v),
                sa.func.percentile_cont(0.5).within_group(v), sa.func.percentile_cont(0.9).within_group(v),
                sa.func.coalesce(sa.func.sum(sa.case((v <= within, 1), else_=0)), 0),
            ).group_by(sa.func.grouping_sets(sa.tuple_(inner.c.service), sa.tuple_(inner.c.who), sa.text("()")))
            result: dict[object, Spread] = {}
            for grouping, service, person, count, median, p90, inside in db.session.execute(stmt):
                spread = Spread(int(count), _float(median), _float(p90), int(inside))
                key = TOTAL if grouping == 3 else service if grouping == 1 else ("who", person)
                result[key] = spread
            return result
        stmt = (sa.select(self.service.label("service"), who.label("who"), whole(value).label("v"), sa.func.count())
                .where(*conditions)
                .group_by(sa.literal_column("service"), sa.literal_column("who"), sa.literal_column("v")))
        histograms: dict[object, Counter] = defaultdict(Counter)
        for service, person, v, count in db.session.execute(stmt):
            for key in (TOTAL, service, ("who", person)):
                histograms[key][v] += count
        return {key: Spread.of_histogram(histogram, limit) for key, histogram in histograms.items()}

    def waits(self) -> tuple[dict[object, Spread], dict[object, Spread]]:
        """The waitlist: minutes quoted and minutes waited, per service and in total."""
        waited = self.seconds(R.created_at, R.called_at) / 60.0
        conditions = (self.in_period, R.quoted_wait_minutes.is_not(None), R.called_at.is_not(None))
        if self.postgres:
            inner = sa.select(self.service.label("service"), R.quoted_wait_minutes.label("quoted"),
                              waited.label("waited")).where(*conditions).subquery()
            c = inner.c
            stmt = sa.select(
                sa.func.grouping(c.service), c.service, sa.func.count(),
                sa.func.percentile_cont(0.5).within_group(c.quoted),
                sa.func.percentile_cont(0.5).within_group(c.waited),
                sa.func.coalesce(sa.func.sum(sa.case((c.waited <= c.quoted, 1), else_=0)), 0),
            ).group_by(sa.func.grouping_sets(sa.tuple_(c.service), sa.text("()")))
            quoted, actual = {}, {}
            for grouping, service, count, quoted_median, waited_median, inside in db.session.execute(stmt):
                key = TOTAL if grouping == 1 else service
                quoted[key] = Spread(int(count), _float(quoted_median))
                actual[key] = Spread(int(count), _float(waited_median), within=int(inside))
            return quoted, actual
        seconds = whole(self.seconds(R.created_at, R.called_at))
        stmt = (sa.select(self.service.label("service"), R.quoted_wait_minutes, seconds.label("v"), sa.func.count())
                .where(*conditions)
                .group_by(sa.literal_column("service"), R.quoted_wait_minutes, sa.literal_column("v")))
        quoted_h: dict[object, Counter] = defaultdict(Counter)
        waited_h: dict[object, Counter] = defaultdict(Counter)
        inside_n: Counter = Counter()
        for service, quoted_minutes, v, count in db.session.execute(stmt):
            for key in (TOTAL, service):
                quoted_h[key][quoted_minutes] += count
                waited_h[key][v / 60] += count
                inside_n[key] += count if v <= quoted_minutes * 60 else 0
        quoted = {key: Spread.of_histogram(h) for key, h in quoted_h.items()}
        actual = {key: Spread(s.count, s.median, s.p90, inside_n[key])
                  for key, s in ((key, Spread.of_histogram(h)) for key, h in waited_h.items())}
        return quoted, actual

    def size_row(self, party_size) -> sa.ColumnElement:
        """The index of the settings' durations row a party size falls in."""
        durations = self.settings.durations
        whens = [(party_size <= largest, index) for index, (largest, _) in enumerate(durations[:-1])]
        return sa.case(*whens, else_=len(durations) - 1) if whens else sa.literal(0)

    def turn_rows(self, spreads: dict[object, Spread]) -> list[TurnFigures]:
        rows, smallest = [], 1
        durations = self.settings.durations
        for index, (largest, expected) in enumerate(durations):
            last = index == len(durations) - 1
            rows.append(TurnFigures(None if last else largest, smallest, expected, spreads.get(index, Spread())))
            smallest = largest + 1
        rows.append(TurnFigures(None, 1, None, spreads.get(TOTAL, Spread())))
        return rows

    def turns(self) -> list[TurnFigures]:
        """Seated to left in minutes, per party-size row of the settings' durations and in total."""
        bucket = self.size_row(R.party_size)
        minutes_ = self.seconds(R.seated_at, R.left_at) / 60.0
        conditions = (self.in_period, R.seated_at.is_not(None), R.left_at.is_not(None))
        spreads: dict[object, Spread] = {}
        if self.postgres:
            inner = sa.select(bucket.label("bucket"), minutes_.label("v")).where(*conditions).subquery()
            stmt = sa.select(sa.func.grouping(inner.c.bucket), inner.c.bucket, sa.func.count(),
                             sa.func.percentile_cont(0.5).within_group(inner.c.v),
                             sa.func.percentile_cont(0.9).within_group(inner.c.v)
                             ).group_by(sa.func.grouping_sets(sa.tuple_(inner.c.bucket), sa.text("()")))
            for grouping, index, count, median, p90 in db.session.execute(stmt):
                spreads[TOTAL if grouping == 1 else index] = Spread(int(count), _float(median), _float(p90))
        else:
            stmt = (sa.select(bucket.label("bucket"), whole(minutes_).label("v"), sa.func.count())
                    .where(*conditions).group_by(sa.literal_column("bucket"), sa.literal_column("v")))
            histograms: dict[object, Counter] = defaultdict(Counter)
            for index, v, count in db.session.execute(stmt):
                histograms[index][v] += count
                histograms[TOTAL][v] += count
            spreads = {key: Spread.of_histogram(h) for key, h in histograms.items()}
        return self.turn_rows(spreads)

    # --- SQLite: everything from one pass over the period's rows ------------------------------------
    def sqlite_scan(self, trend_step: str) -> Scan:
        """One statement: the period's rows are read once into a narrow temporary table (a MATERIALIZED
        CTE: each time conversion done once per row), and every GROUP BY reads that."""
        julian = sa.func.julianday
        base = sa.select(
            self.local.minute_of_day(R.start_at).label("minute"), sa.cast(R.source, sa.String).label("source"),
            sa.cast(R.state, sa.String).label("state"), R.party_size.label("size"),
            R.greeted_by_id.label("greeter"), R.seated_by_id.label("seater"), R.quoted_wait_minutes.label("q"),
            julian(R.start_at).label("j_start"), julian(R.created_at).label("j_created"),
            julian(R.arrived_at).label("j_arrived"), julian(R.greeted_at).label("j_greeted"),
            julian(R.seated_at).label("j_seated"), julian(R.left_at).label("j_left"),
            julian(R.called_at).label("j_called"), trends_bucket(R.service_day, trend_step).label("step"),
        ).where(self.in_period).cte("base").prefix_with("MATERIALIZED")
        c = base.c

        def whole_between(start, end, unit: float = 86400.0):
            """Whole seconds (or minutes) from start to end, never below zero; NULL when either is."""
            return sa.cast(sa.func.round(sa.func.max((end - start) * unit, 0.0)), sa.Integer)

        came = c.j_arrived.is_not(None)
        g, s_ = whole_between(c.j_arrived, c.j_greeted), whole_between(c.j_arrived, c.j_seated)
        w = sa.case((c.q.is_not(None), whole_between(c.j_created, c.j_called)))
        t = whole_between(c.j_seated, c.j_left, 1440.0)
        late = sa.case((sa.and_(c.source != Source.WALK_IN.value, came, whole_between(c.j_start, c.j_arrived)
                                > self.settings.late_after_minutes * 60), 1), else_=0)
        service = self.service_of(c.minute)
        booked = sa.and_(c.source != Source.WALK_IN.value, c.state != State.CANCELLED.value)
        walk_in = c.source == Source.WALK_IN.value
        cancelled = sa.and_(c.state == State.CANCELLED.value, ~walk_in)

        def total(condition, value=1):
            return sa.func.sum(sa.case((condition, value), else_=0))

        def branch(kind: str, keys, where=(), values=()):
            keys = list(keys) + [sa.null()] * (3 - len(keys))
            values = list(values) + [sa.null()] * (len(COUNTS) - 1 - len(values))
            grouped = [k for k in keys if not isinstance(k, sa.sql.elements.Null)]
            return (sa.select(sa.literal_column(f"'{kind}'"), *keys, sa.func.count(), *values)
                    .select_from(base).where(*where).group_by(*grouped))

        expected = c.state.in_([s.value for s in EXPECTED])
        branches = [
            branch("c", (service, c.minute // 60, c.source), values=(
                total(booked), total(booked, c.size), total(expected, c.size), total(came, c.size),
                total(sa.and_(came, walk_in), c.size), total(c.state == State.NO_SHOW.value),
                total(c.state == State.NO_SHOW.value, c.size), total(cancelled), total(cancelled, c.size),
                total(sa.and_(came, ~walk_in)), sa.func.sum(late))),
            branch("g", (service, c.greeter, g), (c.j_greeted.is_not(None), came)),
            branch("s", (service, c.seater, s_), (c.j_seated.is_not(None), came)),
            branch("w", (service, c.q, w), (c.q.is_not(None), c.j_called.is_not(None))),
            branch("t", (self.size_row(c.size), t), (c.j_seated.is_not(None), c.j_left.is_not(None))),
            branch("d", (c.step, g), (c.j_greeted.is_not(None), came)),
        ]
        scan = Scan()
        limit = self.settings.greet_red_seconds
        greet: dict[object, Counter] = defaultdict(Counter)
        seat: dict[object, Counter] = defaultdict(Counter)
        quoted: dict[object, Counter] = defaultdict(Counter)
        waited_h: dict[object, Counter] = defaultdict(Counter)
        inside: Counter = Counter()
        turns: dict[object, Counter] = defaultdict(Counter)
        for kind, k1, k2, k3, n, *values in db.session.execute(sa.union_all(*branches)):
            if kind == "c":
                group = Group(**dict(zip(COUNTS, [n] + [int(v or 0) for v in values], strict=True)))
                scan.counts.append((int(k1), int(k2), Source(k3), group))
            elif kind in ("g", "s"):
                for key in (TOTAL, k1, ("who", k2)):
                    (greet if kind == "g" else seat)[key][k3] += n
            elif kind == "w":
                for key in (TOTAL, k1):
                    quoted[key][k2] += n
                    waited_h[key][k3 / 60] += n
                    inside[key] += n if k3 <= k2 * 60 else 0
            elif kind == "t":
                turns[k1][k2] += n
                turns[TOTAL][k2] += n
            else:
                scan.trend[_as_date(k1)][k2] += n
        scan.greet = {key: Spread.of_histogram(h, limit) for key, h in greet.items()}
        scan.seat = {key: Spread.of_histogram(h) for key, h in seat.items()}
        scan.quoted = {key: Spread.of_histogram(h) for key, h in quoted.items()}
        scan.waited = {key: Spread(sp.count, sp.median, sp.p90, inside[key])
                       for key, sp in ((key, Spread.of_histogram(h)) for key, h in waited_h.items())}
        scan.turns = self.turn_rows({key: Spread.of_histogram(h) for key, h in turns.items()})
        return scan


@dataclass
class Scan:
    """What SQLite's one pass gives: the counts, the spreads and the greeting trend's histograms."""

    counts: list[tuple[int, int, Source, Group]] = field(default_factory=list)
    greet: dict[object, Spread] = field(default_factory=dict)
    seat: dict[object, Spread] = field(default_factory=dict)
    quoted: dict[object, Spread] = field(default_factory=dict)
    waited: dict[object, Spread] = field(default_factory=dict)
    turns: list[TurnFigures] = field(default_factory=list)
    trend: dict[date, Counter] = field(default_factory=lambda: defaultdict(Counter))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _float(value) -> float | None:
    return None if value is None else float(value)


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def _named(people: Iterable[int]) -> dict[int, str]:
    people = [p for p in people if p is not None]
    if not people:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(people))).all())


def service_figures(period: Period, settings: Settings, detail: bool = True) -> ServiceFigures:
    """The period's figures; without `detail` only the totals (for a comparison)."""
    q = Query(period, settings)
    total = Group()
    services: dict[int, Group] = defaultdict(Group)
    hours: dict[int, Group] = defaultdict(Group)
    sources: dict[Source, Group] = defaultdict(Group)
    step = step_of(period)
    if q.postgres:
        counts = q.counts()
        greet = q.spreads(q.seconds(R.arrived_at, R.greeted_at), R.greeted_by_id, settings.greet_red_seconds)
        seat = q.spreads(q.seconds(R.arrived_at, R.seated_at), R.seated_by_id, None)
        quoted, waited = q.waits()
        turns = q.turns() if detail else []
        trend = greet_trend(period, settings)[1] if detail else []
    else:
        scan = q.sqlite_scan(step)
        counts, greet, seat, quoted, waited, turns = (scan.counts, scan.greet, scan.seat, scan.quoted, scan.waited,
                                                      scan.turns)
        trend = trend_points(period, step, {key: (weighted_percentile(sorted(h.items()), 0.5), float(sum(h.values())))
                                            for key, h in scan.trend.items()})
    for service, hour, source, group in counts:
        total.add_counts(group)
        services[service].add_counts(group)
        hours[hour].add_counts(group)
        sources[source].add_counts(group)
    for key, group in [(TOTAL, total), *services.items()]:
        group.greet, group.seat = greet.get(key, Spread()), seat.get(key, Spread())
        group.quoted, group.waited = quoted.get(key, Spread()), waited.get(key, Spread())
    if not detail:
        return ServiceFigures(period, total, [], [])
    named: list[tuple[str, Group]] = [(s["name"], services.get(i, Group())) for i, s in enumerate(settings.services)]
    if OUTSIDE in services:
        named.append(("", services[OUTSIDE]))  # outside the services' hours
    people = {key[1] for key in (*greet, *seat) if isinstance(key, tuple) and key[1] is not None}
    names = _named(people)
    hosts = [HostFigures(names.get(uid, "?"), Group(greet=greet.get(("who", uid), Spread())),
                         Group(seat=seat.get(("who", uid), Spread()))) for uid in people]
    hosts.sort(key=lambda h: h.name.lower())
    return ServiceFigures(period, total, named, hosts, hours=sorted(hours.items()),
                          sources=[(s, sources[s]) for s in Source if s in sources], turns=turns,
                          trend=(step, trend))
