"""Which party the next tap moves: the hosts' shared view of the door, for the simulated tablets.

Each party goes booked -> arrived -> greeted -> seated, one tap at a time, and only after the
previous tap of it was answered: so every tap is a real transition, whichever tablet sends it,
and a 409 (another tablet was first) means something went wrong. A tap takes the most advanced
step waiting (seat, then greet, then arrive), so parties flow through as at a real door. A seat
takes a table nobody sits at; seated parties (and any party whose tap failed) go to the
recycler, which books them again and frees their tables (recycle.py): a restaurant's next
guests, so a step of any length has parties to tap while the day keeps its size.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

STEPS = ("arrive", "greet", "seat")


@dataclass(frozen=True)
class Tap:
    party: int
    action: str  # one of STEPS
    table: int | None = None  # for a seat

    @property
    def path(self) -> str:
        return f"/host/reservations/{self.party}/{self.action}"

    @property
    def form(self) -> str:
        return f"table_ids={self.table}" if self.table is not None else ""


class Desk:
    def __init__(self, parties: list[int], tables: list[int]):
        self.waiting: dict[str, deque[int]] = {step: deque() for step in STEPS}
        self.waiting["arrive"].extend(parties)
        self.free_tables: deque[int] = deque(tables)
        self.done: list[tuple[int, int | None]] = []  # (party, its table) for the recycler
        self.in_flight = 0
        self.recycling = 0

    def next_tap(self) -> Tap | None:
        """The next tap to send, or None when every party is in flight or waiting for the recycler."""
        if self.waiting["seat"] and self.free_tables:
            tap = Tap(self.waiting["seat"].popleft(), "seat", self.free_tables.popleft())
        elif self.waiting["greet"]:
            tap = Tap(self.waiting["greet"].popleft(), "greet")
        elif self.waiting["arrive"]:
            tap = Tap(self.waiting["arrive"].popleft(), "arrive")
        else:
            return None
        self.in_flight += 1
        return tap

    def answered(self, tap: Tap, moved: bool) -> None:
        """The tap's answer: `moved` when the party took the step (200); otherwise (a 409, an error)
        its state is unknown, so it goes to the recycler, which books it again."""
        self.in_flight -= 1
        if moved and tap.action != "seat":
            self.waiting[STEPS[STEPS.index(tap.action) + 1]].append(tap.party)
        else:
            self.done.append((tap.party, tap.table))

    def to_recycle(self) -> list[tuple[int, int | None]]:
        done, self.done = self.done, []
        self.recycling += len(done)
        return done

    def recycled(self, done: list[tuple[int, int | None]]) -> None:
        """The recycler booked these parties again and freed their tables."""
        self.recycling -= len(done)
        for party, table in done:
            self.waiting["arrive"].append(party)
            if table is not None:
                self.free_tables.append(table)

    def parties(self) -> int:
        """Parties the desk knows: waiting at any step, in flight, done or at the recycler."""
        return sum(map(len, self.waiting.values())) + self.in_flight + len(self.done) + self.recycling
