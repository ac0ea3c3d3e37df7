"""The logins a worker has checked, remembered so that the next request of the same login needs one
small read (the login generation) instead of the login session's row with its user and tablet
(issue 7: on PostgreSQL that lookup took a tap about as much of the worker's time as loading the
party).

An entry holds the user's row as the full check read it and is good only
- while the login generation is the one read with that row (generation.py: the database raises it
  whenever a user, a tablet or the end of a login session changes, whoever changes it), and
- until the earliest of the session's own limits: 30 seconds after its last activity mark (the
  full check then writes the next one, session.ACTIVITY_RESOLUTION_SECONDS), its idle and absolute
  limits and, on a shared tablet, the PIN idle time.
So a remembered login answers exactly as the full check would: a sign-out, a deactivated user, a
new role or a revoked tablet is seen by the next request on every worker and every server, as
before. What changes nothing (a request's activity mark) does not raise the generation.

Entries are immutable and replaced whole, so a worker's threads need no lock; a forked worker starts
with nothing remembered.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import make_transient_to_detached

from ..extensions import db
from .models import User

MAX_LOGINS = 1024  # per worker; a restaurant group has a few dozen tablets and desks


@dataclass(frozen=True)
class Login:
    user: User  # detached, never changed: each request gets its own copy in its session (session_user)
    generation: int
    good_until: datetime

    def good_for(self, generation: int | None, now: datetime) -> bool:
        return generation == self.generation and now < self.good_until

    def session_user(self) -> User:
        """The user in this request's database session, without reading it again."""
        return db.session.merge(self.user, load=False)


_logins: dict[str, Login] = {}


def recall(key: str) -> Login | None:
    return _logins.get(key)


def snapshot(user: User) -> User:
    """A detached copy of the user as read now (taken before a commit expires the row)."""
    copy = User(**{column.key: getattr(user, column.key) for column in User.__table__.columns})
    make_transient_to_detached(copy)
    return copy


def keep(key: str, user: User, generation: int | None, good_until: datetime) -> None:
    """Remember a login the full check passed: `user` a snapshot(), read with `generation` (None: the
    database has no generation row, so nothing is remembered)."""
    if generation is None:
        _logins.pop(key, None)
        return
    if len(_logins) >= MAX_LOGINS:
        forget()
    _logins[key] = Login(user, generation, good_until)


def forget(key: str | None = None) -> None:
    if key is None:
        _logins.clear()
    else:
        _logins.pop(key, None)


os.register_at_fork(after_in_child=forget)
