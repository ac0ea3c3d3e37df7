"""Reads whose answer rarely changes, kept by each worker for a moment (issue 7).

Every request reads the settings, and every log page the storage places in use; both change a few
times a day at most. A `Kept` read is answered from the worker's memory for up to a given number of
seconds, and forgotten at once when a commit in this process changed a row of its models, so a
change made through this worker is seen by its next request and one made through another worker
(or another server) within those seconds. Kept per app (`app.extensions`), so each test's app
starts with nothing kept; entries are tuples replaced whole, so a worker's threads need no lock.
"""
from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import Generic, TypeVar

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_ALL: list[Kept] = []


class Kept(Generic[T]):
    def __init__(self, name: str, read: Callable[[], T], seconds: float, models: tuple[type, ...],
                 new_rows_only: bool = False):
        """`read()` answered from memory for up to `seconds`; `models`: the classes whose rows the
        answer is read from; `new_rows_only`: only an added row can change it (a place comes with a
        new item and stays)."""
        self.name, self.read, self.seconds = name, read, seconds
        self.models, self.new_rows_only = models, new_rows_only
        self.changes = 0  # moves when a commit in this process changed the answer
        self._flag = f"hostdesk_kept_{name}_changed"
        event.listen(Session, "after_flush", self._note_changes)
        event.listen(Session, "after_commit", self._forget_if_changed)
        _ALL.append(self)

    def get(self) -> T:
        memory = current_app.extensions.setdefault("hostdesk_kept", {})
        entry = memory.get(self.name)
        if entry is not None and entry[2] == self.changes and monotonic() < entry[1]:
            return entry[0]
        changes = self.changes  # before the read: a commit during it leaves the entry already stale
        value = self.read()
        memory[self.name] = (value, monotonic() + self.seconds, changes)
        return value

    def forget(self) -> None:
        """For a change the ORM does not see (a table emptied with plain SQL, as the tests do)."""
        self.changes += 1  # not atomic across threads, but any interleaving still changes the value

    def _note_changes(self, session, _context) -> None:
        rows = session.new if self.new_rows_only else (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(row, self.models) for row in rows):
            session.info[self._flag] = True

    def _forget_if_changed(self, session) -> None:
        if session.info.pop(self._flag, False):  # (one left by a rollback only costs a read)
            self.forget()


def forget_all() -> None:
    """Every kept read out of date (a test emptied the tables with plain SQL)."""
    for kept in _ALL:
        kept.forget()
