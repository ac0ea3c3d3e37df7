"""The lost-and-found log: the filtered item list (from lostfound.queries), paginated, with each
item's last event, and the same list as CSV.

A page costs two statements (three with search words and a category or state, see
lostfound.queries.select_items): the count, then the page's rows with their last events. The
rows are plain columns, not ORM objects; the page's 50 ids are chosen from the indexes alone
(`id IN (... LIMIT 50)`) before any item row is read.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import get_template_attribute
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .. import clock
from ..audit import AuditEntry
from ..auth.models import User
from ..database import UtcDateTime
from ..extensions import db
from ..lostfound.labels import ACTION_LABELS, CHANGE_LABELS, change_rows
from ..lostfound.models import Category, Claim, DisposalMethod, FoundItem, ItemState
from ..lostfound.queries import ItemFilter, conditions, past_retention, search_values
from ..settings import get_settings

PER_PAGE = 50
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def change_label(key: str) -> str:
    label = CHANGE_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def change_value(value) -> str:
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    return "" if value is None else str(value)


def visible_changes(changes: dict) -> list[tuple[str, str]]:
    """An audit entry's changes as (label, value) in the reader's language, as the staff's item page
    shows them (lostfound.labels.change_rows)."""
    return change_rows(changes)


def event_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action.rsplit(".", 1)[-1].replace("_", " ")


def days_in_storage(item_found_at: datetime, closed_at: datetime | None, now: datetime) -> int:
    return max(0, ((closed_at or now) - item_found_at).days)


ITEMS, AUDIT, USERS, CLAIMS = FoundItem.__table__, AuditEntry.__table__, User.__table__, Claim.__table__
NEWEST_FIRST = (ITEMS.c.found_at.desc(), ITEMS.c.id.desc())


def _storage_days() -> sa.ColumnElement:
    """Days in storage as a sort key: from found to closed, or to now (bound as `now`) while open."""
    until = sa.func.coalesce(ITEMS.c.closed_at, sa.bindparam("now", type_=UtcDateTime))
    if db.engine.dialect.name == "postgresql":
        return until - ITEMS.c.found_at
    return sa.func.julianday(until) - sa.func.julianday(ITEMS.c.found_at)


# The log's orders: (label, its ORDER BY); each ends in the id, so pages never overlap.
SORTS = {
    "newest": (_l("Found, newest first"), lambda: NEWEST_FIRST),
    "oldest": (_l("Found, oldest first"), lambda: (ITEMS.c.found_at.asc(), ITEMS.c.id.asc())),
    "longest": (_l("Longest in storage first"), lambda: (_storage_days().desc(), ITEMS.c.id.desc())),
    "shortest": (_l("Shortest in storage first"), lambda: (_storage_days().asc(), ITEMS.c.id.asc())),
    "category": (_l("Category, then newest"), lambda: (ITEMS.c.category.asc(), *NEWEST_FIRST)),
    "state": (_l("State, then newest"), lambda: (ITEMS.c.state.asc(), *NEWEST_FIRST)),
}


def _last_event(column) -> sa.ScalarSelect:
    """The item's newest audit entry's `column`: one step down the subject index per row."""
    return (sa.select(column).where(AUDIT.c.subject_type == FoundItem.audit_type, AUDIT.c.subject_id == ITEMS.c.id)
            .order_by(AUDIT.c.id.desc()).limit(1).scalar_subquery())


# Flags rather than their times where a row needs no more (each time read costs a conversion).
ROW_COLUMNS = (ITEMS.c.id, ITEMS.c.reference, ITEMS.c.found_at, ITEMS.c.category, ITEMS.c.description,
               ITEMS.c.state, ITEMS.c.storage_location, ITEMS.c.locked_at.is_not(None),
               past_retention(sa.bindparam("now")),
               ITEMS.c.closed_at, _last_event(AUDIT.c.action), _last_event(AUDIT.c.at))


@dataclass(frozen=True)
class LogStatements:
    """A search shape's statements (Core, not ORM)."""
    count: sa.Select
    page: sa.Select  # binds `limit` and `offset`; the ids are chosen from the indexes before any row is read
    every: sa.Select


