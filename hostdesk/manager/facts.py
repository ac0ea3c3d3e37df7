"""What a set of service days holds, from one SQL statement over their reservations, grouped by day.

Counts per (service, local hour, source), and histograms of whole seconds or minutes: time to greet and
to seat per service and per host, turn time per party size, the waitlist's quoted and actual waits. A
median or percentile over any number of days is exact from the summed histograms, so the stored days
(manager/rollup.py) and the days read live give the same figures.
"""
from __future__ import annotations

import base64
import json
import sys
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from operator import add

import sqlalchemy as sa

from ..extensions import db
from ..reservations.board import EXPECTED
from ..reservations.models import Reservation, Source, State
from ..settings import Settings
from .sqltime import LocalTime, as_date, whole
from .stats import Period, minutes_of

R = Reservation
OUTSIDE = -1  # the service index of a reservation outside every service's hours
COUNTS = ("parties", "bookings", "covers_booked", "covers_expected", "covers_arrived", "covers_walk_in", "no_shows",
          "covers_no_show", "cancellations", "covers_cancelled", "bookings_arrived", "late_arrivals")
# Histograms: greet/seat seconds by service (gs, ss) and by host (gw, sw), turn minutes by party size (t),
# the waitlist's quoted minutes (wq), waited seconds (ww) and called within the quote (wi: 1 or 0), by service,
# and the same by kind of quote (kq, kw, ki; the key indexes QUOTE_KINDS).
KINDS = ("gs", "gw", "ss", "sw", "t", "wq", "ww", "wi", "kq", "kw", "ki")
# A waitlist quote typed before the app computed quotes, the computed one kept, or one the host changed.
QUOTE_KINDS = ("typed", "computed", "overridden")


def _pack(counts: list[int]) -> str:
    """Counts as base64 of little-endian 32-bit numbers: decoded in C, far quicker than a JSON list."""
    packed = array("I", counts)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def _unpack(text: str) -> list[int]:
    packed = array("I")
    packed.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()


class Tally:
    """Counts per whole value from `lo` on: stored histograms of many days summed by list slices (C speed)."""

    __slots__ = ("lo", "counts")

    def __init__(self) -> None:
        self.lo, self.counts = 0, []

    def add_dense(self, lo: int, counts: list[int]) -> None:
        if not counts:
            return
        if not self.counts:
            self.lo, self.counts = lo, list(counts)
            return
        if lo < self.lo:
            self.counts[:0] = [0] * (self.lo - lo)
            self.lo = lo
        start = lo - self.lo
        end = start + len(counts)
        if end > len(self.counts):
            self.counts.extend([0] * (end - len(self.counts)))
        self.counts[start:end] = map(add, self.counts[start:end], counts)

    def add_sparse(self, values: list[int], ns: list[int]) -> None:
        if values:
            lo = values[0]
            dense = [0] * (values[-1] - lo + 1)
            for value, n in zip(values, ns, strict=True):
                dense[value - lo] = n
            self.add_dense(lo, dense)

    def counter(self) -> Counter:
        return Counter({self.lo + i: n for i, n in enumerate(self.counts) if n})


