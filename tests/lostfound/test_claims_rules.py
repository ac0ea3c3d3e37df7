"""Claims word by word: the lock's refusal, the attempts left, who locks which item, and the unlock."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import g
from flask_babel import force_locale
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.auth.models import User
from hostdesk.errors import InvalidTransition
from hostdesk.extensions import db
from hostdesk.lostfound import claims
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.errors import ClaimsLocked, NotAllowed
from hostdesk.lostfound.models import AttemptOutcome, Channel, DisposalMethod, FoundItem, ItemState
from hostdesk.settings import get_settings, update_settings

from .conftest import fail_under_the_old_limit, right_answers, wrong_answers

LOCKED = "Claims on this item are locked after too many failed attempts. Ask a manager to unlock it."


def verify(actor, item, answers, name="Remco de Waard"):
    return claims.verify_claim(actor, item, claimant_name=name, channel=Channel.PHONE, answers=answers)


def fail(actor, item, times):
    """Wrong answers `times` times, each by another caller (one claimant's own limit is not tested here)."""
    for n in range(times):
        assert verify(actor, item, wrong_answers(item), name=f"Caller {item.id}-{n}").outcome is AttemptOutcome.FAILED


def lock_entries(item):
    return [e for e in entries_for("lf_item", item.id) if e.action == "lostfound.claims_locked"]


# --- the refusal of a locked item -------------------------------------------------------------------------------

def test_a_locked_item_refuses_a_claim_and_says_who_can_unlock_it(make_item, staff):
    item = make_item()
    fail(staff, item, 3)
    with force_locale("en"), pytest.raises(ClaimsLocked) as refused:
        verify(staff, item, right_answers(item))
    with force_locale("en"):
        assert str(refused.value.message) == LOCKED


# --- attempts left --------------------------------------------------------------------------------------------

def test_attempts_left_count_down_to_the_limit(make_item, staff):
    item = make_item()  # the default limit: 3
    assert claims.attempts_left(item) == 3
    fail(staff, item, 1)
    assert claims.attempts_left(item) == 2
    fail(staff, item, 2)
    assert item.claims_locked and claims.attempts_left(item) == 0


def test_a_limit_of_one_leaves_one_attempt(make_item, staff, manager):
    update_settings(manager, claim_lock_after_failures=1)
    item = make_item()
    assert claims.attempts_left(item) == 1
    fail(staff, item, 1)
    assert item.claims_locked and claims.attempts_left(item) == 0


def test_a_locked_item_has_no_attempt_left_even_when_the_limit_is_raised(make_item, staff, manager):
    item = make_item()
    fail(staff, item, 3)
    update_settings(manager, claim_lock_after_failures=5)
    db.session.refresh(item)
    assert item.claims_locked and item.failed_attempts == 3
    assert claims.attempts_left(item) == 0
    with pytest.raises(ClaimsLocked):
        verify(staff, item, right_answers(item))


def test_an_item_left_at_a_lowered_limit_has_no_attempt_left(app, make_item, staff, manager):
    update_settings(manager, claim_lock_after_failures=5)
    item = make_item()
    fail(staff, item, 2)
    fail_under_the_old_limit(app, item, staff.id, manager.id, new_limit=3)
    assert item.failed_attempts == 3 and not item.claims_locked
    assert claims.attempts_left(item) == 0


# --- locking at the limit: the item itself, once -----------------------------------------------------------------

def test_a_lowered_limit_locks_each_item_at_or_past_it_with_an_entry_of_its_own(make_item, staff, manager):
    update_settings(manager, claim_lock_after_failures=5)
    at, past, below = (make_item(description=f"bank card {n}") for n in range(3))
    fail(staff, at, 3)
    fail(staff, past, 4)
    fail(staff, below, 2)
    update_settings(manager, claim_lock_after_failures=3)
    for item, failed in ((at, 3), (past, 4)):
        db.session.refresh(item)
        assert item.claims_locked
        [entry] = lock_entries(item)
        assert (entry.actor_id, entry.changes) == (manager.id, {"failed_attempts": failed, "limit": 3})
    db.session.refresh(below)
    assert not below.claims_locked and lock_entries(below) == []


def test_the_next_attempt_locks_only_its_own_item_left_at_a_lowered_limit(app, make_item, staff, manager):
    update_settings(manager, claim_lock_after_failures=5)
    first, second = make_item(description="bank card 1"), make_item(description="bank card 2")
    for item in (first, second):
        fail(staff, item, 2)
    manager_id = manager.id
    get_settings()  # this tablet's request reads the limit of 5 ...
    db.session.commit()
    with app.app_context():  # ... a manager lowers it to 3 (neither item is at 3 yet) ...
        update_settings(db.session.get(User, manager_id), claim_lock_after_failures=3)
        db.session.commit()
    for item in (first, second):  # ... and both wrong answers are counted under the old limit
        fail(staff, item, 1)
    db.session.commit()
    g.pop("hostdesk_settings")  # the next request reads the limit of 3
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.failed_attempts, second.failed_attempts) == (3, 3)
    assert not first.claims_locked and not second.claims_locked

    assert verify(staff, first, right_answers(first)).outcome is AttemptOutcome.REFUSED_LOCKED
    db.session.refresh(second)
    assert first.claims_locked and not second.claims_locked
    [entry] = lock_entries(first)
    assert (entry.actor_id, entry.changes) == (staff.id, {"failed_attempts": 3, "limit": 3})
    assert lock_entries(second) == []


