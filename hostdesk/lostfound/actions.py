"""Action points: call back, post the item, ask whether it arrived, contact the guest."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, ValidationFailed
from ..extensions import db
from .matching import refuse_card_numbers
from .models import ActionKind, ActionPoint, FoundItem, LostReport


def add_action_point(actor, kind: ActionKind, *, item: FoundItem | None = None, report: LostReport | None = None,
                     due_at: datetime, owner=None, note: str = "") -> ActionPoint:
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(_l("A note is at most 300 characters."))
    if item is None and report is None:
        raise ValidationFailed(_l("An action point belongs to an item or a lost report."))
    if due_at.tzinfo is None:
        raise ValidationFailed(_l("Give a due time."))
    if due_at < clock.utcnow() - timedelta(days=1):
        raise ValidationFailed(_l("The due time is in the past."))
    refuse_card_numbers(bool(item and item.is_card), {_("Note"): note})
    point = ActionPoint(item_id=item.id if item else None, report_id=report.id if report else None,
                        kind=ActionKind(kind), note=note, due_at=due_at, owner_id=getattr(owner, "id", owner),
                        created_by_id=getattr(actor, "id", None), created_at=clock.utcnow())
    db.session.add(point)
    db.session.flush()
    record(actor, "lostfound.action_added", item or report, action_point=point.id, kind=point.kind,
           due_at=due_at, owner=getattr(owner, "display_name", None))
    return point


def complete_action_point(actor, point: ActionPoint, note: str = "") -> ActionPoint:
    """Done with one tap; a second tap (or tablet) is told it was already done."""
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(_l("A note is at most 300 characters."))
    refuse_card_numbers(bool(point.item and point.item.is_card), {_("Note"): note})
    now = clock.utcnow()
    stmt = (sa.update(ActionPoint).where(ActionPoint.id == point.id, ActionPoint.done_at.is_(None))
            .values(done_at=now, done_by_id=getattr(actor, "id", None), done_note=note or None)
            .execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount != 1:
        raise AlreadyDone(_l("This action point was already done."))
    db.session.refresh(point)
    record(actor, "lostfound.action_done", point.item or point.report, action_point=point.id, kind=point.kind,
           note=bool(note))
    return point


def close_open_points(actor, item: FoundItem, reason: str, kinds: set[ActionKind] | None = None,
                      report: LostReport | None = None) -> int:
    """Close the item's open action points (of `kinds`, or all; of one report, or any) with a reason:
    nobody calls back about an item that is gone."""
    conditions = [ActionPoint.item_id == item.id, ActionPoint.done_at.is_(None)]
    if kinds:
        conditions.append(ActionPoint.kind.in_(kinds))
    if report is not None:
        conditions.append(ActionPoint.report_id == report.id)
    closed = 0
    for point in db.session.scalars(sa.select(ActionPoint).where(*conditions)):
        complete_action_point(actor, point, reason)
        closed += 1
    return closed


def complete_open(actor, item: FoundItem, kind: ActionKind, note: str = "") -> None:
    for point in db.session.scalars(sa.select(ActionPoint).where(
            ActionPoint.item_id == item.id, ActionPoint.kind == kind, ActionPoint.done_at.is_(None))):
        complete_action_point(actor, point, note)
