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
from ..database import is_sqlite
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
REFERENCE_NUMBER = re.compile(r"^\s*(?:lf-?)?(\d{1,4})\s*$", re.IGNORECASE)  # "0003" or "3": that number, any year


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


ITEMS, WORDS = FoundItem.__table__, ItemWord.__table__
COMMON_WORD = 1000  # a search word starting this many description words or more is "common"


def _word_range(word: str) -> tuple[str, str]:
    return word, word[:-1] + chr(ord(word[-1]) + 1)


def _in_range(n: int):
    return sa.and_(WORDS.c.word >= sa.bindparam(f"word{n}"), WORDS.c.word < sa.bindparam(f"word{n}_end"))


def _common_counts(n: int) -> sa.Select:
    """How many description words start with each of `n` search words, each count stopping at COMMON_WORD."""
    return sa.select(*(sa.select(sa.func.count()).select_from(
        sa.select(WORDS.c.item_id).where(_in_range(i)).limit(COMMON_WORD).subquery()).scalar_subquery()
        for i in range(n)))


def _common_words(values: dict, n: int) -> list[bool]:
    """Which of the `n` search words in `values` are common, in one statement."""
    return [count >= COMMON_WORD for count in db.session.execute(_common_counts(n), values).one()]


def _has_word(n: int, by_item: bool):
    """Items with a description word starting with search word `n`. IN lets the word's index entries
    lead: right for a rare word. EXISTS lets an item index lead, each item checked by one probe of
    (item_id, word): right for a common word when a category or state narrows the items, as
    (category|state, found_at) then also gives them newest first, so a page stops early and nothing
    is sorted."""
    if by_item:
        return sa.exists().where(WORDS.c.item_id == ITEMS.c.id, _in_range(n))
    return ITEMS.c.id.in_(sa.select(WORDS.c.item_id).where(_in_range(n)))


def past_retention(now) -> sa.ColumnElement[bool]:
    """An item still in storage after its retention date (`now`: a moment or a bound parameter)."""
    return sa.and_(ITEMS.c.state == ItemState.IN_STORAGE, ITEMS.c.dispose_after <= now)


_ACTIONS = ActionPoint.__table__
# The filters' conditions, in a fixed order, each with its bound parameter (if any) of the same name.
_CONDITIONS = {
    "state": lambda: ITEMS.c.state == sa.bindparam("state"),
    "open_only": lambda: ITEMS.c.state.not_in([ItemState.RETURNED, ItemState.DISPOSED]),
    "category": lambda: ITEMS.c.category == sa.bindparam("category"),
    "found_from": lambda: ITEMS.c.found_at >= sa.bindparam("found_from"),
    "found_until": lambda: ITEMS.c.found_at < sa.bindparam("found_until"),  # the next day's start
    "storage_location": lambda: ITEMS.c.storage_location == sa.bindparam("storage_location"),
    "past_retention": lambda: past_retention(sa.bindparam("past_retention")),
    "claims_locked": lambda: ITEMS.c.locked_at.is_not(None),
    "open_actions": lambda: sa.exists().where(_ACTIONS.c.item_id == ITEMS.c.id, _ACTIONS.c.done_at.is_(None)),
    "reference": lambda: ITEMS.c.reference == sa.bindparam("reference"),
    "reference_number": lambda: ITEMS.c.reference.like(sa.bindparam("reference_number")),
}


def conditions(shape: tuple[str, ...]) -> tuple[sa.ColumnElement, ...]:
    """The WHERE clauses of a shape from `search_values`, values left to bind."""
    clauses, words = [], 0
    for name in shape:
        if name in ("word", "common_word"):
            clauses.append(_has_word(words, name == "common_word"))
            words += 1
        else:
            clauses.append(_CONDITIONS[name]())
    return tuple(clauses)


def search_values(f: ItemFilter) -> tuple[tuple[str, ...], dict]:
    """The filter as (shape, values): which conditions apply, in `_CONDITIONS`' order then the
    words', and the values to bind. With search words and a category or state, on SQLite, one read
    first tells common words from rare ones (SQLite follows the form it is given; PostgreSQL plans
    IN and EXISTS as the same semi-join)."""
    given = {
        "state": f.state and ItemState(f.state), "open_only": f.open_only,
        "category": f.category and Category(f.category),
        "found_from": f.found_from and _local_start(f.found_from),
        "found_until": f.found_until and _local_start(f.found_until + timedelta(days=1)),
        "storage_location": f.storage_location, "past_retention": f.past_retention and clock.utcnow(),
        "claims_locked": f.claims_locked, "open_actions": f.open_actions,
    }
    shape = [name for name, value in given.items() if value]
    values = {name: value for name, value in given.items() if value and value is not True}
    search = (f.search or "").strip()
    reference, number = REFERENCE.match(search), REFERENCE_NUMBER.match(search)
    if number:
        shape.append("reference_number")
        values["reference_number"] = f"LF-____-{int(number.group(1)):04d}"
    elif reference:
        shape.append("reference")
        values["reference"] = f"LF-{reference.group(1)}-{int(reference.group(2)):04d}"
    elif search:
        words = [word[:40] for word in fold(search).split()[:6]]
        for n, word in enumerate(words):
            values[f"word{n}"], values[f"word{n}_end"] = _word_range(word)
        weigh = words and (f.state or f.category or f.past_retention) and is_sqlite()
        common = _common_words(values, len(words)) if weigh else [False] * len(words)
        shape += ["common_word" if is_common else "word" for is_common in common]
    return tuple(shape), values


def select_items(f: ItemFilter | None = None) -> sa.Select:
    """A select of FoundItem, newest found first, its values bound; add .limit()/.offset() as needed."""
    shape, values = search_values(f or ItemFilter())
    return sa.select(FoundItem).where(*conditions(shape)).order_by(*NEWEST_FIRST).params(values)


def items(f: ItemFilter | None = None, limit: int = 100) -> list[FoundItem]:
    return list(db.session.scalars(select_items(f).limit(limit)))


def item_by_id(item_id: int) -> FoundItem | None:
    return db.session.scalar(sa.select(FoundItem).where(FoundItem.id == item_id)
                             .options(selectinload(FoundItem.questions), selectinload(FoundItem.claim)))


def retention_queue() -> list[FoundItem]:
    """Items in storage past their retention date, oldest first."""
    return list(db.session.scalars(sa.select(FoundItem).where(past_retention(clock.utcnow()))
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
    return list(db.session.scalars(sa.select(OutboxMail).options(selectinload(OutboxMail.item))
                                   .order_by(OutboxMail.id.desc()).limit(limit)))


def mails_for(item: FoundItem) -> list[OutboxMail]:
    """The messages sent (or waiting) about an item, oldest first."""
    return list(db.session.scalars(sa.select(OutboxMail).where(OutboxMail.item_id == item.id)
                                   .order_by(OutboxMail.created_at, OutboxMail.id)))


def possible_owners() -> list:
    from ..auth.models import Role, User

    return list(db.session.scalars(sa.select(User).where(User.active.is_(True),
                                                         User.role.in_([Role.STAFF, Role.MANAGER]))
                                   .order_by(User.display_name).limit(200)))


def due_count() -> int:
    """How many open action points are due now (the header's count)."""
    return db.session.scalar(sa.select(sa.func.count(ActionPoint.id)).where(
        ActionPoint.done_at.is_(None), ActionPoint.due_at <= clock.utcnow())) or 0


def report_by_token(token: str):
    """The lost report behind a guest's status link, or None."""
    from .models import LostReport

    return db.session.scalar(sa.select(LostReport).where(LostReport.token == token))
