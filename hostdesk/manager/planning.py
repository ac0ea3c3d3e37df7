"""The manager's view of the planning aids: waitlist quotes that came true, computed and
overridden apart, and the bookings taken over the pacing limit with their reasons."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..audit import AuditEntry
from ..extensions import db
from .facts import QUOTE_KINDS, Facts
from .stats import weighted_percentile


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


def quote_figures(facts: Facts) -> list[QuoteFigures]:
    """Computed and overridden quotes (typed ones only when there are any), from the period's facts."""
    quoted, waited, inside = (facts.hist.get(kind, {}) for kind in ("kq", "kw", "ki"))
    figures = []
    for kind in ("computed", "overridden", "typed"):
        key = QUOTE_KINDS.index(kind)
        parties = sum(waited[key].values()) if key in waited else 0
        if kind == "typed" and not parties:
            continue
        row = QuoteFigures(kind, parties)
        if parties:
            row.quoted_median = weighted_percentile(sorted(quoted[key].items()), 0.5)
            row.waited_median = weighted_percentile(sorted(waited[key].items()), 0.5) / 60
            row.within = inside[key].get(1, 0) if key in inside else 0
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
