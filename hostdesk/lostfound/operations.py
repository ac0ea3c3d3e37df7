"""State changes of found items: register, dispose, purge personal data (docs/architecture.md).

Claims and returns live in claims.py, action points in actions.py, lost reports in reports.py;
they are re-exported here so callers find every transition in one place. Each operation checks
the state machine, writes its audit entry, flushes and never commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import cards, clock
from ..audit import record
from ..errors import AlreadyDone, InvalidTransition, ValidationFailed
from ..extensions import db
from ..settings import get_settings
from .checks import card_fields, check_length
from .matching import fold, gives_away, hash_expected, refuse_card_numbers
from .models import (
    ActionPoint,
    Category,
    Claim,
    ClaimAttempt,
    DisposalMethod,
    FoundItem,
    ItemState,
    ItemWord,
    LostReport,
    OutboxMail,
    Question,
    QuestionKind,
    ReferenceCounter,
)


@dataclass
class NewQuestion:
    prompt: str
    kind: QuestionKind
    answer: str
    required: bool = True


@dataclass
class NewItem:
    category: Category
    description: str
    storage_location: str
    found_at: datetime
    where_found: str = ""
    questions: list[NewQuestion] = field(default_factory=list)
    photo: bytes | None = None
    photo_filename: str = ""


def next_reference(moment: datetime) -> str:
    """LF-<year>-<nnnn>: the counter row's UPDATE serialises concurrent registrations."""
    year = moment.astimezone(get_settings().zone).year
    bump = sa.update(ReferenceCounter).where(ReferenceCounter.year == year).values(last=ReferenceCounter.last + 1)
    if db.session.execute(bump.execution_options(synchronize_session=False)).rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last=0))
        except IntegrityError:
            pass  # another registration created the row first: its lock orders us after it
        db.session.execute(bump.execution_options(synchronize_session=False))
    number = db.session.scalar(sa.select(ReferenceCounter.last).where(ReferenceCounter.year == year))
    return f"LF-{year}-{number:04d}"


def description_words(text: str) -> set[str]:
    return {w[:40] for w in fold(text).split() if len(w) >= 3}


