"""How many tablets one server holds: steps of more and more tablets, each judged by the
restaurant's criteria, stopping at the first step that fails them."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

EXPECTED = {"poll": {200, 204}, "tap": {200, 409}, "page": {200}}  # 409: another tablet was first
BUSY_GENERATOR = 0.9  # of one core: above it the load generator, not the server, may be the limit


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest rank: the smallest value with at least q% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Criteria:
    tap_p99_ms: float = 100.0
    poll_p99_ms: float = 50.0


@dataclass
class Kind:
    """One kind of request in a step: its answer times and statuses (0: no answer)."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    planned: int = 0
    expected: frozenset[int] = frozenset()

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def failed(self) -> int:
        """Answers of a status this kind should not get, and requests with no answer."""
        return sum(n for status, n in self.statuses.items() if status not in self.expected)

    def p(self, q: float) -> float | None:
        return percentile(self.latencies_ms, q)


@dataclass
class Step:
    tablets: int
    seconds: float
    kinds: dict[str, Kind]
    lags_ms: list[float] = field(default_factory=list)
    generator_cpu: float = 0.0  # CPU seconds of the load generator's process in the step
    wall_seconds: float = 0.0
    server_cpu: float | None = None  # CPU seconds of the gunicorn workers
    others_cores: float | None = None  # cores busy with other processes than the server and the load
    unreadable: int = 0  # answers 200 the tablet could not follow (no board version in them)
    unsent_taps: int = 0
    transitions: int | None = None  # the parties' steps the database recorded (audit entries)
    failures: list[str] = field(default_factory=list)
    recycler_error: str = ""  # the recycler stopped: parties no longer came back to be tapped

    @classmethod
    def from_json(cls, data: dict) -> Step:
        kinds = {kind: Kind(data["latencies_ms"].get(kind, []),
                            {int(s): n for s, n in data["statuses"].get(kind, {}).items()},
                            data["planned"].get(kind, 0), frozenset(expected))
                 for kind, expected in EXPECTED.items()}
        return cls(data["tablets"], data["seconds"], kinds, data["lags_ms"], data["cpu_seconds"],
                   data["wall_seconds"], unreadable=data["unreadable"], unsent_taps=data["unsent_taps"],
                   failures=data["failures"], recycler_error=data.get("recycler_error", ""))

    def rate(self, kind: str) -> float:
        return self.kinds[kind].answered / self.seconds if self.seconds else 0.0

    def planned_rate(self, kind: str) -> float:
        return self.kinds[kind].planned / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return sum(k.failed for k in self.kinds.values()) + self.unreadable + self.unsent_taps

    @property
    def conflicts(self) -> int:
        return self.kinds["tap"].statuses.get(409, 0)

    @property
    def generator_load(self) -> float:
        """The load generator's CPU in the step as a share of one core."""
        return self.generator_cpu / self.seconds if self.seconds else 0.0

    @property
    def late_ms(self) -> float:
        """p99 of how late requests left the load generator (its event loop, or the machine, busy)."""
        return percentile(self.lags_ms, 99) or 0.0

    def unanswered(self) -> int:
        return sum(max(0, k.planned - k.answered) for k in self.kinds.values())


def verdict(step: Step, criteria: Criteria = Criteria()) -> list[str]:
    """What the step missed; empty when it passed."""
    missed = []
    if step.failed:
        missed.append(f"{step.failed:,} failed")
    if step.unanswered() - step.unsent_taps > 0:
        missed.append(f"{step.unanswered() - step.unsent_taps:,} planned requests unanswered")
    for kind, limit in (("tap", criteria.tap_p99_ms), ("poll", criteria.poll_p99_ms)):
        p99 = step.kinds[kind].p(99)
        if p99 is not None and p99 > limit:
            missed.append(f"{kind} p99 {p99:.0f} ms > {limit:.0f}")
    if generator_limited(step):
        missed.append("the load generator fell behind")
    if step.recycler_error:
        missed.append(f"the recycler failed ({step.recycler_error})")
    return missed


def generator_limited(step: Step) -> bool:
    """The load generator, not the server, may have set the pace: its one process nearly a whole core."""
    return step.generator_load > BUSY_GENERATOR


def sizes(first: int, increment: int, most: int) -> list[int]:
    """The steps' numbers of tablets: first, first + increment, ... up to most."""
    if first < 1 or increment < 1:
        raise ValueError("steps need at least one tablet and grow by at least one")
    return list(range(first, most + 1, increment))


def climb(steps: Sequence[int], measure: Callable[[int], Step], criteria: Criteria = Criteria(),
          log=print) -> list[Step]:
    """Measure each step in turn, stopping after the first one that fails."""
    done = []
    for tablets in steps:
        step = measure(tablets)
        done.append(step)
        missed = verdict(step, criteria)
        log(f"  {tablets:,} tablets: " + ("passed" if not missed else "failed: " + "; ".join(missed)))
        if missed:
            break
    return done


def held(steps: Sequence[Step], criteria: Criteria = Criteria()) -> int:
    """The largest number of tablets of a step that passed (0 when none did)."""
    return max((s.tablets for s in steps if not verdict(s, criteria)), default=0)
