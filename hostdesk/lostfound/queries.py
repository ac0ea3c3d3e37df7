"""Read-only selections of lost-and-found, also for the manager's log (/manager/lost-found).

`select_items(ItemFilter(...))` is the one filterable item selection: state, category, date
range, storage place, past retention, claims locked, open action points, and a search by
reference or description words. Every filter has an index behind it (see models.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import clock
from ..audit import AuditEntry
from ..extensions import db
from ..settings import get_settings
from .matching import fold
from .models import (
    ActionPoint,
    Category,
    ClaimAttempt,
    FoundItem,
    ItemState,
    ItemWord,
    LostReport,
    OutboxMail,
    ReportState,
)

NEWEST_FIRST = (FoundItem.found_at.desc(), FoundItem.id.desc())
REFERENCE = re.compile(r"^\s*(?:lf-?)?(\d{4})-?(\d{1,6})\s*$", re.IGNORECASE)


@dataclass
class ItemFilter:
    state: ItemState | None = None
    category: Category | None = None
    found_from: date | None = None
    found_until: date | None = None  # inclusive
    storage_location: str | None = None
    past_retention: bool = False
    claims_locked: bool = False
    open_actions: bool = False
    search: str = ""
    open_only: bool = False  # not returned or disposed


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=get_settings().zone)


def _word_range(word: str):
    upper = word[:-1] + chr(ord(word[-1]) + 1)
    return sa.and_(ItemWord.word >= word, ItemWord.word < upper)


COMMON_WORD = 1000  # a search word starting this many description words or more is "common"


def _common_words(words: list[str]) -> set[str]:
    """Which of `words` are common, in one statement (each count stops at COMMON_WORD)."""
    counts = [sa.select(sa.func.count()).select_from(
        sa.select(ItemWord.item_id).where(_word_range(word)).limit(COMMON_WORD).subquery()).scalar_subquery()
        for word in words]
    found = db.session.execute(sa.select(*counts)).one()
    return {word for word, n in zip(words, found, strict=True) if n >= COMMON_WORD}


def _has_word(word: str, by_item: bool):
    """Items with a description word starting with `word`. IN lets the word's index entries lead: right
    for a rare word. EXISTS lets an item index lead, each item checked by one probe of (item_id, word):
    right for a common word when a category or state narrows the items, as (category|state, found_at)
    then also gives them newest first, so a page stops early and nothing is sorted."""
    if by_item:
        return sa.exists().where(ItemWord.item_id == FoundItem.id, _word_range(word))
    return FoundItem.id.in_(sa.select(ItemWord.item_id).where(_word_range(word)))


def select_items(f: ItemFilter | None = None) -> sa.Select:
    """A select of FoundItem, newest found first; add .limit()/.offset() or paginate as needed.
    With search words and a category or state, on SQLite, one read first tells common words from rare ones."""
    f = f or ItemFilter()
    stmt = sa.select(FoundItem)
    if f.state:
        stmt = stmt.where(FoundItem.state == ItemState(f.state))
    if f.open_only:
        stmt = stmt.where(FoundItem.state.not_in([ItemState.RETURNED, ItemState.DISPOSED]))
    if f.category:
        stmt = stmt.where(FoundItem.category == Category(f.category))
    if f.found_from:
        stmt = stmt.where(FoundItem.found_at >= _local_start(f.found_from))
    if f.found_until:
        stmt = stmt.where(FoundItem.found_at < _local_start(f.found_until + timedelta(days=1)))
    if f.storage_location:
        stmt = stmt.where(FoundItem.storage_location == f.storage_location)
    if f.past_retention:
        stmt = stmt.where(FoundItem.state == ItemState.IN_STORAGE, FoundItem.dispose_after <= clock.utcnow())
    if f.claims_locked:
        stmt = stmt.where(FoundItem.locked_at.is_not(None))
    if f.open_actions:
        stmt = stmt.where(sa.exists().where(ActionPoint.item_id == FoundItem.id, ActionPoint.done_at.is_(None)))
    search = (f.search or "").strip()
    if search:
        reference = REFERENCE.match(search)
        if reference:
            stmt = stmt.where(FoundItem.reference == f"LF-{reference.group(1)}-{int(reference.group(2)):04d}")
        else:
            words = [word[:40] for word in fold(search).split()[:6]]
            # SQLite follows the form it is given; PostgreSQL plans IN and EXISTS as the same semi-join.
            weigh = words and (f.state or f.category or f.past_retention) and db.engine.dialect.name == "sqlite"
            common = _common_words(words) if weigh else set()
            for word in words:
                stmt = stmt.where(_has_word(word, word in common))
    return stmt.order_by(*NEWEST_FIRST)


def items(f: ItemFilter | None = None, limit: int = 100) -> list[FoundItem]:
    return list(db.session.scalars(select_items(f).limit(limit)))


def item_by_id(item_id: int) -> FoundItem | None:
    return db.session.scalar(sa.select(FoundItem).where(FoundItem.id == item_id)
                             .options(selectinload(FoundItem.questions), selectinload(FoundItem.claim)))


def retention_queue() -> list[FoundItem]:
    """Items in storage past their retention date, oldest first."""
    return list(db.session.scalars(sa.select(FoundItem).where(
        FoundItem.state == ItemState.IN_STORAGE, FoundItem.dispose_after <= clock.utcnow())
        .order_by(FoundItem.dispose_after)))


def due_action_points(limit: int = 50) -> list[ActionPoint]:
    """Open action points that are due now, most overdue first."""
    return list(db.session.scalars(
        sa.select(ActionPoint).where(ActionPoint.done_at.is_(None), ActionPoint.due_at <= clock.utcnow())
        .options(selectinload(ActionPoint.item), selectinload(ActionPoint.owner), selectinload(ActionPoint.report))
        .order_by(ActionPoint.due_at).limit(limit)))


def upcoming_action_points(limit: int = 20) -> list[ActionPoint]:
    return list(db.session.scalars(
        sa.select(ActionPoint).where(ActionPoint.done_at.is_(None), ActionPoint.due_at > clock.utcnow())
        .options(selectinload(ActionPoint.item), selectinload(ActionPoint.owner))
        .order_by(ActionPoint.due_at).limit(limit)))


def action_points_for(item: FoundItem) -> list[ActionPoint]:
    return list(db.session.scalars(sa.select(ActionPoint).where(ActionPoint.item_id == item.id)
                                   .options(selectinload(ActionPoint.owner))
                                   .order_by(ActionPoint.done_at.is_not(None), ActionPoint.due_at)))


def attempts_for(item: FoundItem) -> list[ClaimAttempt]:
    return list(db.session.scalars(sa.select(ClaimAttempt).where(ClaimAttempt.item_id == item.id)
                                   .options(selectinload(ClaimAttempt.taken_by)).order_by(ClaimAttempt.id)))


def reports_for(item: FoundItem) -> list[LostReport]:
    return list(db.session.scalars(sa.select(LostReport).where(LostReport.item_id == item.id)))


def timeline(item: FoundItem) -> list[AuditEntry]:
    """Every audited change to the item and to lost reports linked to it, oldest first."""
    report_ids = sa.select(LostReport.id).where(LostReport.item_id == item.id)
    return list(db.session.scalars(sa.select(AuditEntry).where(sa.or_(
        sa.and_(AuditEntry.subject_type == FoundItem.audit_type, AuditEntry.subject_id == item.id),
        sa.and_(AuditEntry.subject_type == LostReport.audit_type, AuditEntry.subject_id.in_(report_ids)),
    )).order_by(AuditEntry.at, AuditEntry.id)))


def open_reports(limit: int = 50) -> list[LostReport]:
    return list(db.session.scalars(sa.select(LostReport).where(LostReport.state != ReportState.CLOSED)
                                   .order_by(LostReport.created_at.desc()).limit(limit)))


def suggested_items(report: LostReport) -> list[tuple[FoundItem, int]]:
    from .reports import matching_items_query

    return [(row[0], row[1]) for row in db.session.execute(matching_items_query(report))]


def storage_locations() -> list[str]:
    return list(db.session.scalars(sa.select(FoundItem.storage_location).distinct()
                                   .where(FoundItem.state.not_in([ItemState.RETURNED, ItemState.DISPOSED]))
                                   .order_by(FoundItem.storage_location).limit(50)))


def floor_places() -> list[str]:
    from ..floor.models import Area, Table

    tables = db.session.scalars(sa.select(Table.name).where(Table.active.is_(True)).order_by(Table.position).limit(200))
    areas = db.session.scalars(sa.select(Area.name).order_by(Area.position).limit(50))
    return [*tables, *areas]


def outbox(limit: int = 50) -> list[OutboxMail]:
    return list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)))


def counts_by_state() -> dict[ItemState, int]:
    rows = db.session.execute(sa.select(FoundItem.state, sa.func.count()).group_by(FoundItem.state))
    return {state: n for state, n in rows}
