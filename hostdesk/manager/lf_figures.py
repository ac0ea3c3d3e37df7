"""Lost-and-found figures for a period: registered, returned, disposed, claims, late action points."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..audit import AuditEntry
from ..extensions import db
from ..lostfound.models import ActionPoint, AttemptOutcome, ClaimAttempt, FoundItem, ItemState
from ..settings import Settings
from .sqltime import seconds_between
from .stats import Period, median

SECONDS_PER_DAY = 86400


@dataclass
class LostFoundFigures:
    registered: int
    returned: int
    disposed: int
    median_days_to_return: float | None
    claims_verified: int
    claims_failed: int
    claims_refused_locked: int
    items_locked: int
    items_unlocked: int
    actions_done: int
    actions_done_late: int

    @property
    def empty(self) -> bool:
        return not any((self.registered, self.returned, self.disposed, self.claims_verified, self.claims_failed,
                        self.claims_refused_locked, self.items_locked, self.actions_done))


def _median_days_to_return(start: datetime, end: datetime) -> float | None:
    """PostgreSQL's percentile_cont; on SQLite one pass over the one column of days."""
    postgres = db.engine.dialect.name == "postgresql"
    days = seconds_between(FoundItem.found_at, FoundItem.closed_at, postgres) / SECONDS_PER_DAY
    where = (FoundItem.closed_at >= start, FoundItem.closed_at < end, FoundItem.state == ItemState.RETURNED)
    if postgres:
        value = db.session.scalar(sa.select(sa.func.percentile_cont(0.5).within_group(days)).where(*where))
        return None if value is None else float(value)
    return median(list(db.session.scalars(sa.select(days).where(*where))))


def lost_found_figures(period: Period, settings: Settings) -> LostFoundFigures:
    start, end = period.bounds(settings.zone, settings.boundary)
    return lost_found_between(start, end)


def lost_found_between(start: datetime, end: datetime) -> LostFoundFigures:
    registered = db.session.scalar(sa.select(sa.func.count(FoundItem.id)).where(
        FoundItem.registered_at >= start, FoundItem.registered_at < end))
    closed = dict(db.session.execute(sa.select(FoundItem.state, sa.func.count()).where(
        FoundItem.closed_at >= start, FoundItem.closed_at < end).group_by(FoundItem.state)).all())
    median_days = _median_days_to_return(start, end)
    attempts = dict(db.session.execute(
        sa.select(ClaimAttempt.outcome, sa.func.count(ClaimAttempt.id))
        .where(ClaimAttempt.at >= start, ClaimAttempt.at < end).group_by(ClaimAttempt.outcome)).all())
    locks = dict(db.session.execute(
        sa.select(AuditEntry.action, sa.func.count(AuditEntry.id))
        .where(AuditEntry.at >= start, AuditEntry.at < end,
               AuditEntry.action.in_(("lostfound.claims_locked", "lostfound.claims_unlocked")))
        .group_by(AuditEntry.action)).all())
    done, late = db.session.execute(
        sa.select(sa.func.count(ActionPoint.id),
                  sa.func.coalesce(sa.func.sum(sa.case((ActionPoint.done_at > ActionPoint.due_at, 1), else_=0)), 0))
        .where(ActionPoint.done_at >= start, ActionPoint.done_at < end)).one()
    return LostFoundFigures(
        registered=registered,
        returned=closed.get(ItemState.RETURNED, 0),
        disposed=closed.get(ItemState.DISPOSED, 0),
        median_days_to_return=median_days,
        claims_verified=attempts.get(AttemptOutcome.VERIFIED, 0),
        claims_failed=attempts.get(AttemptOutcome.FAILED, 0),
        claims_refused_locked=attempts.get(AttemptOutcome.REFUSED_LOCKED, 0),
        items_locked=locks.get("lostfound.claims_locked", 0),
        items_unlocked=locks.get("lostfound.claims_unlocked", 0),
        actions_done=done,
        actions_done_late=int(late),
    )
