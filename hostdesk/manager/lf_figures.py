"""Lost-and-found figures for a period: registered, returned, disposed, claims, late action points."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..audit import AuditEntry
from ..extensions import db
from ..lostfound.models import ActionPoint, AttemptOutcome, ClaimAttempt, FoundItem, ItemState
from ..settings import Settings
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


def lost_found_figures(period: Period, settings: Settings) -> LostFoundFigures:
    start, end = period.bounds(settings.zone, settings.boundary)
    return lost_found_between(start, end)


def lost_found_between(start: datetime, end: datetime) -> LostFoundFigures:
    registered = db.session.scalar(sa.select(sa.func.count(FoundItem.id)).where(
        FoundItem.registered_at >= start, FoundItem.registered_at < end))
    closed = db.session.execute(sa.select(FoundItem.state, FoundItem.found_at, FoundItem.closed_at).where(
        FoundItem.closed_at >= start, FoundItem.closed_at < end)).all()
    days_to_return = [(row.closed_at - row.found_at).total_seconds() / SECONDS_PER_DAY
                      for row in closed if row.state is ItemState.RETURNED]
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
        returned=len(days_to_return),
        disposed=sum(1 for row in closed if row.state is ItemState.DISPOSED),
        median_days_to_return=median(days_to_return),
        claims_verified=attempts.get(AttemptOutcome.VERIFIED, 0),
        claims_failed=attempts.get(AttemptOutcome.FAILED, 0),
        claims_refused_locked=attempts.get(AttemptOutcome.REFUSED_LOCKED, 0),
        items_locked=locks.get("lostfound.claims_locked", 0),
        items_unlocked=locks.get("lostfound.claims_unlocked", 0),
        actions_done=done,
        actions_done_late=int(late),
    )
