"""Claims: verification with lockout, then pickup or post, hand-over, arrival.

Failed attempts are counted with one conditional UPDATE (`... WHERE locked_at IS NULL AND
failed_attempts < limit`), so two tablets guessing at the same moment cannot slip past the
limit: the database decides which attempt was the last one allowed. An item at or past the
limit is locked: when it gets there, when a manager lowers the limit, or at its next attempt
if the limit was lowered while its last failure was being counted.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import InvalidTransition, ValidationFailed
from ..extensions import db
from ..settings import get_settings, settings_changed
from .checks import card_fields, check_length
from .errors import ClaimsLocked, NotAllowed, TooManyAttempts
from .matching import fold, matches, refuse_card_numbers
from .models import (
    AttemptOutcome,
    Category,
    Channel,
    Claim,
    ClaimAttempt,
    FoundItem,
    ItemState,
)

LANGUAGES = ("nl", "en")


def _locked_error() -> ClaimsLocked:
    return ClaimsLocked(
        _l("Claims on this item are locked after too many failed attempts. Ask a manager to unlock it."))


def _refuse_guessing_across_items(actor, item: FoundItem, claimant_name: str) -> None:
    """Failed verifications within CLAIM_FAILURE_WINDOW, over every item: at most
    CLAIM_MAX_FAILURES_PER_STAFF by one staff member and CLAIM_MAX_FAILURES_PER_CLAIMANT for one
    claimant (by name, ignoring case, accents and spacing). Each refusal is audited, without the name."""
    cfg = current_app.config
    recent = sa.select(ClaimAttempt.taken_by_id, ClaimAttempt.claimant_name).where(
        ClaimAttempt.outcome == AttemptOutcome.FAILED, ClaimAttempt.at >= clock.utcnow() - cfg["CLAIM_FAILURE_WINDOW"])
    rows = db.session.execute(recent).all()
    actor_id, claimant = getattr(actor, "id", None), fold(claimant_name).replace(" ", "")
    by_staff = sum(1 for row in rows if actor_id is not None and row.taken_by_id == actor_id)
    for_claimant = sum(1 for row in rows if fold(row.claimant_name or "").replace(" ", "") == claimant)
    if by_staff >= cfg["CLAIM_MAX_FAILURES_PER_STAFF"]:
        record(actor, "lostfound.claim_refused_limit", item, scope="staff", failures=by_staff)
        raise TooManyAttempts(_l("Too many failed verifications by you in a short time. Ask a manager or a "
                                 "colleague to check this claim."))
    if for_claimant >= cfg["CLAIM_MAX_FAILURES_PER_CLAIMANT"]:
        record(actor, "lostfound.claim_refused_limit", item, scope="claimant", failures=for_claimant)
        raise TooManyAttempts(_l("Too many failed verifications for this claimant in a short time. Ask them to "
                                 "come by with proof of ownership."))


def needed_matches(item: FoundItem) -> int:
    settings = get_settings()
    count = len(item.questions)
    required = settings.verification_required_matches
    needed = count if required <= 0 else min(required, count)
    if item.category is Category.BANK_CARD:
        needed = max(needed, min(settings.bank_card_min_questions, count))
    return needed


def is_verified(item: FoundItem, matched: dict[int, bool]) -> bool:
    if get_settings().verification_required_matches <= 0:
        required_ok = all(matched.get(q.id, False) for q in item.questions if q.required)
    else:
        required_ok = True
    return required_ok and sum(matched.values()) >= needed_matches(item)


def verify_claim(actor, item: FoundItem, *, claimant_name: str, channel: Channel,
                 answers: dict[int, str]) -> ClaimAttempt:
    """Compare the claimant's answers with the stored hashes; returns the recorded attempt."""
    claimant_name = check_length(claimant_name, 120, _("Claimant's name"))
    if not claimant_name:
        raise ValidationFailed(_l("Type the claimant's name."))
    refuse_card_numbers(item.is_card, card_fields(claimant_name=claimant_name))
    if item.state is not ItemState.IN_STORAGE:
        raise InvalidTransition(_l("This item is not open for claims (%(state)s).", state=item.state.label))
    if item.locked_at is not None:
        raise _locked_error()
    _refuse_guessing_across_items(actor, item, claimant_name)
    limit = max(1, get_settings().claim_lock_after_failures)
    matched = {q.id: matches(q.kind.value, answers.get(q.id, "") or "", q.salt, q.answer_hash, q.initial_hash,
                       item.category.value) for q in item.questions}
    verified = is_verified(item, matched)
    open_for_claims = (FoundItem.id == item.id, FoundItem.state == ItemState.IN_STORAGE,
                       FoundItem.locked_at.is_(None), FoundItem.failed_attempts < limit)
    if verified:
        stmt = sa.update(FoundItem).where(*open_for_claims).values(state=ItemState.CLAIM_VERIFIED)
    else:
        now = clock.utcnow()
        stmt = sa.update(FoundItem).where(*open_for_claims).values(
            failed_attempts=FoundItem.failed_attempts + 1,
            locked_at=sa.case((FoundItem.failed_attempts + 1 >= limit, now), else_=FoundItem.locked_at))
    won = db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1
    db.session.refresh(item)
    if not won and item.state is not ItemState.IN_STORAGE:
        raise InvalidTransition(_l("Another tablet has just dealt with this item (%(state)s).", state=item.state.label))
    if not won:
        _lock_at_limit(actor, item, limit)
    outcome = (AttemptOutcome.VERIFIED if verified else AttemptOutcome.FAILED) if won else AttemptOutcome.REFUSED_LOCKED
    attempt = ClaimAttempt(
        item_id=item.id, at=clock.utcnow(), channel=Channel(channel), claimant_name=claimant_name,
        taken_by_id=getattr(actor, "id", None), outcome=outcome,
        matched={str(k): v for k, v in matched.items()} if won else {},
        matched_count=sum(matched.values()) if won else 0, question_count=len(matched),
    )
    db.session.add(attempt)
    db.session.flush()
    if outcome is AttemptOutcome.VERIFIED:
        db.session.add(Claim(item_id=item.id, attempt_id=attempt.id, channel=Channel(channel),
                             claimant_name=claimant_name, created_at=clock.utcnow()))
        record(actor, "lostfound.claim_verified", item, attempt=attempt.id, channel=Channel(channel),
               matched=attempt.matched_count, of=len(matched), results=_results(item, matched))
    elif outcome is AttemptOutcome.FAILED:
        record(actor, "lostfound.claim_failed", item, attempt=attempt.id, channel=Channel(channel),
               matched=attempt.matched_count, of=len(matched), failed_attempts=item.failed_attempts,
               results=_results(item, matched))
        if item.locked_at is not None:
            record(actor, "lostfound.claims_locked", item, failed_attempts=item.failed_attempts)
    else:
        record(actor, "lostfound.claim_refused_locked", item, attempt=attempt.id, channel=Channel(channel))
    db.session.flush()
    return attempt


