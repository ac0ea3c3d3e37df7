"""The manager's view of the planning aids: waitlist quotes that came true, computed and
overridden apart, and the bookings taken over the pacing limit with their reasons."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..audit import AuditEntry
from ..extensions import db
from ..reservations.models import Reservation


@dataclass
class QuoteFigures:
    """Waitlist parties called in a period whose quote was the app's own ("computed"), changed by
    the host ("overridden"), or typed before the app computed quotes ("typed")."""

    kind: str
    parties: int = 0
    quoted_median: float | None = None
    waited_median: float | None = None
    within: int = 0  # called within the quote

    @property
    def within_share(self) -> float | None:
        return self.within / self.parties if self.parties else None


def quote_figures(first: date, last: date) -> list[QuoteFigures]:
    c = Reservation.__table__.c
    rows = db.session.execute(sa.select(c.quoted_wait_minutes, c.computed_wait_minutes, c.created_at, c.called_at)
                              .where(c.service_day.between(first, last), c.quoted_wait_minutes.is_not(None),
                                     c.called_at.is_not(None)))
    groups: dict[str, list[tuple[int, float]]] = {"computed": [], "overridden": [], "typed": []}
    for quoted, computed, created, called in rows:
        kind = "typed" if computed is None else "computed" if quoted == computed else "overridden"
        groups[kind].append((quoted, (called - created).total_seconds() / 60))
    figures = []
    for kind, values in groups.items():
        if kind == "typed" and not values:
            continue
        row = QuoteFigures(kind, len(values))
        if values:
            row.quoted_median = float(statistics.median(q for q, _ in values))
            row.waited_median = float(statistics.median(w for _, w in values))
            row.within = sum(1 for q, w in values if w <= q)
        figures.append(row)
    return figures


@dataclass
class PacingOverride:
    at: datetime
    by: str
    reservation_id: int | None
    reason: str
    covers: int | None
    limit: int | None
    slot: str


def pacing_overrides(start: datetime, end: datetime, limit: int = 50) -> list[PacingOverride]:
    """Bookings taken over the pacing limit between two moments, newest first, with the reason given."""
    stmt = (sa.select(AuditEntry).where(AuditEntry.action == "reservation.pacing_override",
                                        AuditEntry.at >= start, AuditEntry.at < end)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    return [PacingOverride(e.at, e.actor_name, e.subject_id, str(e.changes.get("reason", "")),
                           e.changes.get("covers"), e.changes.get("limit"), str(e.changes.get("slot", "")))
            for e in db.session.scalars(stmt)]
