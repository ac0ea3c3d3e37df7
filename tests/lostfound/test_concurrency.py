"""Two tablets at once: threads with their own sessions and real commits (SQLite file DB or PostgreSQL)."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from hostdesk.audit import entries_for
from hostdesk.auth.models import User
from hostdesk.database import write_intent
from hostdesk.errors import DomainError
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.models import AttemptOutcome, Category, Channel, ClaimAttempt, FoundItem
from hostdesk.settings import update_settings

from .conftest import fail_under_the_old_limit, wrong_answers


def run_on_tablets(app, work, tablets=2):
    """Run work(tablet_number) in threads that start together; returns the results or errors."""
    barrier = threading.Barrier(tablets)
    results: list = [None] * tablets

    def tablet(number):
        with app.app_context():
            barrier.wait()
            try:
                results[number] = work(number)
            except Exception as error:  # noqa: BLE001 - collected for the assertions
                db.session.rollback()
                results[number] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(tablets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _guess_wrong_on_tablets(app, item_id, staff_id, answers, tablets, tries):
    """Each tablet guesses wrong `tries` times at once with the others; their outcomes or refusals."""

    def guess(number):
        outcomes = []
        for _ in range(tries):
            with write_intent():
                try:
                    current = db.session.get(FoundItem, item_id)
                    attempt = ops.verify_claim(db.session.get(User, staff_id), current,
                                               claimant_name=f"Guesser {number}", channel=Channel.PHONE,
                                               answers=answers)
                    outcomes.append(attempt.outcome)
                    db.session.commit()
                except DomainError as refused:
                    db.session.rollback()
                    outcomes.append(type(refused).__name__)
        return outcomes

    return run_on_tablets(app, guess, tablets)


def _lock_entries(item_id):
    return [e for e in entries_for("lf_item", item_id) if e.action == "lostfound.claims_locked"]


def test_lockout_holds_when_two_tablets_guess_at_once(app, make_item, staff):
    item = make_item()
    item_id, staff_id, answers = item.id, staff.id, wrong_answers(item)
    db.session.commit()

    results = _guess_wrong_on_tablets(app, item_id, staff_id, answers, tablets=2, tries=3)
    assert all(isinstance(r, list) for r in results), results
    db.session.expire_all()
    stored = db.session.get(FoundItem, item_id)
    assert stored.failed_attempts == 3 and stored.claims_locked
    failed = db.session.scalar(sa.select(sa.func.count()).where(ClaimAttempt.outcome == AttemptOutcome.FAILED))
    assert failed == 3
    flat = [o for r in results for o in r]
    assert flat.count(AttemptOutcome.FAILED) == 3 and len(flat) == 6
    assert [e.changes["failed_attempts"] for e in _lock_entries(item_id)] == [3]  # locked once, at the limit


def test_parallel_wrong_answers_on_an_item_left_at_a_lowered_limit_count_nothing(app, make_item, staff, manager):
    """The limit a tablet read was lowered while its failure was counted: the item stands at the new limit,
    unlocked. Wrong answers from three tablets at once add no failure; the first of them locks it."""
    update_settings(manager, claim_lock_after_failures=5)
    item = make_item()
    for _ in range(2):
        ops.verify_claim(staff, item, claimant_name="Guesser", channel=Channel.PHONE, answers=wrong_answers(item))
    db.session.commit()
    fail_under_the_old_limit(app, item, staff.id, manager.id, new_limit=3)
    assert item.failed_attempts == 3 and not item.claims_locked
    item_id, staff_id, answers = item.id, staff.id, wrong_answers(item)
    db.session.commit()
    results = _guess_wrong_on_tablets(app, item_id, staff_id, answers, tablets=3, tries=2)
    assert all(isinstance(r, list) for r in results), results
    flat = [o for r in results for o in r]
    assert AttemptOutcome.FAILED not in flat and AttemptOutcome.VERIFIED not in flat, flat
    db.session.expire_all()
    stored = db.session.get(FoundItem, item_id)
    assert stored.failed_attempts == 3 and stored.claims_locked, flat
    assert [e.changes["failed_attempts"] for e in _lock_entries(item_id)] == [3]


def test_two_tablets_registering_get_different_references(app, staff, make_item):
    make_item()  # the year's counter exists
    db.session.commit()
    staff_id = staff.id

    def register(number):
        from datetime import timedelta

        from hostdesk import clock
        from hostdesk.lostfound.models import QuestionKind
        from hostdesk.lostfound.operations import NewItem, NewQuestion

        with write_intent():
            new = NewItem(Category.UMBRELLA, f"umbrella {number}", "coat rack", clock.utcnow() - timedelta(minutes=1),
                          questions=[NewQuestion("Colour", QuestionKind.CHOICE, "black")])
            reference = ops.register_found_item(db.session.get(User, staff_id), new).reference
            db.session.commit()
            return reference

    results = run_on_tablets(app, register)
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 2
