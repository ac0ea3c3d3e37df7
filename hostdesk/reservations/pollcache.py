"""What one worker remembers between unchanged polls, so most of them need no database read.

Each tablet asks every 2 seconds; on PostgreSQL the database shares the server's cores and the
one read per poll cost more than the rest of the answer (issue 7). So a worker keeps, for a
short while, the two things that read gave it:

- the board version, for at most `version_seconds` (0.1 s): a change made through another
  worker reaches the tablets that poll this one at most that much later;
- for each session cookie that passed every check, until the earliest of: `session_seconds`
  (5 s) after the check, the session's idle and absolute limits and, on a shared tablet, its
  PIN idle time (all from the row, so these still end on time), and the cookie signature's age
  limit. An ended session, a revoked tablet, a deactivated user or a changed role therefore stops
  getting 204 within `session_seconds` of the change.

Any commit through this process's database sessions forgets both at once (a change made through
this worker is seen by its next poll). Forgetting only costs a read; nothing is remembered that
did not pass the full check, and what is remembered only ever answers "unchanged" (204), so a
missing or stale entry never grants more than that. Entries are immutable tuples replaced whole,
so the threads of a worker need no lock; a forked worker starts with nothing remembered.
"""
from __future__ import annotations

import os
import weakref
from datetime import datetime
from time import monotonic

from ..database import transaction_wrote

MAX_SESSIONS = 1024  # per worker; a restaurant has a few dozen tablets

_generation = 0  # moves on every commit in this process; an entry is good only for the one it was read in


def generation() -> int:
    return _generation


def committed(session=None) -> None:
    """SQLAlchemy's after_commit: whatever a worker remembers may be out of date now (unless the
    transaction only read: a request that only read ends with a commit too, database.end_unwritten)."""
    global _generation
    if session is not None and not transaction_wrote(session):
        return
    _generation += 1  # not atomic across threads, but any interleaving still changes the value


class Memory:
    def __init__(self, session_seconds: float, version_seconds: float):
        self.session_seconds = session_seconds
        self.version_seconds = version_seconds
        self.forget()
        _all.add(self)

    def forget(self) -> None:
        self.sessions: dict[str, tuple[datetime, float, int]] = {}  # cookie -> (valid until, fresh until, generation)
        self.board: tuple[int, float, int] | None = None  # (version, fresh until, generation)

    def session_ok(self, cookie: str, now: datetime, current: int) -> bool:
        entry = self.sessions.get(cookie)
        return entry is not None and entry[2] == current and monotonic() < entry[1] and now <= entry[0]

    def remember_session(self, cookie: str, valid_until: datetime, seconds_left: float, read_in: int) -> None:
        if len(self.sessions) >= MAX_SESSIONS:
            self.sessions = {}
        fresh_until = monotonic() + min(self.session_seconds, seconds_left)
        self.sessions[cookie] = (valid_until, fresh_until, read_in)

    def version(self, current: int) -> int | None:
        board = self.board
        if board is None or board[2] != current or monotonic() >= board[1]:
            return None
        return board[0]

    def remember_version(self, version: int, read_in: int) -> None:
        self.board = (version, monotonic() + self.version_seconds, read_in)


_all: weakref.WeakSet[Memory] = weakref.WeakSet()


def _forget_all() -> None:
    for memory in list(_all):
        memory.forget()


os.register_at_fork(after_in_child=_forget_all)