def register_found_item(actor, new: NewItem) -> FoundItem:
    from .photos import save_photo
    from .reports import link_matching_reports

    settings = get_settings()
    now = clock.utcnow()
    category = Category(new.category)
    description = check_length(new.description, 200, _("Description"))
    storage = check_length(new.storage_location, 80, _("Storage place"))
    where = check_length(new.where_found, 120, _("Where found"))
    if not description:
        raise ValidationFailed(_l("Give a short description, for example “black umbrella”."))
    if not storage:
        raise ValidationFailed(_l("Say where the item is kept, for example “office drawer 2”."))
    if new.found_at.tzinfo is None or new.found_at > now + timedelta(minutes=5):
        raise ValidationFailed(_l("The time found cannot be in the future."))
    if new.found_at < now - timedelta(days=366):
        raise ValidationFailed(_l("The time found is more than a year ago."))
    questions = [q for q in new.questions if (q.prompt or "").strip() and (q.answer or "").strip()]
    if not questions:
        raise ValidationFailed(_l("Fill in at least one control question with its answer from the item."))
    if category is Category.BANK_CARD and len(questions) < settings.bank_card_min_questions:
        raise ValidationFailed(_l("A bank card needs at least %(n)d control questions with answers.",
                                  n=settings.bank_card_min_questions))
    is_card = category in (Category.BANK_CARD, Category.ID_DOCUMENT)
    fields = card_fields(description=description, where_found=where, storage_location=storage)
    for index, q in enumerate(questions, start=1):
        fields[_("Question %(n)d", n=index)] = q.prompt
        if q.kind in (QuestionKind.TEXT, QuestionKind.NAME):
            fields[_("Answer to question %(n)d", n=index)] = q.answer
    refuse_card_numbers(is_card, fields)
    if is_card and new.photo:
        raise ValidationFailed(_l("Bank cards and ID documents are registered without a photo: a photo would show "
                                  "the answers to the control questions."))
    if new.photo_filename and cards.holds_card_number(new.photo_filename):
        raise ValidationFailed(_l("The photo's file name holds what looks like a full card number. Rename the file "
                                  "or take the photo again."))
    for q in questions:  # while the answers are still in hand: the public description must not give one away
        if gives_away(description, QuestionKind(q.kind).value, q.answer, category.value):
            raise ValidationFailed(_l("The description gives away the answer to “%(question)s”. Describe the item "
                                      "without it, for example “bank card” or “phone in a case”.",
                                      question=q.prompt))
    # hash_expected validates each answer
    hashed = [(q, hash_expected(QuestionKind(q.kind).value, q.answer, category.value)) for q in questions]

    item = FoundItem(
        reference=next_reference(now), category=category, description=description, where_found=where,
        found_at=new.found_at, found_by_id=getattr(actor, "id", None), storage_location=storage,
        registered_at=now, dispose_after=new.found_at + timedelta(days=settings.retention_for(category.value)),
        state=ItemState.IN_STORAGE,
    )
    for position, (q, expected) in enumerate(hashed):
        item.questions.append(Question(position=position, prompt=check_length(q.prompt, 200, _("Question")),
                                       kind=QuestionKind(q.kind), required=q.required, salt=expected.salt,
                                       answer_hash=expected.answer_hash, initial_hash=expected.initial_hash))
    item.table_id = table_named(where)
    if new.photo:
        item.photo_name = save_photo(new.photo)
    db.session.add(item)
    db.session.flush()
    for word in description_words(description):
        db.session.add(ItemWord(word=word, item_id=item.id))
    record(actor, "lostfound.register", item, reference=item.reference, category=category,
           storage_location=storage, where_found=where, questions=len(questions), photo=bool(item.photo_name))
    link_matching_reports(actor, item)
    db.session.flush()
    return item


def table_named(where: str) -> int | None:
    """The floor table that "where found" names ("12", "table 12", "tafel 12"), if any."""
    from ..floor.models import Table

    words = where.strip().split()
    if not words:
        return None
    name = words[-1] if len(words) == 2 and fold(words[0]) in ("table", "tafel") else where.strip()
    return db.session.scalar(sa.select(Table.id).where(sa.func.lower(Table.name) == name.lower()).limit(1))


