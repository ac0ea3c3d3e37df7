"""When each simulated tablet asks what: a poll every 2 s, a tap every 20 s, the whole page every
10 minutes, each tablet starting at its own random moment of each cycle (as real tablets, switched
on one by one, do), so that a step measures a restaurant's steady stream and not a burst."""
from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

KINDS = ("poll", "tap", "page")


@dataclass(frozen=True)
class Cadence:
    """Seconds between a tablet's requests of each kind."""

    poll: float = 2.0
    tap: float = 20.0
    page: float = 600.0

    def every(self, kind: str) -> float:
        return getattr(self, kind)


@dataclass(frozen=True)
class TabletPlan:
    """One tablet's first moment of each kind (seconds after the step starts); then every cadence."""

    index: int
    poll: float
    tap: float
    page: float

    def first(self, kind: str) -> float:
        return getattr(self, kind)


def plans(tablets: int, seed: int, cadence: Cadence = Cadence()) -> list[TabletPlan]:
    """`tablets` plans, each offset drawn uniformly within its cycle; the same seed, the same plans."""
    rng = random.Random(seed)  # noqa: S311 (timing offsets, not secrets)
    return [TabletPlan(i, rng.uniform(0, cadence.poll), rng.uniform(0, cadence.tap), rng.uniform(0, cadence.page))
            for i in range(tablets)]


def moments(plan: TabletPlan, seconds: float, cadence: Cadence = Cadence()) -> Iterator[tuple[float, str]]:
    """The tablet's requests within [0, seconds), in time order: (moment, kind)."""
    streams = []
    for kind in KINDS:
        first, every = plan.first(kind), cadence.every(kind)
        count = 0 if first >= seconds else int((seconds - first) // every) + 1
        streams.append([(first + n * every, kind) for n in range(count) if first + n * every < seconds])
    return heapq.merge(*streams)


def planned(all_plans: list[TabletPlan], seconds: float, cadence: Cadence = Cadence()) -> Counter:
    """How many requests of each kind the plans send within [0, seconds)."""
    counts: Counter = Counter()
    for plan in all_plans:
        counts.update(kind for _, kind in moments(plan, seconds, cadence))
    return counts
