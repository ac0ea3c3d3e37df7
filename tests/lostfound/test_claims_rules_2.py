"""Claims word by word, second part: what a verification records and tells, the limits across items,
the refusals' messages, and the claimant's contact details for the return."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_login import AnonymousUserMixin

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.auth.models import User
from hostdesk.errors import InvalidTransition, ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound import claims
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.errors import TooManyAttempts
from hostdesk.lostfound.models import (
    AttemptOutcome,
    Category,
    Channel,
    Claim,
    ClaimAttempt,
    FoundItem,
    ItemState,
    QuestionKind,
)
from hostdesk.lostfound.operations import NewQuestion
from hostdesk.settings import update_settings

from .conftest import fail_under_the_old_limit, right_answers, wrong_answers


def verify(actor, item, answers, name="Remco de Waard", channel=Channel.PHONE):
    return claims.verify_claim(actor, item, claimant_name=name, channel=channel, answers=answers)


def refused_message(refused) -> str:
    with force_locale("en"):
        return str(refused.value.message)


def entries(item, action):
    return [e for e in entries_for("lf_item", item.id) if e.action == action]


def by_prompt(item, given: dict[str, str]) -> dict[int, str]:
    return {q.id: given[q.prompt] for q in item.questions if q.prompt in given}


def umbrella(make_item, brand: str, brand_required: bool = True):
    return make_item(category=Category.UMBRELLA, description="umbrella", questions=[
        NewQuestion("Colour", QuestionKind.CHOICE, "zwart"),
        NewQuestion("Brand", QuestionKind.TEXT, brand, required=brand_required)])


# --- what passes and what fails ---------------------------------------------------------------------------------

def test_with_every_answer_required_an_optional_question_must_match_too(make_item, staff, manager):
    update_settings(manager, verification_required_matches=0)  # 0 = every question must match
    item = umbrella(make_item, "Knirps", brand_required=False)
    attempt = verify(staff, item, by_prompt(item, {"Colour": "zwart", "Brand": "Totes"}))
    assert attempt.outcome is AttemptOutcome.FAILED and item.state is ItemState.IN_STORAGE
    assert verify(staff, item, by_prompt(item, {"Colour": "zwart", "Brand": "Knirps"}),
                  name="Other Caller").outcome is AttemptOutcome.VERIFIED


@pytest.mark.parametrize("given", [{"Colour": "zwart"}, {"Colour": "zwart", "Brand": ""}],
                         ids=["left-out", "empty"])
def test_an_answer_left_out_never_matches(make_item, staff, given):
    item = umbrella(make_item, "XXXX")  # whatever the expected answer, even letters only
    attempt = verify(staff, item, by_prompt(item, given))
    assert attempt.outcome is AttemptOutcome.FAILED
    brand = next(q for q in item.questions if q.prompt == "Brand")
    assert attempt.matched[str(brand.id)] is False and attempt.matched_count == 1


@pytest.mark.parametrize("name", ["P. de Waard", "de Waard"], ids=["other-initial", "surname-alone"])
def test_the_name_on_the_card_needs_its_initial_too(make_item, staff, name):
    item = make_item()  # the card shows "Remco de Waard": surname and initial
    attempt = verify(staff, item, {**right_answers(item), **by_prompt(item, {"Name on the card": name})})
    assert attempt.outcome is AttemptOutcome.FAILED
    question = next(q for q in item.questions if q.prompt == "Name on the card")
    assert attempt.matched[str(question.id)] is False and attempt.matched_count == 3


def test_a_verified_attempt_and_its_claim_are_recorded_with_the_time_the_taker_and_the_counts(
        frozen, make_item, staff):
    item = make_item()
    clock.advance(timedelta(minutes=5))
    attempt = verify(staff, item, right_answers(item), channel=Channel.IN_PERSON)
    db.session.expire_all()
    assert attempt.outcome is AttemptOutcome.VERIFIED and item.state is ItemState.CLAIM_VERIFIED
    assert (attempt.at, attempt.taken_by_id, attempt.channel, attempt.claimant_name) == (
        frozen + timedelta(minutes=5), staff.id, Channel.IN_PERSON, "Remco de Waard")
    assert (attempt.matched_count, attempt.question_count) == (4, 4)
    assert attempt.matched == {str(q.id): True for q in item.questions}
    claim = db.session.query(Claim).filter_by(item_id=item.id).one()
    assert (claim.attempt_id, claim.created_at, claim.channel, claim.claimant_name) == (
        attempt.id, frozen + timedelta(minutes=5), Channel.IN_PERSON, "Remco de Waard")


def test_a_verification_is_audited_with_the_per_question_result_for_managers(make_item, staff):
    item = make_item()
    attempt = verify(staff, item, right_answers(item), channel=Channel.EMAIL)
    [entry] = entries(item, "lostfound.claim_verified")
    assert entry.actor_id == staff.id
    assert entry.changes == {
        "attempt": attempt.id, "channel": "email", "matched": 4, "of": 4,
        "results": "Which bank?: ✓; Colour of the card: ✓; Name on the card: ✓; Last 4 digits: ✓"}


def test_a_failed_attempt_is_audited_with_its_count_and_the_per_question_result(make_item, staff):
    item = make_item()
    answers = {**wrong_answers(item), **by_prompt(item, {"Which bank?": "ING", "Last 4 digits": "4821"})}
    attempt = verify(staff, item, answers, channel=Channel.IN_PERSON)
    assert (attempt.outcome, attempt.matched_count, attempt.question_count) == (AttemptOutcome.FAILED, 2, 4)
    [entry] = entries(item, "lostfound.claim_failed")
    assert entry.actor_id == staff.id
    assert entry.changes == {
        "attempt": attempt.id, "channel": "in_person", "matched": 2, "of": 4, "failed_attempts": 1,
        "results": "Which bank?: ✓; Colour of the card: ✗; Name on the card: ✗; Last 4 digits: ✓"}
    assert entries(item, "lostfound.claims_locked") == []


def test_the_failure_that_reaches_the_limit_locks_the_item_in_the_takers_name(make_item, staff):
    item = make_item()  # the default limit: 3
    for n in range(3):
        verify(staff, item, wrong_answers(item), name=f"Caller {n}")
    [failed] = [e for e in entries(item, "lostfound.claim_failed") if e.changes["failed_attempts"] == 3]
    [locked] = entries(item, "lostfound.claims_locked")
    assert (locked.actor_id, locked.changes) == (staff.id, {"failed_attempts": 3})
    assert locked.id > failed.id


def test_an_attempt_refused_at_the_lock_records_no_result_and_no_count(app, make_item, staff, manager):
    """Refused, the claimant learns nothing: which answers were right is not even stored."""
    update_settings(manager, claim_lock_after_failures=5)
    item = make_item()
    for n in range(2):
        verify(staff, item, wrong_answers(item), name=f"Caller {n}")
    fail_under_the_old_limit(app, item, staff.id, manager.id, new_limit=3)
    taker = db.session.get(User, staff.id)
    attempt = verify(taker, item, right_answers(item), channel=Channel.IN_PERSON)
    assert attempt.outcome is AttemptOutcome.REFUSED_LOCKED
    assert (attempt.matched, attempt.matched_count, attempt.question_count) == ({}, 0, 4)
    assert (attempt.taken_by_id, attempt.channel) == (taker.id, Channel.IN_PERSON)
    [entry] = entries(item, "lostfound.claim_refused_locked")
    assert (entry.actor_id, entry.changes) == (taker.id, {"attempt": attempt.id, "channel": "in_person"})
    assert entries(item, "lostfound.claim_verified") == []
    assert db.session.query(Claim).filter_by(item_id=item.id).count() == 0


def test_an_attempt_without_a_signed_in_user_is_recorded_without_a_taker(make_item):
    item = make_item()
    nobody = AnonymousUserMixin()
    attempt = verify(nobody, item, wrong_answers(item))
    assert attempt.outcome is AttemptOutcome.FAILED and attempt.taken_by_id is None
    assert entries(item, "lostfound.claim_failed")[0].actor_id is None


# --- refusals before anything is compared ---------------------------------------------------------------------

def test_the_claimants_name_is_at_most_120_characters(make_item, staff):
    item = make_item()
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        verify(staff, item, right_answers(item), name="R" * 121)
    assert refused_message(refused) == "Claimant's name is at most 120 characters."
    assert item.failed_attempts == 0 and entries_for("lf_item", item.id)[-1].action == "lostfound.register"
    assert verify(staff, item, right_answers(item), name="R" * 120).claimant_name == "R" * 120


def test_a_claim_without_a_name_is_refused(make_item, staff):
    item = make_item()
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        verify(staff, item, right_answers(item), name="   ")
    assert refused_message(refused) == "Type the claimant's name."


def test_a_long_digit_run_in_the_claimants_name_is_refused_for_a_bank_card(make_item, staff):
    item = make_item()
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        verify(staff, item, right_answers(item), name="Remco 123456789012")
    assert refused_message(refused) == (
        "“Claimant's name” holds a run of 12 or more digits. Never write down a card number: "
        "for a bank card keep at most the last 4 digits.")
    assert item.failed_attempts == 0 and item.state is ItemState.IN_STORAGE


def test_an_item_already_verified_is_not_open_for_claims(make_item, staff):
    item = make_item()
    verify(staff, item, right_answers(item))
    with force_locale("en"), pytest.raises(InvalidTransition) as refused:
        verify(staff, item, right_answers(item), name="Someone Else")
    assert refused_message(refused) == "This item is not open for claims (Claim verified)."


def test_an_item_another_tablet_just_verified_is_refused_with_its_new_state(app, make_item, staff):
    item = make_item()
    item_id, staff_id = item.id, staff.id
    db.session.commit()
    seen = db.session.get(FoundItem, item_id)  # this tablet reads the item, open ...
    answers = right_answers(seen)
    db.session.close()
    with app.app_context():  # ... and another tablet verifies a claim on it first
        other = db.session.get(FoundItem, item_id)
        verify(db.session.get(User, staff_id), other, right_answers(other), name="First Caller")
        db.session.commit()
    db.session.add(seen)
    with force_locale("en"), pytest.raises(InvalidTransition) as refused:
        verify(db.session.get(User, staff_id), seen, answers, name="Second Caller")
    assert refused_message(refused) == "Another tablet has just dealt with this item (Claim verified)."


# --- guessing across items: staff and claimant limits --------------------------------------------------------

def test_past_the_staff_limit_the_refusal_says_so_and_is_audited_on_the_item(app, make_item, staff):
    limit = app.config["CLAIM_MAX_FAILURES_PER_STAFF"]
    items = [make_item(description=f"bank card {n}") for n in range(limit // 2 + 2)]
    for n in range(limit):
        item = items[n // 2]
        assert verify(staff, item, wrong_answers(item), name=f"Claimant {n}").outcome is AttemptOutcome.FAILED
    fresh = items[-1]
    with force_locale("en"), pytest.raises(TooManyAttempts) as refused:
        verify(staff, fresh, right_answers(fresh), name="Someone Else")
    assert refused_message(refused) == ("Too many failed verifications by you in a short time. Ask a manager or a "
                                        "colleague to check this claim.")
    [entry] = entries(fresh, "lostfound.claim_refused_limit")
    assert (entry.actor_id, entry.changes) == (staff.id, {"scope": "staff", "failures": limit})


def test_past_the_claimant_limit_the_refusal_is_audited_on_the_item(app, make_item, staff):
    limit = app.config["CLAIM_MAX_FAILURES_PER_CLAIMANT"]
    items = [make_item(description=f"bank card {n}") for n in range(limit // 2 + 2)]
    for n in range(limit):
        item = items[n // 2]
        verify(staff, item, wrong_answers(item))
    fresh = items[-1]
    with pytest.raises(TooManyAttempts):
        verify(staff, fresh, right_answers(fresh))
    [entry] = entries(fresh, "lostfound.claim_refused_limit")
    assert (entry.actor_id, entry.changes) == (staff.id, {"scope": "claimant", "failures": limit})


def test_the_claimant_limit_counts_failures_to_the_end_of_the_window(app, frozen, make_item, staff):
    limit, window = app.config["CLAIM_MAX_FAILURES_PER_CLAIMANT"], app.config["CLAIM_FAILURE_WINDOW"]
    items = [make_item(description=f"bank card {n}") for n in range(limit // 2 + 2)]
    for n in range(limit):
        item = items[n // 2]
        verify(staff, item, wrong_answers(item))
    fresh = items[-1]
    clock.advance(window)  # the first failures are exactly one window old: still counted
    with pytest.raises(TooManyAttempts):
        verify(staff, fresh, right_answers(fresh))
    clock.advance(timedelta(microseconds=1))  # past the window: forgotten
    assert verify(staff, fresh, right_answers(fresh)).outcome is AttemptOutcome.VERIFIED


def test_failures_whose_claimants_name_was_erased_count_for_no_claimant(app, make_item, staff):
    limit = app.config["CLAIM_MAX_FAILURES_PER_CLAIMANT"]
    items = [make_item(description=f"bank card {n}") for n in range(limit // 2 + 2)]
    for n in range(limit):
        item = items[n // 2]
        verify(staff, item, wrong_answers(item), name=f"Caller {n}")
    db.session.execute(sa.update(ClaimAttempt).values(claimant_name=None))  # as the purge erases them
    fresh = items[-1]
    assert verify(staff, fresh, right_answers(fresh), name="Xx Xx").outcome is AttemptOutcome.VERIFIED


def test_only_failed_verifications_count_for_the_claimant(app, make_item, staff):
    limit = app.config["CLAIM_MAX_FAILURES_PER_CLAIMANT"]
    items = [make_item(description=f"bank card {n}") for n in range(limit // 2 + 3)]
    for n in range(limit - 1):
        item = items[n // 2]
        verify(staff, item, wrong_answers(item))
    verified = items[-2]
    assert verify(staff, verified, right_answers(verified)).outcome is AttemptOutcome.VERIFIED
    fresh = items[-1]
    assert verify(staff, fresh, right_answers(fresh)).outcome is AttemptOutcome.VERIFIED


# --- the return: a verified claim and the claimant's contact details -----------------------------------------

@pytest.fixture
def verified(make_item, staff):
    def make(description="bank card"):
        item = make_item(description=description)
        verify(staff, item, right_answers(item))
        return item

    return make


def test_a_return_needs_a_verified_claim(make_item, staff):
    item = make_item()
    with force_locale("en"), pytest.raises(InvalidTransition) as refused:
        ops.choose_pickup(staff, item, phone="0612345678")
    assert refused_message(refused) == "This item has no verified claim."
    assert item.state is ItemState.IN_STORAGE


def pickup_refused(staff, item, **contact) -> str:
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        ops.choose_pickup(staff, item, **contact)
    assert item.state is ItemState.CLAIM_VERIFIED
    return refused_message(refused)


def test_a_phone_number_is_at_most_40_characters(verified, staff):
    item = verified()
    assert pickup_refused(staff, item, phone="0" * 41) == "Phone is at most 40 characters."
    assert ops.choose_pickup(staff, item, phone="0" * 40).phone == "0" * 40


def test_a_phone_number_holds_no_letters(verified, staff):
    item = verified()
    assert pickup_refused(staff, item, phone="0612345678 X") == "A phone number holds only digits, spaces and + - ( )."


def test_an_email_address_is_at_most_254_characters(verified, staff):
    item = verified()
    domain = "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".nl"
    longest = "a" * 64 + "@" + domain
    assert len(longest) == 254
    assert pickup_refused(staff, item, email="a" * 65 + "@" + domain) == "E-mail is at most 254 characters."
    assert ops.choose_pickup(staff, item, email=longest).email == longest


def test_an_email_address_that_does_not_look_right_is_refused(verified, staff):
    item = verified()
    assert pickup_refused(staff, item, email="remco@") == "That e-mail address does not look right."


def test_a_return_needs_a_phone_number_or_an_email_address(verified, staff):
    item = verified()
    assert pickup_refused(staff, item, phone=" ", email="") == (
        "Give a phone number or an e-mail address to reach the claimant.")


@pytest.mark.parametrize(("language", "kept"), [("en", "en"), ("nl", "nl"), ("fr", "nl"), ("", "nl")])
def test_the_claimants_language_is_dutch_or_english_and_dutch_otherwise(verified, staff, language, kept):
    item = verified()
    claim = ops.choose_pickup(staff, item, phone="0612345678", language=language)
    assert claim.language == kept
    assert entries(item, "lostfound.hold_for_pickup")[0].changes["language"] == kept
