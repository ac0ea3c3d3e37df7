"""Service figures for a period, per service and per host, from the period's facts (manager/facts.py).

Counts and sums per (service, local hour, source) and histograms of whole seconds or minutes come
from the stored days and the days read live (manager/rollup.py); medians and percentiles are read
off the summed histograms. An empty period gives "no data" (None), never a division by zero.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..auth.models import User
from ..extensions import db
from ..reservations.models import Source
from ..settings import Settings
from .facts import COUNTS, OUTSIDE, Facts
from .planning import QuoteFigures, quote_figures
from .rollup import period_facts
from .stats import Period, share, weighted_percentile
from .trends import step_of, trend_points

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
    quotes: list[QuoteFigures] = field(default_factory=list)  # the waitlist's quotes by kind


def size_row(size: int, settings: Settings) -> int:
    """The index of the settings' durations row a party size falls in."""
    durations = settings.durations
    for index, (largest, _) in enumerate(durations[:-1]):
        if size <= largest:
            return index
    return max(len(durations) - 1, 0)


def turn_rows(spreads: dict[object, Spread], settings: Settings) -> list[TurnFigures]:
    rows, smallest = [], 1
    durations = settings.durations
    for index, (largest, expected) in enumerate(durations):
        last = index == len(durations) - 1
        rows.append(TurnFigures(None if last else largest, smallest, expected, spreads.get(index, Spread())))
        smallest = largest + 1
    rows.append(TurnFigures(None, 1, None, spreads.get(TOTAL, Spread())))
    return rows


def _spreads(facts: Facts, by_service: str, by_person: str, limit: float | None) -> dict[object, Spread]:
    """A duration's spread in total (TOTAL), per service (index) and per person (("who", id))."""
    result = {TOTAL: Spread.of_histogram(facts.total(by_service), limit)} if facts.hist.get(by_service) else {}
    result.update({key: Spread.of_histogram(h, limit) for key, h in facts.hist.get(by_service, {}).items()})
    result.update({("who", key): Spread.of_histogram(h, limit) for key, h in facts.hist.get(by_person, {}).items()})
    return result


def _in_minutes(seconds: Counter) -> Counter:
    return Counter({value / 60: n for value, n in seconds.items()})


def _waits(facts: Facts) -> tuple[dict[object, Spread], dict[object, Spread]]:
    """The waitlist: minutes quoted and minutes waited (and how many within the quote), per service and in total."""
    quoted_h = dict(facts.hist.get("wq", {}))
    waited_h = {key: _in_minutes(h) for key, h in facts.hist.get("ww", {}).items()}
    inside = {key: h.get(1, 0) for key, h in facts.hist.get("wi", {}).items()}
    if quoted_h:
        quoted_h[TOTAL] = facts.total("wq")
        waited_h[TOTAL] = _in_minutes(facts.total("ww"))
        inside[TOTAL] = sum(inside.values())
    quoted = {key: Spread.of_histogram(h) for key, h in quoted_h.items()}
    waited = {key: Spread(sp.count, sp.median, sp.p90, inside.get(key, 0))
              for key, sp in ((key, Spread.of_histogram(h)) for key, h in waited_h.items())}
    return quoted, waited


def _turns(facts: Facts, settings: Settings) -> list[TurnFigures]:
    """Seated to left in minutes, per party-size row of the settings' durations and in total."""
    histograms: dict[object, Counter] = defaultdict(Counter)
    for size, histogram in facts.hist.get("t", {}).items():
        histograms[size_row(size, settings)].update(histogram)
        histograms[TOTAL].update(histogram)
    return turn_rows({key: Spread.of_histogram(h) for key, h in histograms.items()}, settings)


def _named(people: Iterable[int]) -> dict[int, str]:
    people = [p for p in people if p is not None]
    if not people:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(people))).all())


def service_figures(period: Period, settings: Settings, detail: bool = True, stored: bool = True
                    ) -> ServiceFigures:
    """The period's figures; without `detail` only the totals (for a comparison). `stored=False` reads
    every day from the reservations instead of the stored days (rollup.py), which must give the same."""
    step = step_of(period)
    found = period_facts(period, settings, step, stored=stored)
    facts = found.facts
    total = Group()
    services: dict[int, Group] = defaultdict(Group)
    hours: dict[int, Group] = defaultdict(Group)
    sources: dict[Source, Group] = defaultdict(Group)
    for (service, hour, source), values in facts.counts.items():
        group = Group(**dict(zip(COUNTS, values, strict=True)))
        total.add_counts(group)
        services[service].add_counts(group)
        hours[hour].add_counts(group)
        sources[Source(source)].add_counts(group)
    greet = _spreads(facts, "gs", "gw", settings.greet_red_seconds)
    seat = _spreads(facts, "ss", "sw", None)
    quoted, waited = _waits(facts)
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
    trend = trend_points(period, step, {key: (weighted_percentile(sorted(h.items()), 0.5), float(sum(h.values())))
                                        for key, h in found.steps.items() if h})
    return ServiceFigures(period, total, named, hosts, hours=sorted(hours.items()),
                          sources=[(s, sources[s]) for s in Source if s in sources], turns=_turns(facts, settings),
                          trend=(step, trend), quotes=quote_figures(facts))
