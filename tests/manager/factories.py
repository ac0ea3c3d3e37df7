"""Rows with known timestamps, inserted directly (the figures read only what is recorded)."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.lostfound.models import (
    ActionKind,
    ActionPoint,
    AttemptOutcome,
    Category,
    Channel,
    ClaimAttempt,
    FoundItem,
    ItemState,
)
from hostdesk.reservations.models import Reservation, Source, State

UTC = timezone.utc
_numbers = itertools.count(1)


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


def reservation(start: datetime, size: int, state: State = State.BOOKED, *, day: date | None = None,
                source: Source = Source.PHONE, greet: float | None = None, seat: float | None = None,
                greeter: int | None = None, seater: int | None = None, arrived: datetime | None = None,
                created: datetime | None = None, quoted: int | None = None, called: datetime | None = None
                ) -> Reservation:
    """`greet`/`seat`: seconds after arrival (arrival defaults to the start time when either is given)."""
    if arrived is None and (greet is not None or seat is not None):
        arrived = start
    res = Reservation(
        name=f"Guest {next(_numbers)}", party_size=size, start_at=start, service_day=day or start.date(),
        duration_minutes=90, source=source, state=state, created_at=created or start - timedelta(days=1),
        arrived_at=arrived, greeted_at=arrived + timedelta(seconds=greet) if greet is not None else None,
        greeted_by_id=greeter, seated_at=arrived + timedelta(seconds=seat) if seat is not None else None,
        seated_by_id=seater, quoted_wait_minutes=quoted, called_at=called,
    )
    db.session.add(res)
    return res


def item(found: datetime, *, registered: datetime | None = None, state: ItemState = ItemState.IN_STORAGE,
         closed: datetime | None = None, category: Category = Category.UMBRELLA, description: str = "black umbrella",
         location: str = "Office drawer 1", dispose_after: datetime | None = None, locked: datetime | None = None,
         reference: str | None = None) -> FoundItem:
    number = next(_numbers)
    found_item = FoundItem(
        reference=reference or f"LF-{found.year}-{number:04d}", category=category, description=description,
        found_at=found, storage_location=location, state=state, registered_at=registered or found,
        dispose_after=dispose_after or found + timedelta(days=90), closed_at=closed, locked_at=locked,
    )
    db.session.add(found_item)
    db.session.flush()
    return found_item


def attempt(item_id: int, moment: datetime, outcome: AttemptOutcome) -> ClaimAttempt:
    row = ClaimAttempt(item_id=item_id, at=moment, channel=Channel.PHONE, outcome=outcome, claimant_name=None)
    db.session.add(row)
    return row


def audit(item_id: int, moment: datetime, action: str, **changes) -> AuditEntry:
    entry = AuditEntry(at=moment, action=action, subject_type="lf_item", subject_id=item_id, actor_name="Tester",
                       changes=changes)
    db.session.add(entry)
    return entry


def action_point(item_id: int, due: datetime, done: datetime | None) -> ActionPoint:
    point = ActionPoint(item_id=item_id, kind=ActionKind.CALLBACK, due_at=due, done_at=done, created_at=due)
    db.session.add(point)
    return point