def move(item: FoundItem, allowed: set[ItemState], target: ItemState, **values) -> None:
    """Conditional UPDATE: only from an allowed state, so two tablets cannot both move the item."""
    stmt = (sa.update(FoundItem).where(FoundItem.id == item.id, FoundItem.state.in_(allowed))
            .values(state=target, **values).execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount != 1:
        db.session.refresh(item)
        if item.state is target:
            raise AlreadyDone(_l("This was already done (%(state)s).", state=item.state.label))
        raise InvalidTransition(_l("Not possible while the item is “%(state)s”.", state=item.state.label))
    db.session.refresh(item)


def ensure_disposable(item: FoundItem) -> None:
    """Only an item still in storage can be disposed of (asked before its form is read)."""
    if item.state is not ItemState.IN_STORAGE:
        raise InvalidTransition(_l("Not possible while the item is “%(state)s”.", state=item.state.label))


def dispose_item(actor, item: FoundItem, method: DisposalMethod, disposed_on: date, witness: str) -> FoundItem:
    witness = check_length(witness, 80, _("Witness"))
    if not witness:
        raise ValidationFailed(_l("Name the witness of the disposal."))
    refuse_card_numbers(item.is_card, card_fields(witness=witness))
    if disposed_on > clock.utcnow().astimezone(get_settings().zone).date():
        raise ValidationFailed(_l("The disposal date cannot be in the future."))
    if item.state is ItemState.IN_STORAGE and clock.utcnow() < item.dispose_after:
        raise InvalidTransition(_l("The retention period has not passed yet."))
    move(item, {ItemState.IN_STORAGE}, ItemState.DISPOSED, disposal_method=DisposalMethod(method),
         disposed_on=disposed_on, disposal_witness=witness, closed_at=clock.utcnow())
    record(actor, "lostfound.dispose", item, method=DisposalMethod(method), disposed_on=disposed_on, witness=witness)
    close_open_points(actor, item, _("Closed: the item was disposed of"))
    return item


def purge_personal_data() -> int:
    """Erase, past the erasure period: claimants' and lost reports' personal data, the tracking codes
    of posted items, and the photos of disposed items. Returns the count."""
    now = clock.utcnow()
    cutoff = now - timedelta(days=get_settings().personal_data_erasure_days)
    closed_items = sa.select(FoundItem.id).where(FoundItem.closed_at.is_not(None), FoundItem.closed_at < cutoff)
    nothing = dict(execution_options={"synchronize_session": False})
    claims = db.session.execute(
        sa.update(Claim).where(Claim.erased_at.is_(None), Claim.item_id.in_(closed_items))
        .values(claimant_name=None, phone=None, email=None, postal_address=None, reply_note=None, tracking=None,
                erased_at=now),
        **nothing).rowcount
    tracking = db.session.execute(sa.update(Claim).where(Claim.item_id.in_(closed_items), Claim.tracking.is_not(None))
                                  .values(tracking=None), **nothing).rowcount
    db.session.execute(sa.update(ClaimAttempt).where(ClaimAttempt.item_id.in_(closed_items),
                                                     ClaimAttempt.claimant_name.is_not(None))
                       .values(claimant_name=None), **nothing)
    db.session.execute(sa.update(OutboxMail).where(OutboxMail.item_id.in_(closed_items), OutboxMail.erased_at.is_(None))
                       .values(to_address=None, body=None, erased_at=now), **nothing)
    db.session.execute(sa.update(ActionPoint).where(ActionPoint.item_id.in_(closed_items))
                       .values(note="", done_note=None), **nothing)
    report_done = sa.or_(
        LostReport.item_id.in_(closed_items),
        sa.and_(LostReport.closed_at.is_not(None), LostReport.closed_at < cutoff),
        sa.and_(LostReport.item_id.is_(None), LostReport.created_at < cutoff),
    )
    stale_reports = sa.select(LostReport.id).where(LostReport.erased_at.is_(None), report_done)
    db.session.execute(sa.update(ActionPoint).where(ActionPoint.report_id.in_(stale_reports))
                       .values(note="", done_note=None), **nothing)
    reports = db.session.execute(
        sa.update(LostReport).where(LostReport.erased_at.is_(None), report_done)
        .values(name=None, phone=None, email=None, erased_at=now), **nothing).rowcount
    photos = _remove_disposed_photos(cutoff)
    if claims or reports or photos or tracking:
        record(None, "lostfound.purge_personal_data", None, claims=claims, reports=reports, photos=photos,
               tracking=tracking)
    db.session.flush()
    db.session.expire_all()
    return claims + reports + photos + tracking


def _remove_disposed_photos(cutoff: datetime) -> int:
    """Photos of items disposed of before the cutoff: the file is deleted and the item forgets it."""
    from .photos import photo_path

    removed = 0
    for item in db.session.scalars(sa.select(FoundItem).where(
            FoundItem.state == ItemState.DISPOSED, FoundItem.closed_at < cutoff, FoundItem.photo_name.is_not(None))):
        path = photo_path(item.photo_name)
        if path is not None:
            path.unlink(missing_ok=True)
        item.photo_name = None
        removed += 1
    return removed


from .actions import add_action_point, close_open_points, complete_action_point  # noqa: E402,F401
from .claims import unlock_claims, verify_claim  # noqa: E402,F401
from .reports import close_report, link_report, report_lost, unlink_report  # noqa: E402,F401
from .returns import choose_pickup, choose_post, confirm_arrival, hand_over, post_item  # noqa: E402,F401
