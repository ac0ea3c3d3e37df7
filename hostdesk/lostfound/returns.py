"""Returns after a verified claim: pickup (code, ID checked at hand-over) or post (address,
posted, arrival confirmed with the claimant's reply), each closing the item when done."""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import InvalidTransition, ValidationFailed
from ..extensions import db
from ..settings import get_settings
from .checks import card_fields, check_length
from .claims import _claim, _contact
from .matching import refuse_card_numbers
from .models import ActionKind, ActionPoint, Category, Claim, FoundItem, ItemState, ReturnMethod
from .operations import move


def choose_pickup(actor, item: FoundItem, *, phone: str = "", email: str = "", language: str = "nl") -> Claim:
    claim = _claim(item)
    phone, email, language = _contact(item, phone, email, language)
    move(item, {ItemState.CLAIM_VERIFIED}, ItemState.AWAITING_PICKUP)
    claim.phone, claim.email, claim.language = phone or None, email or None, language
    claim.method = ReturnMethod.PICKUP
    claim.pickup_code = f"{secrets.randbelow(10**6):06d}"
    record(actor, "lostfound.hold_for_pickup", item, claim=claim.id, language=language)
    db.session.flush()
    return claim


def choose_post(actor, item: FoundItem, *, postal_address: str, phone: str = "", email: str = "",
                language: str = "nl", due_at: datetime | None = None) -> Claim:
    """Agree to post it: the address, and the action point "post the item"."""
    from .actions import add_action_point

    if item.category is Category.ID_DOCUMENT:
        raise InvalidTransition(_l("ID documents are never posted: the owner picks them up in person."))
    if item.state is not ItemState.CLAIM_VERIFIED:
        raise InvalidTransition(_l("Not possible while the item is “%(state)s”.", state=item.state.label))
    claim = _claim(item)
    phone, email, language = _contact(item, phone, email, language)
    address = check_length(postal_address, 400, _("Postal address"))
    if len(address) < 8:
        raise ValidationFailed(_l("Give the full postal address."))
    refuse_card_numbers(item.is_card, card_fields(postal_address=address, email=email))
    claim.phone, claim.email, claim.language = phone or None, email or None, language
    claim.postal_address, claim.method = address, ReturnMethod.POST
    record(actor, "lostfound.agree_post", item, claim=claim.id, language=language)
    add_action_point(actor, ActionKind.POST_ITEM, item=item, due_at=due_at or clock.utcnow(), owner=actor)
    db.session.flush()
    return claim


def hand_over(actor, item: FoundItem, *, pickup_code: str, id_checked: bool) -> Claim:
    from .actions import close_open_points

    claim = _claim(item)
    if item.state is ItemState.AWAITING_PICKUP and not id_checked:
        raise ValidationFailed(_l("Check the claimant's ID before handing the item over, and tick the box."))
    if item.state is ItemState.AWAITING_PICKUP and (pickup_code or "").strip() != (claim.pickup_code or ""):
        raise ValidationFailed(_l("The pickup code does not match."))
    now = clock.utcnow()
    move(item, {ItemState.AWAITING_PICKUP}, ItemState.RETURNED, closed_at=now)
    claim.id_checked, claim.handed_over_by_id, claim.handed_over_at = True, getattr(actor, "id", None), now
    record(actor, "lostfound.hand_over", item, claim=claim.id, id_checked=True)
    _close_reports(actor, item)
    close_open_points(actor, item, _("Closed: the item was returned"))
    db.session.flush()
    return claim


def post_item(actor, item: FoundItem, *, posted_on: date, carrier: str = "", tracking: str = "",
              postage_cents: int | None = None) -> Claim:
    from .actions import add_action_point, complete_open

    if item.category is Category.ID_DOCUMENT:
        raise InvalidTransition(_l("ID documents are never posted: the owner picks them up in person."))
    claim = _claim(item) if item.state is not ItemState.IN_STORAGE else None
    if claim is not None and item.state is ItemState.CLAIM_VERIFIED and claim.method is not ReturnMethod.POST:
        raise InvalidTransition(_l("Record the postal address first."))
    carrier = check_length(carrier, 60, _("Carrier"))
    tracking = check_length(tracking, 60, _("Tracking reference"))
    refuse_card_numbers(item.is_card, card_fields(carrier=carrier, tracking=tracking))
    zone = get_settings().zone
    if posted_on > clock.utcnow().astimezone(zone).date():
        raise ValidationFailed(_l("The date posted cannot be in the future."))
    if postage_cents is not None and not 0 <= postage_cents <= 100_000:
        raise ValidationFailed(_l("The postage is between 0 and 1000 euro."))
    move(item, {ItemState.CLAIM_VERIFIED}, ItemState.POSTED)
    claim = _claim(item)
    claim.posted_on, claim.carrier, claim.tracking, claim.postage_cents = posted_on, carrier, tracking, postage_cents
    # the tracking code itself stays on the claim, which the purge empties; the audit is never changed
    record(actor, "lostfound.post", item, claim=claim.id, posted_on=posted_on, carrier=carrier,
           tracking=bool(tracking), postage_cents=postage_cents)
    complete_open(actor, item, ActionKind.POST_ITEM, note=_("Posted"))
    check_day = posted_on + timedelta(days=get_settings().arrival_check_days)
    add_action_point(actor, ActionKind.ARRIVAL_CHECK, item=item,
                     due_at=datetime.combine(check_day, time(10, 0), tzinfo=zone), owner=actor)
    db.session.flush()
    return claim


def confirm_arrival(actor, item: FoundItem, *, reply_note: str = "") -> Claim:
    """The claimant's reply: it arrived. Recorded with an optional personal note; closes the item."""
    from .actions import close_open_points, complete_open

    reply_note = check_length(reply_note, 1000, _("Note"))
    refuse_card_numbers(item.is_card, card_fields(note=reply_note))
    now = clock.utcnow()
    move(item, {ItemState.POSTED}, ItemState.RETURNED, closed_at=now)
    claim = _claim(item)
    claim.reply_note, claim.reply_at = reply_note or None, now
    record(actor, "lostfound.arrival_confirmed", item, claim=claim.id, note=bool(reply_note))
    complete_open(actor, item, ActionKind.ARRIVAL_CHECK, note=_("Arrival confirmed"))
    _close_reports(actor, item)
    close_open_points(actor, item, _("Closed: the item was returned"))
    db.session.flush()
    return claim


def _close_reports(actor, item: FoundItem) -> None:
    from .models import LostReport, ReportState

    for report in db.session.scalars(sa.select(LostReport).where(LostReport.item_id == item.id,
                                                                 LostReport.state != ReportState.CLOSED)):
        report.state, report.closed_at = ReportState.CLOSED, clock.utcnow()
        record(actor, "lostfound.report_closed", report, item=item.reference)
    db.session.execute(sa.update(ActionPoint).where(ActionPoint.item_id == item.id, ActionPoint.done_at.is_(None),
                                                    ActionPoint.kind == ActionKind.CONTACT_GUEST)
                       .values(done_at=clock.utcnow(), done_by_id=getattr(actor, "id", None))
                       .execution_options(synchronize_session=False))