def statements(shape: tuple[str, ...], sort: str = "newest") -> LogStatements:
    where = conditions(shape)
    order = SORTS.get(sort, SORTS["newest"])[1]()
    ids = (sa.select(ITEMS.c.id).where(*where).order_by(*order)
           .limit(sa.bindparam("limit", type_=sa.Integer)).offset(sa.bindparam("offset", type_=sa.Integer)))
    found_by = sa.select(USERS.c.display_name).where(USERS.c.id == ITEMS.c.found_by_id).scalar_subquery()
    posted = sa.select(CLAIMS.c.posted_on).where(CLAIMS.c.item_id == ITEMS.c.id).scalar_subquery()
    csv_columns = (*ROW_COLUMNS, found_by, ITEMS.c.where_found, ITEMS.c.dispose_after, ITEMS.c.disposal_method,
                   ITEMS.c.disposed_on, ITEMS.c.disposal_witness, posted)
    return LogStatements(count=sa.select(sa.func.count()).select_from(ITEMS).where(*where),
                         page=sa.select(*ROW_COLUMNS).where(ITEMS.c.id.in_(ids)).order_by(*order),
                         every=sa.select(*csv_columns).where(*where).order_by(*order))


class RowText:
    """A page's words and dates in the reader's language, each label translated once per page; dates
    as the `local_datetime` filter writes them (tests/manager/test_log.py holds them equal)."""

    def __init__(self):
        self.zone = get_settings().zone
        months = get_locale().months["format"]["abbreviated"]
        self.months = {month: months[month] for month in range(1, 13)}
        self.labels: dict[object, str] = {}
        self.badge_html: dict[tuple, Markup] = {}

    def badges(self, state: ItemState, locked: bool, past: bool) -> Markup:
        """The state badges macro's output, rendered once per page for each of the few combinations
        (a macro call per row was a sixth of a page's render)."""
        key = (state, locked, past)
        html = self.badge_html.get(key)
        if html is None:
            macro = get_template_attribute("manager/_item_state.html", "state_badges")
            html = self.badge_html[key] = macro(state, self.label(state), locked, past)  # Markup, escaped
        return html

    def label(self, member: Category | ItemState) -> str:
        text = self.labels.get(member)
        if text is None:
            text = self.labels[member] = str(member.label)
        return text

    def event(self, action: str | None) -> str:
        if action is None:
            return ""
        text = self.labels.get(action)
        if text is None:
            text = self.labels[action] = event_label(action)
        return text

    def day(self, value: datetime) -> str:
        local = value.astimezone(self.zone)
        return f"{local.day} {self.months[local.month]} {local.year:04d}"

    def minute(self, value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(self.zone)
        return f"{local.day} {self.months[local.month]} {local.year:04d} {local.hour:02d}:{local.minute:02d}"


class LogRow(NamedTuple):
    """A log row as shown; a tuple, so the table's loop unpacks it (cheaper than an attribute per cell)."""
    id: int
    reference: str
    found_on: str
    category: str
    description: str
    storage_location: str
    state: ItemState
    state_label: str
    claims_locked: bool
    past_retention: bool
    days_in_storage: int
    last_event: str  # "" when the item has no audit entry
    last_event_at: str
    badges: Markup  # the state badges as HTML


def log_rows(result, now: datetime, text: RowText) -> list[LogRow]:
    """The rows of a `ROW_COLUMNS` result, each unpacked once (reading a Row by name costs more)."""
    day, minute, label, event, badges = text.day, text.minute, text.label, text.event, text.badges
    return [LogRow(item_id, reference, day(found_at), label(category), description, location, state, label(state),
                   bool(locked), bool(past_retention), days_in_storage(found_at, closed_at, now), event(last_action),
                   minute(last_at), badges(state, bool(locked), bool(past_retention)))
            for (item_id, reference, found_at, category, description, state, location, locked, past_retention,
                 closed_at, last_action, last_at) in result]


@dataclass
class LogPage:
    rows: list[LogRow]
    total: int
    page: int
    pages: int


def _page_rows(shape: tuple[str, ...], values: dict, limit: int, offset: int = 0, sort: str = "newest"
               ) -> list[LogRow]:
    now = clock.utcnow()
    result = db.session.execute(statements(shape, sort).page,
                                {**values, "limit": limit, "offset": offset, "now": now})
    return log_rows(result, now, RowText())


def log_page(f: ItemFilter, page: int = 1, per_page: int = PER_PAGE, sort: str = "newest") -> LogPage:
    shape, values = search_values(f)
    total = db.session.execute(statements(shape).count, values).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = _page_rows(shape, values, per_page, (page - 1) * per_page, sort) if total else []
    return LogPage(rows, total, page, pages)


def print_rows(f: ItemFilter, limit: int, sort: str = "newest") -> tuple[list[LogRow], bool]:
    """The whole filtered list for printing, up to `limit` rows; True when there were more."""
    rows = _page_rows(*search_values(f), limit + 1, sort=sort)
    return rows[:limit], len(rows) > limit


def _places(limit: int) -> sa.Select:
    place = ITEMS.c.storage_location  # Core: the ORM's layer cost more than the query
    places = sa.select(sa.func.min(place).label("place"), sa.literal(1).label("n")).cte("places", recursive=True)
    following = sa.select(sa.select(sa.func.min(place)).where(place > places.c.place).scalar_subquery(),
                          places.c.n + 1).where(places.c.place.is_not(None), places.c.n < limit)
    places = places.union_all(following)
    return sa.select(places.c.place).where(places.c.place.is_not(None)).order_by(places.c.place)


PLACES = _places(200)


def all_locations() -> tuple[str, ...]:
    """The storage places in use, A to Z, at most 200: each found from the previous one by one step
    down the storage index (a recursive query), where DISTINCT read every item on PostgreSQL."""
    return tuple(db.session.scalars(PLACES))


# --- CSV --------------------------------------------------------------------------------------

SIGNED_NUMBER = re.compile(r"[+-][0-9][0-9.,]*%?")


def neutralise(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: only a cell that would be read as
    one gets the leading apostrophe (a signed number such as -5 stays a number)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


CSV_HEADER = (_l("Reference"), _l("Found"), _l("Category"), _l("Description"), _l("State"), _l("Storage location"),
              _l("Days in storage"), _l("Last event"), _l("Last event at"), _l("Found by"), _l("Where found"),
              _l("Keep until"), _l("Returned or disposed of on"), _l("How"), _l("Witness"))
CSV_DAY = "%Y-%m-%d"
CSV_CHUNK = 1000
CSV_TIME = "%Y-%m-%d %H:%M"  # years 2000-2099 only (SensibleDate), so %Y has its four digits


def _how(state: ItemState, method: DisposalMethod | None, posted) -> str:
    if state is ItemState.DISPOSED and method is not None:
        return str(method.label)
    if state is ItemState.RETURNED:
        return str(_l("Posted")) if posted is not None else str(_l("Handed over"))
    return ""


def csv_lines(f: ItemFilter, sort: str = "newest") -> Iterator[str]:
    """The filtered list as CSV text: a BOM first (Excel then reads UTF-8), the settings' delimiter."""
    settings = get_settings()
    zone, now = settings.zone, clock.utcnow()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=settings.csv_delimiter, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([neutralise(str(h)) for h in CSV_HEADER])
    yield "\ufeff" + flush()
    text = RowText()
    shape, values = search_values(f)
    result = db.session.execute(statements(shape, sort).every.execution_options(yield_per=CSV_CHUNK),
                                {**values, "now": now})
    for chunk in result.partitions():
        for (_, reference, found_at, category, description, state, location, _, _, closed_at, last_action,
             last_at, found_by, where_found, keep_until, method, disposed_on, witness, posted) in chunk:
            if disposed_on is not None:
                ended = disposed_on.strftime(CSV_DAY)
            else:
                ended = closed_at.astimezone(zone).strftime(CSV_DAY) if closed_at else ""
            writer.writerow([neutralise(cell) for cell in (
                reference, found_at.astimezone(zone).strftime(CSV_TIME), text.label(category), description,
                text.label(state), location, days_in_storage(found_at, closed_at, now), text.event(last_action),
                last_at.astimezone(zone).strftime(CSV_TIME) if last_at else "", found_by or "", where_found,
                keep_until.astimezone(zone).strftime(CSV_DAY), ended, _how(state, method, posted), witness or "",
            )])
        yield flush()