@dataclass
class Facts:
    counts: dict[tuple[int, int, str], list[int]] = field(default_factory=dict)
    hist: dict[str, dict[int | None, Counter]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter)))
    tallies: dict[tuple[str, int | None], Tally] = field(default_factory=lambda: defaultdict(Tally))

    def add(self, other: Facts) -> None:
        for key, values in other.counts.items():
            self._add_counts(key, values)
        for kind, by_key in other.hist.items():
            mine = self.hist[kind]
            for key, histogram in by_key.items():
                mine[key].update(histogram)

    def _add_counts(self, key, values) -> None:
        known = self.counts.get(key)
        if known is None:
            self.counts[key] = list(values)
        else:
            for i, value in enumerate(values):
                known[i] += value

    def add_json(self, text: str, greet: Tally | None = None) -> None:
        """Add stored facts (to_json) into tallies, then `settle()`: the hot path of a long period.
        `greet` also gets the greeting seconds of every service (a step of the trend)."""
        if not text:
            return
        stored = json.loads(text)
        for service, hour, source, *values in stored["c"]:
            self._add_counts((service, hour, source), values)
        tallies = self.tallies
        for kind, key, first, ns in stored["h"]:
            for tally in (tallies[kind, key], greet if kind == "gs" else None):
                if tally is None:
                    continue
                if isinstance(first, int):
                    tally.add_dense(first, _unpack(ns) if isinstance(ns, str) else ns)
                else:
                    tally.add_sparse(first, ns)

    def settle(self) -> Facts:
        """Move the tallies into the histograms."""
        for (kind, key), tally in self.tallies.items():
            self.hist[kind][key].update(tally.counter())
        self.tallies.clear()
        return self

    def total(self, kind: str) -> Counter:
        """A histogram summed over its keys (e.g. every service's greetings)."""
        summed: Counter = Counter()
        for histogram in self.hist.get(kind, {}).values():
            summed.update(histogram)
        return summed

    def to_json(self) -> str:
        """Counts as rows; each histogram dense ([kind, key, lowest value, packed counts]) when many values in
        its range occur, else sparse ([kind, key, values, counts])."""
        self.settle()
        counts = [[*key, *values] for key, values in sorted(self.counts.items(), key=lambda kv: str(kv[0]))]
        hist = []
        for kind in KINDS:
            for key, histogram in sorted(self.hist.get(kind, {}).items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
                ordered = sorted((v, n) for v, n in histogram.items() if n)
                if not ordered:
                    continue
                lo, hi = ordered[0][0], ordered[-1][0]
                if len(ordered) * 3 >= hi - lo + 1:
                    dense = [0] * (hi - lo + 1)
                    for value, n in ordered:
                        dense[value - lo] = n
                    hist.append([kind, key, lo, _pack(dense)])
                else:
                    hist.append([kind, key, [v for v, _ in ordered], [n for _, n in ordered]])
        return json.dumps({"c": counts, "h": hist}, separators=(",", ":"))


def service_of(minute, settings: Settings) -> sa.ColumnElement:
    """The index of the service whose hours hold the local minute of the day (OUTSIDE for none)."""
    whens = []
    for index, service in enumerate(settings.services):
        first, last = minutes_of(service["start"]), minutes_of(service["end"])
        inside = sa.and_(minute >= first, minute < last) if first < last else sa.or_(minute >= first, minute < last)
        whens.append((inside, index))
    return sa.case(*whens, else_=OUTSIDE) if whens else sa.literal(OUTSIDE)


def facts_by_day(day_ranges: list[tuple[date, date]], settings: Settings) -> dict[date, Facts]:
    """The facts of each service day within the ranges (both ends included), from one statement."""
    if not day_ranges:
        return {}
    postgres = db.engine.dialect.name == "postgresql"
    first, last = min(a for a, _ in day_ranges), max(b for _, b in day_ranges)
    start, end = Period("range", first, last).bounds(settings.zone, settings.boundary)
    local = LocalTime(db.engine.dialect.name, settings.zone, start, end)
    if postgres:
        def moment(column):
            return sa.extract("epoch", column)
    else:
        def moment(column):
            return (sa.func.julianday(column) - 2440587.5) * 86400.0
    in_days = sa.or_(*(R.service_day.between(a, b) for a, b in day_ranges))
    base = sa.select(
        R.service_day.label("day"), local.minute_of_day(R.start_at).label("minute"),
        sa.cast(R.source, sa.String).label("source"), sa.cast(R.state, sa.String).label("state"),
        R.party_size.label("size"), R.greeted_by_id.label("greeter"), R.seated_by_id.label("seater"),
        R.quoted_wait_minutes.label("q"), R.computed_wait_minutes.label("qc"), moment(R.start_at).label("t_start"),
        moment(R.created_at).label("t_created"), moment(R.arrived_at).label("t_arrived"),
        moment(R.greeted_at).label("t_greeted"), moment(R.seated_at).label("t_seated"),
        moment(R.left_at).label("t_left"), moment(R.called_at).label("t_called"),
    ).where(in_days).cte("base").prefix_with("MATERIALIZED")
    c = base.c
    biggest = sa.func.greatest if postgres else sa.func.max

    def whole_between(begin, finish, per: int = 1):
        """Whole seconds (or minutes) from begin to finish, never below zero."""
        return whole(biggest(finish - begin if per == 1 else (finish - begin) / per, 0))

    came = c.t_arrived.is_not(None)
    walk_in = c.source == Source.WALK_IN.value
    greet, seat = whole_between(c.t_arrived, c.t_greeted), whole_between(c.t_arrived, c.t_seated)
    waited = whole_between(c.t_created, c.t_called)
    inside = sa.case((waited <= c.q * 60, 1), else_=0)
    quote_kind = sa.case((c.qc.is_(None), QUOTE_KINDS.index("typed")),
                         (c.q == c.qc, QUOTE_KINDS.index("computed")), else_=QUOTE_KINDS.index("overridden"))
    late = sa.case((sa.and_(~walk_in, came, whole_between(c.t_start, c.t_arrived)
                            > settings.late_after_minutes * 60), 1), else_=0)
    service = service_of(c.minute, settings)
    booked = sa.and_(~walk_in, c.state != State.CANCELLED.value)
    cancelled = sa.and_(c.state == State.CANCELLED.value, ~walk_in)
    expected = c.state.in_([s.value for s in EXPECTED])

    def total(condition, value=1):
        return sa.func.sum(sa.case((condition, value), else_=0))

    def branch(kind: str, keys, where=(), values=()):
        keys = list(keys) + [sa.null()] * (3 - len(keys))
        values = list(values) + [sa.null()] * (len(COUNTS) - 1 - len(values))
        grouped = [c.day] + [k for k in keys if not isinstance(k, sa.sql.elements.Null)]
        return (sa.select(sa.literal_column(f"'{kind}'"), c.day, *keys, sa.func.count(), *values)
                .select_from(base).where(*where).group_by(*grouped))

    greeted = (c.t_greeted.is_not(None), came)
    seated = (c.t_seated.is_not(None), came)
    waiting = (c.q.is_not(None), c.t_called.is_not(None))
    branches = [
        branch("c", (service, c.minute // 60, c.source), values=(
            total(booked), total(booked, c.size), total(expected, c.size), total(came, c.size),
            total(sa.and_(came, walk_in), c.size), total(c.state == State.NO_SHOW.value),
            total(c.state == State.NO_SHOW.value, c.size), total(cancelled), total(cancelled, c.size),
            total(sa.and_(came, ~walk_in)), sa.func.sum(late))),
        branch("gs", (service, greet), greeted),
        branch("gw", (c.greeter, greet), greeted),
        branch("ss", (service, seat), seated),
        branch("sw", (c.seater, seat), seated),
        branch("t", (c.size, whole_between(c.t_seated, c.t_left, 60)), (c.t_seated.is_not(None),
                                                                         c.t_left.is_not(None))),
        branch("wq", (service, c.q), waiting),
        branch("ww", (service, waited), waiting),
        branch("wi", (service, inside), waiting),
        branch("kq", (quote_kind, c.q), waiting),
        branch("kw", (quote_kind, waited), waiting),
        branch("ki", (quote_kind, inside), waiting),
    ]
    found: dict[date, Facts] = defaultdict(Facts)
    for kind, day, k1, k2, k3, n, *values in db.session.execute(sa.union_all(*branches)):
        facts = found[as_date(day)]
        if kind == "c":
            facts.counts[(int(k1), int(k2), str(k3))] = [int(n)] + [int(v or 0) for v in values]
        else:
            facts.hist[kind][None if k1 is None else int(k1)][int(k2)] += int(n)
    return dict(found)
