"""Two tablets at once: threads with their own sessions and real commits (SQLite file DB or PostgreSQL)."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from hostdesk.auth.models import User
from hostdesk.database import write_intent
from hostdesk.errors import DomainError
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.models import AttemptOutcome, Category, Channel, ClaimAttempt, FoundItem

from .conftest import wrong_answers


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


def test_lockout_holds_when_two_tablets_guess_at_once(app, make_item, staff):
    item = make_item()
    item_id, staff_id, answers = item.id, staff.id, wrong_answers(item)
    db.session.commit()

    def guess_three_times(_number):
        outcomes = []
        for _ in range(3):
            with write_intent():
                try:
                    current = db.session.get(FoundItem, item_id)
                    attempt = ops.verify_claim(db.session.get(User, staff_id), current, claimant_name="Guesser",
                                               channel=Channel.PHONE, answers=answers)
                    outcomes.append(attempt.outcome)
                    db.session.commit()
                except DomainError as refused:
                    db.session.rollback()
                    outcomes.append(type(refused).__name__)
        return outcomes

    results = run_on_tablets(app, guess_three_times)
    assert all(isinstance(r, list) for r in results), results
    db.session.expire_all()
    stored = db.session.get(FoundItem, item_id)
    assert stored.failed_attempts == 3 and stored.claims_locked
    failed = db.session.scalar(sa.select(sa.func.count()).where(ClaimAttempt.outcome == AttemptOutcome.FAILED))
    assert failed == 3
    flat = [o for r in results for o in r]
    assert flat.count(AttemptOutcome.FAILED) == 3 and len(flat) == 6


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
