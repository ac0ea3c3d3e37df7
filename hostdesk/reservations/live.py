"""The board version every tablet polls: one row, one indexed read, bumped by every change.

The token a tablet holds is "<version>.<minute>": the minute makes each tablet re-render once a
minute too, so parties move from Arriving to Late without anyone tapping.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..settings import settings_changed
from .models import BoardVersion


def bump() -> None:
    """Call inside the changing transaction: the new version commits with the change."""
    updated = db.session.execute(sa.update(BoardVersion).where(BoardVersion.id == 1)
                                 .values(version=BoardVersion.version + 1)).rowcount
    if updated:
        return
    try:  # a new database: make the row; the savepoint keeps the transaction usable if that fails
        with db.session.begin_nested():
            db.session.add(BoardVersion(id=1, version=1))
    except IntegrityError:  # another request created the row a moment ago
        bump()


def version() -> int:
    return db.session.scalar(sa.select(BoardVersion.version).where(BoardVersion.id == 1)) or 0


def token(current: int | None = None) -> str:
    minute = int(clock.utcnow().timestamp() // 60)
    return f"{version() if current is None else current}.{minute}"


@settings_changed.connect
def _settings_changed(_actor, **_changes) -> None:
    """Timers, windows and labels on the board follow the settings: every tablet re-fetches it."""
    bump()
