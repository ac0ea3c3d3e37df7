"""The board version every tablet polls: one row, one indexed read, bumped by every change.

The token a tablet holds is "<version>.<minute>": the minute makes each tablet re-render once a
minute too, so parties move from Arriving to Late without anyone tapping.
"""
from __future__ import annotations

from contextlib import nullcontext

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..autocommit_reads import COMMITS_ALONE
from ..extensions import db
from ..settings import settings_changed
from .models import BoardVersion

# Built once, on the table (Core: no ORM layer to go through): every tap bumps and every poll reads.
_ROW = BoardVersion.__table__
BUMP = sa.update(_ROW).where(_ROW.c.id == 1).values(version=_ROW.c.version + 1)
VERSION = sa.select(_ROW.c.version).where(_ROW.c.id == 1)
FIRST = sa.insert(_ROW).values(id=1, version=1)


def bump(alone: bool = False) -> None:
    """Call inside the changing transaction; the new version commits with the change. `alone`: after
    a board step that committed by itself (steps.write), each statement commits by itself too."""
    options = {COMMITS_ALONE: alone}
    if db.session.execute(BUMP, execution_options=options).rowcount:
        return
    try:  # a new database: make the row; in a transaction, a savepoint keeps it usable if that fails
        with nullcontext() if alone else db.session.begin_nested():
            db.session.execute(FIRST, execution_options=options)
    except IntegrityError:  # another request created the row a moment ago
        db.session.execute(BUMP, execution_options=options)


def version() -> int:
    return db.session.scalar(VERSION) or 0


def token(current: int | None = None) -> str:
    minute = int(clock.utcnow().timestamp() // 60)
    return f"{version() if current is None else current}.{minute}"


@settings_changed.connect
def _settings_changed(_actor, **_changes) -> None:
    """Timers, windows and labels on the board follow the settings: every tablet re-fetches it."""
    bump()