def test_an_item_another_tablet_just_locked_is_not_locked_again(app, frozen, make_item, staff):
    item = make_item()
    fail(staff, item, 2)
    item_id, staff_id = item.id, staff.id
    db.session.commit()
    # This tablet reads the item, still open with one attempt left ...
    seen = db.session.get(FoundItem, item_id)
    assert seen.failed_attempts == 2 and seen.locked_at is None
    answers = right_answers(seen)  # its questions, read with it
    db.session.close()
    # ... and before it saves its attempt, another tablet's wrong answer locks the item.
    with app.app_context():
        other = db.session.get(FoundItem, item_id)
        verify(db.session.get(User, staff_id), other, wrong_answers(other), name="Another Caller")
        db.session.commit()
        locked_at = other.locked_at
    assert locked_at is not None
    clock.advance(timedelta(minutes=1))
    db.session.add(seen)
    attempt = verify(db.session.get(User, staff_id), seen, answers)
    assert attempt.outcome is AttemptOutcome.REFUSED_LOCKED
    assert seen.locked_at == locked_at and seen.failed_attempts == 3
    assert len(lock_entries(seen)) == 1



@contextmanager
def just_before_this_tablet_locks(app, change: Callable[[], None]) -> Iterator[list]:
    """Run change() in a request of its own, committed, at the moment this tablet sends the UPDATE that would
    lock the item: the race PostgreSQL's READ COMMITTED allows between two statements of one attempt."""
    fired: list = []

    def before(_conn, _cursor, statement, *_args):
        if not fired and statement.startswith("UPDATE lf_items SET locked_at"):
            fired.append(statement)
            with app.app_context():
                change()
                db.session.commit()

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield fired
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_an_item_a_manager_unlocks_at_that_moment_is_not_locked_again(app, postgresql, make_item, staff, manager):
    item = make_item()
    fail(staff, item, 2)
    item_id, staff_id, manager_id = item.id, staff.id, manager.id
    db.session.commit()
    seen = db.session.get(FoundItem, item_id)  # this tablet reads the item, open ...
    answers = right_answers(seen)
    with app.app_context():  # ... another tablet's wrong answer locks it ...
        verify(db.session.get(User, staff_id), db.session.get(FoundItem, item_id), wrong_answers(seen), name="Other")
        db.session.commit()

    def unlock():  # ... and a manager unlocks it just as this tablet's attempt is refused
        claims.unlock_claims(db.session.get(User, manager_id), db.session.get(FoundItem, item_id))

    with just_before_this_tablet_locks(app, unlock) as fired:
        attempt = verify(db.session.get(User, staff_id), seen, answers)
    assert fired and attempt.outcome is AttemptOutcome.REFUSED_LOCKED
    db.session.commit()
    db.session.refresh(seen)
    assert not seen.claims_locked and seen.failed_attempts == 0
    assert [e.changes for e in lock_entries(seen)] == [{"failed_attempts": 3}]  # the other tablet's lock only


def test_an_item_disposed_of_at_that_moment_is_not_locked(app, postgresql, frozen, make_item, staff, manager):
    update_settings(manager, claim_lock_after_failures=5)
    item = make_item()
    fail(staff, item, 2)
    fail_under_the_old_limit(app, item, staff.id, manager.id, new_limit=3)
    assert item.failed_attempts == 3 and not item.claims_locked
    clock.advance(timedelta(days=8))  # past the bank card's retention
    item_id, staff_id, manager_id = item.id, staff.id, manager.id

    def dispose():
        ops.dispose_item(db.session.get(User, manager_id), db.session.get(FoundItem, item_id),
                         DisposalMethod.DESTROYED, clock.utcnow().date(), "Mila")

    with just_before_this_tablet_locks(app, dispose) as fired:
        attempt = verify(db.session.get(User, staff_id), item, right_answers(item))
    assert fired and attempt.outcome is AttemptOutcome.REFUSED_LOCKED
    db.session.commit()
    db.session.refresh(item)
    assert item.state is ItemState.DISPOSED and not item.claims_locked
    assert lock_entries(item) == []


# --- unlock ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["staff", "nobody"])
def test_only_a_manager_can_unlock_claims(make_item, staff, who):
    item = make_item()
    fail(staff, item, 3)
    actor = staff if who == "staff" else AnonymousUserMixin()
    with force_locale("en"), pytest.raises(NotAllowed) as refused:
        claims.unlock_claims(actor, item)
    with force_locale("en"):
        assert str(refused.value.message) == "Only a manager can unlock claims."
    db.session.refresh(item)
    assert item.claims_locked and item.failed_attempts == 3
    assert entries_for("lf_item", item.id)[-1].action == "lostfound.claims_locked"


def test_unlocking_one_item_leaves_the_others_locked(make_item, staff, manager):
    first, second = make_item(description="bank card 1"), make_item(description="bank card 2")
    fail(staff, first, 3)
    fail(staff, second, 3)
    claims.unlock_claims(manager, first)
    assert not first.claims_locked and first.failed_attempts == 0 and claims.attempts_left(first) == 3
    unlocked = entries_for("lf_item", first.id)[-1]
    assert (unlocked.action, unlocked.actor_id) == ("lostfound.claims_unlocked", manager.id)
    db.session.refresh(second)
    assert second.claims_locked and second.failed_attempts == 3
    assert entries_for("lf_item", second.id)[-1].action == "lostfound.claims_locked"


def test_unlocking_an_item_that_is_not_locked_is_refused(make_item, staff, manager):
    item = make_item()
    fail(staff, item, 1)
    with force_locale("en"), pytest.raises(InvalidTransition) as refused:
        claims.unlock_claims(manager, item)
    with force_locale("en"):
        assert str(refused.value.message) == "Claims on this item are not locked."
    assert item.failed_attempts == 1
    assert entries_for("lf_item", item.id)[-1].action == "lostfound.claim_failed"
