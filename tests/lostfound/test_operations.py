"""Operations without HTTP: registration, the state machine, verification and lockout."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import AuditEntry, entries_for
from hostdesk.errors import AlreadyDone, InvalidTransition, ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.errors import ClaimsLocked, NotAllowed
from hostdesk.lostfound.matching import fold
from hostdesk.lostfound.models import (
    ActionKind,
    ActionPoint,
    AttemptOutcome,
    Category,
    Channel,
    ClaimAttempt,
    DisposalMethod,
    ItemState,
    QuestionKind,
)
from hostdesk.lostfound.operations import NewQuestion
from hostdesk.settings import update_settings

from .conftest import CARD_ANSWERS, fail_under_the_old_limit, right_answers, wrong_answers


def verify(actor, item, answers, name="Remco de Waard"):
    return ops.verify_claim(actor, item, claimant_name=name, channel=Channel.PHONE, answers=answers)


def test_register_gives_reference_and_audit(make_item, frozen, staff):
    first, second = make_item(), make_item(Category.UMBRELLA, "umbrella")
    assert first.reference == "LF-2026-0001" and second.reference == "LF-2026-0002"
    assert first.state is ItemState.IN_STORAGE and first.found_by_id == staff.id
    assert first.dispose_after == first.found_at + timedelta(days=7)  # retention counts from the day found
    assert second.dispose_after == second.found_at + timedelta(days=90)
    [entry] = entries_for("lf_item", first.id)
    assert entry.action == "lostfound.register" and entry.actor_id == staff.id


def test_bank_card_needs_three_questions(make_item):
    with pytest.raises(ValidationFailed):
        make_item(questions=[NewQuestion("Bank", QuestionKind.TEXT, "ING"),
                             NewQuestion("Last 4", QuestionKind.DIGITS, "1234")])


@pytest.mark.parametrize("value", ["", "   "])
def test_register_refuses_empty_description(make_item, value):
    with pytest.raises(ValidationFailed):
        make_item(description=value)


def test_no_expected_answer_is_stored_in_clear(make_item, app_ctx):
    make_item()
    make_item(Category.PHONE, "phone with cracked screen", questions=[
        NewQuestion("Make and model", QuestionKind.TEXT, "Fairphone 4"),
        NewQuestion("Case colour", QuestionKind.CHOICE, "paars"),
        NewQuestion("Owner", QuestionKind.NAME, "Jolanda Zwitserloot")])
    db.session.commit()
    secrets = {"ing", "oranje", "orange", "waard", "remco", "4821", "fairphone", "paars", "purple", "zwitserloot",
               "jolanda"}
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            for column, value in row.items():
                words = set(fold(str(value)).split()) if value is not None else set()
                found += [(table.name, column, s) for s in secrets if s in words]
    assert found == []


def test_verified_claim_moves_to_claim_verified(make_item, staff):
    item = make_item()
    attempt = verify(staff, item, right_answers(item))
    assert attempt.outcome is AttemptOutcome.VERIFIED and attempt.matched_count == 4
    assert item.state is ItemState.CLAIM_VERIFIED and item.claim.claimant_name == "Remco de Waard"
    assert set(attempt.matched.values()) == {True}


def test_failed_attempt_records_which_questions_matched_but_not_the_answers(make_item, staff):
    item = make_item()
    answers = right_answers(item)
    digits_q = next(q for q in item.questions if q.kind is QuestionKind.DIGITS)
    answers[digits_q.id] = "4822"
    attempt = verify(staff, item, answers, name="Someone Else")
    assert attempt.outcome is AttemptOutcome.FAILED and attempt.matched_count == 3
    assert attempt.matched[str(digits_q.id)] is False
    assert item.state is ItemState.IN_STORAGE and item.failed_attempts == 1
    assert attempt.taken_by_id == staff.id and attempt.channel is Channel.PHONE
    stored = repr(db.session.execute(sa.select(ClaimAttempt.__table__)).all()) + repr(
        db.session.execute(sa.select(AuditEntry.changes)).all())
    assert "4822" not in stored and "48 21" not in stored


def test_lockout_after_three_failures_and_manager_unlock(make_item, staff, manager):
    item = make_item()
    for _ in range(3):
        verify(staff, item, wrong_answers(item))
    assert item.claims_locked and item.failed_attempts == 3
    with pytest.raises(ClaimsLocked):
        verify(staff, item, right_answers(item))
    with pytest.raises(NotAllowed):
        ops.unlock_claims(staff, item)
    ops.unlock_claims(manager, item)
    assert not item.claims_locked and item.failed_attempts == 0
    actions = [e.action for e in entries_for("lf_item", item.id)]
    assert actions[-5:] == ["lostfound.claim_failed"] * 3 + ["lostfound.claims_locked", "lostfound.claims_unlocked"]
    assert entries_for("lf_item", item.id)[-1].actor_id == manager.id
    assert verify(staff, item, right_answers(item)).outcome is AttemptOutcome.VERIFIED
    with pytest.raises(InvalidTransition):
        ops.unlock_claims(manager, item)


def test_lowering_the_limit_locks_items_at_or_past_it(make_item, staff, manager):
    update_settings(manager, claim_lock_after_failures=5)
    item, below = make_item(), make_item(description="another card")
    for n in range(4):  # four callers: one claimant's own limit across items is not what this tests
        verify(staff, item, wrong_answers(item), name=f"Caller {n}")
    verify(staff, below, wrong_answers(below))
    assert not item.claims_locked
    update_settings(manager, claim_lock_after_failures=3)
    db.session.refresh(item)
    db.session.refresh(below)
    assert item.claims_locked and item.failed_attempts == 4
    assert not below.claims_locked and below.failed_attempts == 1
    locked = entries_for("lf_item", item.id)[-1]
    assert (locked.action, locked.actor_id, locked.changes) == (
        "lostfound.claims_locked", manager.id, {"failed_attempts": 4, "limit": 3})
    assert [e.action for e in entries_for("lf_item", below.id)][-1] == "lostfound.claim_failed"
    with pytest.raises(ClaimsLocked):
        verify(staff, item, right_answers(item))
    ops.unlock_claims(manager, item)
    assert verify(staff, item, right_answers(item)).outcome is AttemptOutcome.VERIFIED


def test_an_item_left_at_a_lowered_limit_locks_at_its_next_attempt(app, make_item, staff, manager):
    update_settings(manager, claim_lock_after_failures=5)
    item = make_item()
    verify(staff, item, wrong_answers(item))
    verify(staff, item, wrong_answers(item))
    fail_under_the_old_limit(app, item, staff.id, manager.id, new_limit=3)
    assert item.failed_attempts == 3 and not item.claims_locked
    attempt = verify(staff, item, right_answers(item))
    assert attempt.outcome is AttemptOutcome.REFUSED_LOCKED
    assert item.claims_locked and item.failed_attempts == 3
    actions = [e.action for e in entries_for("lf_item", item.id)]
    assert actions[-2:] == ["lostfound.claims_locked", "lostfound.claim_refused_locked"]
    ops.unlock_claims(manager, item)
    assert verify(staff, item, right_answers(item)).outcome is AttemptOutcome.VERIFIED


def test_locked_item_refuses_claims_but_not_unlock_twice(make_item, staff, manager):
    item = make_item()
    for _ in range(3):
        verify(staff, item, wrong_answers(item))
    ops.unlock_claims(manager, item)
    with pytest.raises(InvalidTransition):
        ops.unlock_claims(manager, item)


def test_claim_on_verified_item_is_refused(make_item, staff):
    item = make_item()
    verify(staff, item, right_answers(item))
    with pytest.raises(InvalidTransition):
        verify(staff, item, right_answers(item))


# --- the state machine: every allowed and forbidden transition -----------------------------------------------

def to_state(item, state, staff, manager):
    """Bring a fresh item to `state` by the allowed path."""
    if state is ItemState.IN_STORAGE:
        return
    if state is ItemState.DISPOSED:
        clock.advance(timedelta(days=8))
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, clock.utcnow().date(), "Mila")
        return
    verify(staff, item, right_answers(item))
    if state is ItemState.AWAITING_PICKUP:
        ops.choose_pickup(staff, item, phone="06 1234 5678")
    elif state in (ItemState.POSTED, ItemState.RETURNED):
        ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", email="r@example.org")
        ops.post_item(staff, item, posted_on=clock.utcnow().date(), carrier="PostNL")
        if state is ItemState.RETURNED:
            ops.confirm_arrival(staff, item)


def _verify(staff, manager, item):
    verify(staff, item, right_answers(item))


def _pickup(staff, manager, item):
    ops.choose_pickup(staff, item, phone="0612345678")


def _agree_post(staff, manager, item):
    ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", phone="0612345678")


def _hand_over(staff, manager, item):
    code = item.claim.pickup_code if item.claim else ""
    ops.hand_over(staff, item, pickup_code=code or "", id_checked=True)


def _post(staff, manager, item):
    if item.state is ItemState.CLAIM_VERIFIED:
        ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", phone="0612345678")
    ops.post_item(staff, item, posted_on=clock.utcnow().date())


def _arrived(staff, manager, item):
    ops.confirm_arrival(staff, item, reply_note="Thanks!")


def _dispose(staff, manager, item):
    clock.advance(timedelta(days=8))
    ops.dispose_item(manager, item, DisposalMethod.TO_BANK, clock.utcnow().date(), "Mila")


TRANSITIONS = {  # operation: (allowed from, state after)
    _verify: ({ItemState.IN_STORAGE}, ItemState.CLAIM_VERIFIED),
    _pickup: ({ItemState.CLAIM_VERIFIED}, ItemState.AWAITING_PICKUP),
    _agree_post: ({ItemState.CLAIM_VERIFIED}, ItemState.CLAIM_VERIFIED),
    _hand_over: ({ItemState.AWAITING_PICKUP}, ItemState.RETURNED),
    _post: ({ItemState.CLAIM_VERIFIED}, ItemState.POSTED),
    _arrived: ({ItemState.POSTED}, ItemState.RETURNED),
    _dispose: ({ItemState.IN_STORAGE}, ItemState.DISPOSED),
}


@pytest.mark.parametrize("operation", list(TRANSITIONS), ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("start", list(ItemState), ids=lambda s: s.value)
def test_state_machine(make_item, staff, manager, frozen, operation, start):
    item = make_item()
    to_state(item, start, staff, manager)
    allowed, after = TRANSITIONS[operation]
    if start in allowed:
        operation(staff, manager, item)
        assert item.state is after
    else:
        with pytest.raises((InvalidTransition, AlreadyDone)):
            operation(staff, manager, item)
        db.session.refresh(item)
        assert item.state is start


def test_id_documents_are_never_posted(make_item, staff):
    item = make_item(Category.ID_DOCUMENT, "ID document", questions=[
        NewQuestion("Kind", QuestionKind.TEXT, "paspoort"), NewQuestion("Name", QuestionKind.NAME, "Ada Jansen")])
    verify(staff, item, {q.id: ("paspoort" if q.kind is QuestionKind.TEXT else "A. Jansen") for q in item.questions})
    with pytest.raises(InvalidTransition):
        ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", phone="0612345678")
    with pytest.raises(InvalidTransition):
        ops.post_item(staff, item, posted_on=clock.utcnow().date())
    ops.choose_pickup(staff, item, phone="0612345678")
    with pytest.raises(ValidationFailed):
        ops.hand_over(staff, item, pickup_code=item.claim.pickup_code, id_checked=False)
    with pytest.raises(ValidationFailed):
        ops.hand_over(staff, item, pickup_code="x", id_checked=True)
    ops.hand_over(staff, item, pickup_code=item.claim.pickup_code, id_checked=True)
    assert item.state is ItemState.RETURNED and item.claim.handed_over_by_id == staff.id and item.closed_at


def test_posting_creates_arrival_check_and_completes_post_action(make_item, staff, frozen):
    item = make_item()
    verify(staff, item, right_answers(item))
    ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", email="remco@example.org",
                    language="en")
    [post_point] = db.session.scalars(sa.select(ActionPoint).where(ActionPoint.kind == ActionKind.POST_ITEM)).all()
    assert post_point.done_at is None
    ops.post_item(staff, item, posted_on=frozen.date(), carrier="PostNL", tracking="3SABC123", postage_cents=450)
    db.session.refresh(post_point)
    assert post_point.done_at is not None
    check = db.session.scalar(sa.select(ActionPoint).where(ActionPoint.kind == ActionKind.ARRIVAL_CHECK))
    assert check.done_at is None and (check.due_at - frozen).days in (3, 4)
    ops.confirm_arrival(staff, item, reply_note="Arrived safely, thanks")
    db.session.refresh(check)
    assert check.done_at is not None and item.state is ItemState.RETURNED


# --- card numbers ---------------------------------------------------------------------------------------------

PAN = "4111 1111 1111 1111"


@pytest.mark.parametrize("field", ["description", "where_found", "storage_location", "prompt", "text_answer",
                                   "name_answer"])
def test_card_item_refuses_card_number_in_every_text_field(make_item, field, app_ctx):
    questions = [NewQuestion("Which bank?", QuestionKind.TEXT, "ING"),
                 NewQuestion("Colour", QuestionKind.CHOICE, "orange"),
                 NewQuestion("Name on the card", QuestionKind.NAME, "Remco de Waard"),
                 NewQuestion("Last 4", QuestionKind.DIGITS, "4821")]
    extra = {}
    if field == "prompt":
        questions[0].prompt = f"Number {PAN}?"
    elif field == "text_answer":
        questions[0].answer = "123456789012"
    elif field == "name_answer":
        questions[2].answer = f"R de Waard {PAN}"
    elif field == "description":
        extra["description"] = f"card {PAN}"
    with pytest.raises(ValidationFailed) as refused:
        if field in ("where_found", "storage_location"):
            from hostdesk.lostfound.operations import NewItem, register_found_item
            new = NewItem(Category.BANK_CARD, "orange card", "drawer", clock.utcnow(), questions=questions)
            setattr(new, field, "nr 1234567890123")
            register_found_item(None, new)
        else:
            make_item(questions=questions, **extra)
    with force_locale("en"):
        assert "card number" in str(refused.value.message)
    with force_locale("nl"):
        assert "pasnummer" in str(refused.value.message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("lf_items"))) == 0


def test_card_item_refuses_digits_other_than_four(make_item):
    for digits in ("4111111111111111", "482"):
        with pytest.raises(ValidationFailed):
            make_item(questions=[NewQuestion("Bank", QuestionKind.TEXT, "ING"),
                                 NewQuestion("Colour", QuestionKind.CHOICE, "orange"),
                                 NewQuestion("Last 4", QuestionKind.DIGITS, digits)])


def test_card_numbers_refused_in_claim_and_post_fields(make_item, staff):
    item = make_item()
    with pytest.raises(ValidationFailed):
        ops.verify_claim(staff, item, claimant_name=f"Remco {PAN}", channel=Channel.PHONE, answers={})
    verify(staff, item, right_answers(item))
    with pytest.raises(ValidationFailed):
        ops.choose_post(staff, item, postal_address=f"Dorpsstraat 1 {PAN}", phone="0612345678")
    ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", phone="0612345678")
    with pytest.raises(ValidationFailed):
        ops.post_item(staff, item, posted_on=clock.utcnow().date(), tracking="123456789012")


def test_any_item_refuses_luhn_valid_number(make_item):
    with pytest.raises(ValidationFailed):
        make_item(Category.UMBRELLA, "umbrella with tag 4111111111111111")
    item = make_item(Category.UMBRELLA, "umbrella with tag 123456789012")
    assert item.reference


def test_action_point_done_once(make_item, staff):
    item = make_item()
    point = ops.add_action_point(staff, ActionKind.CALLBACK, item=item, due_at=clock.utcnow() + timedelta(hours=2),
                                 owner=staff, note="call back at 14:00, busy at lunch")
    ops.complete_action_point(staff, point, "reached him")
    assert point.done_at and point.done_note == "reached him" and point.done_by_id == staff.id
    with pytest.raises(AlreadyDone):
        ops.complete_action_point(staff, point)
    assert any(e.action == "lostfound.action_done" for e in entries_for("lf_item", item.id))


def test_the_answers_never_reach_the_audit_trail(make_item, staff):
    item = make_item()
    verify(staff, item, wrong_answers(item))
    verify(staff, item, right_answers(item))
    trail = repr([(e.action, e.changes) for e in db.session.scalars(sa.select(AuditEntry))]).lower()
    for secret in CARD_ANSWERS.values():
        assert secret.lower() not in trail


def test_where_found_links_the_floor_table(make_item, app_ctx):
    from hostdesk.floor.models import Area, Table

    area = Area(name="Terras")
    db.session.add(area)
    db.session.flush()
    table = Table(name="12", area_id=area.id, min_seats=1, max_seats=4)
    db.session.add(table)
    db.session.flush()
    from hostdesk.lostfound.operations import table_named

    assert table_named("tafel 12") == table.id and table_named("12") == table.id
    assert table_named("bar") is None and table_named("") is None


def test_card_numbers_refused_in_notes_replies_witness_and_mail(make_item, staff, manager, frozen):
    from hostdesk.lostfound.mail import send_aftercare

    item = make_item()
    with pytest.raises(ValidationFailed):
        ops.add_action_point(staff, ActionKind.CALLBACK, item=item, due_at=frozen, note=f"card {PAN}")
    with pytest.raises(ValidationFailed):
        ops.add_action_point(staff, ActionKind.CALLBACK, item=item, due_at=frozen, note="nr 1234 5678 9012")
    verify(staff, item, right_answers(item))
    ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", email="r@example.org")
    ops.post_item(staff, item, posted_on=frozen.date())
    with pytest.raises(ValidationFailed):
        send_aftercare(staff, item, "Your card", f"We posted card {PAN}")
    with pytest.raises(ValidationFailed):
        ops.confirm_arrival(staff, item, reply_note=f"my number is {PAN}")
    assert item.state is ItemState.POSTED
    other = make_item(description="another card")
    clock.advance(timedelta(days=8))
    with pytest.raises(ValidationFailed):
        ops.dispose_item(manager, other, DisposalMethod.TO_BANK, clock.utcnow().date(), f"Mila {PAN}")


def test_required_matches_setting(make_item, staff, manager):
    update_settings(manager, verification_required_matches=1)
    umbrella = make_item(Category.UMBRELLA, "umbrella")  # two questions: colour, brand
    colour = next(q for q in umbrella.questions if q.kind is QuestionKind.CHOICE)
    attempt = verify(staff, umbrella, {colour.id: "zwart"})
    assert attempt.outcome is AttemptOutcome.VERIFIED and attempt.matched_count == 1
    card = make_item()  # a bank card still needs bank_card_min_questions (3) matches
    answers = right_answers(card)
    for q in card.questions[2:]:
        answers[q.id] = "wrong"
    assert verify(staff, card, answers).outcome is AttemptOutcome.FAILED
