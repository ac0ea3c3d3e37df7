"""The lost-and-found log: the filtered item list (from lostfound.queries), paginated, with each
item's last event, and the same list as CSV.

A page costs a constant number of statements: the count, the page's items, their last events.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import AuditEntry
from ..extensions import db
from ..lostfound.labels import ACTION_LABELS, CHANGE_LABELS, HIDDEN_CHANGES
from ..lostfound.models import Category, FoundItem, ItemState
from ..lostfound.queries import ItemFilter, select_items
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
    """An audit entry's changes as (label, value), without the internal ids lost and found hides."""
    return [(change_label(k), change_value(v)) for k, v in changes.items() if k not in HIDDEN_CHANGES]


def event_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action.rsplit(".", 1)[-1].replace("_", " ")


@dataclass
class LogRow:
    item: FoundItem
    days_in_storage: int
    last_event: AuditEntry | None


@dataclass
class LogPage:
    rows: list[LogRow]
    total: int
    page: int
    pages: int


def days_in_storage(item_found_at: datetime, closed_at: datetime | None, now: datetime) -> int:
    return max(0, ((closed_at or now) - item_found_at).days)


def last_events(item_ids: list[int]) -> dict[int, AuditEntry]:
    """The newest audit entry of each item, in one statement (by the subject index)."""
    if not item_ids:
        return {}
    newest = (sa.select(sa.func.max(AuditEntry.id))
              .where(AuditEntry.subject_type == FoundItem.audit_type, AuditEntry.subject_id.in_(item_ids))
              .group_by(AuditEntry.subject_id))
    return {e.subject_id: e for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id.in_(newest)))}


def log_page(f: ItemFilter, page: int = 1, per_page: int = PER_PAGE) -> LogPage:
    stmt = select_items(f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    events = last_events([i.id for i in items])
    now = clock.utcnow()
    rows = [LogRow(i, days_in_storage(i.found_at, i.closed_at, now), events.get(i.id)) for i in items]
    return LogPage(rows, total, page, pages)


def print_rows(f: ItemFilter, limit: int) -> tuple[list[LogRow], bool]:
    """The whole filtered list for printing, up to `limit` rows; True when there were more."""
    items = list(db.session.scalars(select_items(f).limit(limit + 1)))
    events = last_events([i.id for i in items[:limit]])
    now = clock.utcnow()
    return [LogRow(i, days_in_storage(i.found_at, i.closed_at, now), events.get(i.id)) for i in items[:limit]], \
        len(items) > limit


def all_locations() -> list[str]:
    return list(db.session.scalars(sa.select(FoundItem.storage_location).distinct()
                                   .order_by(FoundItem.storage_location).limit(200)))


# --- CSV --------------------------------------------------------------------------------------

def neutralise(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_HEADER = (_l("Reference"), _l("Found"), _l("Category"), _l("Description"), _l("State"), _l("Storage location"),
              _l("Days in storage"), _l("Last event"), _l("Last event at"))
CSV_CHUNK = 1000


def csv_lines(f: ItemFilter) -> Iterator[str]:
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
    columns = select_items(f).with_only_columns(
        FoundItem.id, FoundItem.reference, FoundItem.found_at, FoundItem.category, FoundItem.description,
        FoundItem.state, FoundItem.storage_location, FoundItem.closed_at)
    result = db.session.execute(columns.execution_options(yield_per=CSV_CHUNK))
    for chunk in result.partitions():
        events = last_events([row.id for row in chunk])
        for row in chunk:
            event = events.get(row.id)
            writer.writerow([neutralise(cell) for cell in (
                row.reference, row.found_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                Category(row.category).label, row.description, ItemState(row.state).label, row.storage_location,
                days_in_storage(row.found_at, row.closed_at, now),
                event_label(event.action) if event else "",
                format_datetime(event.at.astimezone(zone).replace(tzinfo=None), "yyyy-MM-dd HH:mm") if event else "",
            )])
        yield flush()