def _results(item: FoundItem, matched: dict[int, bool]) -> str:
    """Per question, matched or not: for a manager's eyes in the audit, never for the verifier's."""
    return "; ".join(f"{q.prompt}: {'✓' if matched.get(q.id) else '✗'}" for q in item.questions)


def attempts_left(item: FoundItem) -> int:
    return 0 if item.locked_at is not None else max(0, max(1, get_settings().claim_lock_after_failures)
                                                      - item.failed_attempts)


def _lock_at_limit(actor, item: FoundItem, limit: int) -> None:
    """Lock an open item whose failed attempts stand at or past `limit` but which is not locked yet."""
    stmt = (sa.update(FoundItem)
            .where(FoundItem.id == item.id, FoundItem.state == ItemState.IN_STORAGE, FoundItem.locked_at.is_(None),
                   FoundItem.failed_attempts >= limit)
            .values(locked_at=clock.utcnow()).execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount == 1:
        db.session.refresh(item)
        record(actor, "lostfound.claims_locked", item, failed_attempts=item.failed_attempts, limit=limit)


@settings_changed.connect
def _lock_at_a_lowered_limit(actor, changed: dict, **_extra) -> None:
    """A lowered limit locks every open item already at or past it, audited as the manager's lock."""
    if "claim_lock_after_failures" not in changed:
        return
    limit = max(1, get_settings().claim_lock_after_failures)
    at_limit = sa.select(FoundItem).where(FoundItem.state == ItemState.IN_STORAGE, FoundItem.locked_at.is_(None),
                                          FoundItem.failed_attempts >= limit)
    for item in db.session.scalars(at_limit).all():
        _lock_at_limit(actor, item, limit)


def unlock_claims(actor, item: FoundItem) -> FoundItem:
    if not getattr(actor, "is_manager", False):
        raise NotAllowed(_l("Only a manager can unlock claims."))
    stmt = (sa.update(FoundItem).where(FoundItem.id == item.id, FoundItem.locked_at.is_not(None))
            .values(locked_at=None, failed_attempts=0).execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount != 1:
        db.session.refresh(item)
        raise InvalidTransition(_l("Claims on this item are not locked."))
    db.session.refresh(item)
    record(actor, "lostfound.claims_unlocked", item)
    return item


def _contact(item: FoundItem, phone: str, email: str, language: str) -> tuple[str, str, str]:
    from email_validator import EmailNotValidError, validate_email

    phone = check_length(phone, 40, _("Phone"))
    email = check_length(email, 254, _("E-mail"))
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValidationFailed(_l("That e-mail address does not look right.")) from None
    if not phone and not email:
        raise ValidationFailed(_l("Give a phone number or an e-mail address to reach the claimant."))
    if phone and not all(ch.isdigit() or ch in "+-() ." for ch in phone):
        raise ValidationFailed(_l("A phone number holds only digits, spaces and + - ( )."))
    return phone, email, language if language in LANGUAGES else "nl"


def _claim(item: FoundItem) -> Claim:
    claim = db.session.scalar(sa.select(Claim).where(Claim.item_id == item.id))
    if claim is None:
        raise InvalidTransition(_l("This item has no verified claim."))
    return claim
