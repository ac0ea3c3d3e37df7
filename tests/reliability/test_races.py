"""Races with real commits on a file database (SQLite) or PostgreSQL: many tablets at one moment.

Each test talks to a real server (threads on a local server, or processes against gunicorn) so
every request has its own connection and transaction, as in the restaurant.
"""
from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.lostfound.models import AttemptOutcome, ClaimAttempt, FoundItem
from hostdesk.reservations.models import BoardVersion, Reservation, State
from tests.conftest import PASSWORDS

from . import workers
from .data import add_parties, add_tables, audit_count, count, open_seatings
from .http import Gunicorn

LOCKED = "database is locked"


def _together(jobs: list, timeout: float = 60) -> list:
    """Run the callables in threads released at the same moment by a barrier; their results in order."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=timeout)
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_twenty_tablets_seat_one_table_exactly_one_wins(app, live_client):
    table = add_tables(app, 1)[0]
    parties = add_parties(app, 20)
    tablets = [live_client(Role.HOST, language="nl" if n % 2 else "en") for n in range(20)]
    started = time.monotonic()
    answers = _together([
        (lambda t=t, p=p: t.post(f"/host/reservations/{p}/seat", {"table_ids": str(table)}))
        for t, p in zip(tablets, parties, strict=True)])
    elapsed = time.monotonic() - started
    statuses = sorted(a.status for a in answers)
    assert statuses == [200] + [409] * 19, statuses
    for t, answer in zip(tablets, answers, strict=True):
        assert LOCKED not in answer.body
        if answer.status == 409:
            assert answer.headers.get("HX-Reswap") == "none"  # shown by the browser as a toast
            assert answer.body.startswith('<div hx-swap-oob="beforeend:#toasts">'), answer.body
            if t.language == "en":
                assert "is taken" in answer.body, answer.body
            else:
                assert "is taken" not in answer.body and "bezet" in answer.body, answer.body
    assert open_seatings(app, table) == 1
    assert count(app, Reservation, Reservation.state == State.SEATED) == 1
    assert count(app, Reservation, Reservation.state == State.ARRIVED) == 19
    assert audit_count(app, "reservation.seat") == 1
    print(f"20 tablets, one table: 1 x 200, 19 x 409 in {elapsed:.2f}s")


@pytest.mark.slow
def test_four_processes_against_gunicorn_ten_rounds(app, users, database_url, tmp_path):
    rounds, processes = 10, 4
    tables = add_tables(app, rounds)
    parties = add_parties(app, rounds * processes)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    queue = context.Queue()
    with Gunicorn(database_url, str(tmp_path)) as server:
        children = [context.Process(target=workers.seat_rounds, args=(
            server.base, PASSWORDS[Role.HOST], [(parties[r * processes + p], tables[r]) for r in range(rounds)],
            barrier, queue, p)) for p in range(processes)]
        for child in children:
            child.start()
        results = dict(queue.get(timeout=240) for _ in children)
        for child in children:
            child.join(30)
    for r in range(rounds):
        answers = [results[p][r] for p in range(processes)]
        assert sorted(status for status, _ in answers) == [200, 409, 409, 409], (r, answers)
        assert all(LOCKED not in body for _, body in answers)
        assert open_seatings(app, tables[r]) == 1
    assert count(app, Reservation, Reservation.state == State.SEATED) == rounds
    assert audit_count(app, "reservation.seat") == rounds


def test_stale_tablet_is_told_the_new_state_and_loses_nothing(app, live_client, users):
    table = add_tables(app, 1)[0]
    party = add_parties(app, 1)[0]
    a, b = live_client(Role.HOST), live_client(Role.MANAGER)
    old_view = b.get("/host/").body  # B loaded the board before A acted
    assert "Party 1" in old_view
    assert a.post(f"/host/reservations/{party}/greet").status == 200
    stale = b.post(f"/host/reservations/{party}/greet")  # B taps "greet" from its old view
    assert stale.status == 409 and "Already greeted by Host" in stale.body
    seated = b.post(f"/host/reservations/{party}/seat", {"table_ids": str(table)})
    assert seated.status == 200
    with app.app_context():
        res = db.session.get(Reservation, party)
        assert res.state is State.SEATED
        assert (res.greeted_by_id, res.seated_by_id) == (users[Role.HOST], users[Role.MANAGER])  # A's greet kept
        assert res.greeted_at <= res.seated_at
    assert audit_count(app, "reservation.greet") == 1 and audit_count(app, "reservation.seat") == 1


@pytest.mark.parametrize("together", [False, True], ids=["one-after-the-other", "same-moment"])
def test_double_tap_changes_once_with_one_audit_entry(app, live_client, together):
    party = add_parties(app, 1)[0]
    t = live_client(Role.HOST)

    def tap():
        return t.post(f"/host/reservations/{party}/greet")

    answers = _together([tap, tap]) if together else [tap(), tap()]
    assert sorted(a.status for a in answers) == [200, 409]
    assert "Already greeted" in next(a.body for a in answers if a.status == 409)
    assert audit_count(app, "reservation.greet", party) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(BoardVersion.version)) == 1


def _found_card(app, staff_id: int) -> tuple[int, list[int]]:
    from datetime import timedelta

    from hostdesk import clock
    from hostdesk.auth.models import User
    from hostdesk.lostfound.models import Category
    from hostdesk.lostfound.operations import NewItem, register_found_item
    from tests.lostfound.conftest import card_questions

    with app.test_request_context():
        item = register_found_item(db.session.get(User, staff_id), NewItem(
            category=Category.BANK_CARD, description="bank card", storage_location="office drawer 2",
            found_at=clock.utcnow() - timedelta(minutes=10), questions=card_questions()))
        db.session.commit()
        return item.id, [q.id for q in item.questions]


def test_ten_wrong_claim_answers_at_once_lock_at_exactly_three(app, live_client, users):
    item_id, questions = _found_card(app, users[Role.STAFF])
    two_tablets = [live_client(Role.STAFF), live_client(Role.STAFF)]
    wrong = {"claimant_name": "Someone Else", "channel": "phone", **{f"answer_{q}": "0000" for q in questions}}
    answers = _together([(lambda t=two_tablets[n % 2]: t.post(f"/lost-found/item/{item_id}/verify", wrong))
                         for n in range(10)])
    assert all(a.status < 500 and LOCKED not in a.body for a in answers), [a.status for a in answers]
    with app.app_context():
        item = db.session.get(FoundItem, item_id)
        assert item.failed_attempts == 3 and item.locked_at is not None
        outcomes = sorted(o.value for o in db.session.scalars(
            sa.select(ClaimAttempt.outcome).where(ClaimAttempt.item_id == item_id)))
    assert outcomes.count(AttemptOutcome.FAILED.value) == 3  # the counter is exact
    # The other seven were refused as locked (answered 423, or recorded as refused), and were told so.
    assert outcomes.count(AttemptOutcome.REFUSED_LOCKED.value) + sum(a.status == 423 for a in answers) == 7
    assert sum("locked" in a.body for a in answers) >= 7
    assert audit_count(app, "lostfound.claim_failed") == 3 and audit_count(app, "lostfound.claims_locked") == 1


@pytest.mark.slow
def test_four_processes_two_hundred_writes_each_all_committed(app, users, database_url, tmp_path):
    processes, writes = 4, 200
    context = multiprocessing.get_context("spawn")
    started = time.monotonic()
    with context.Pool(processes) as pool:
        results = pool.starmap(workers.waitlist_writer,  # two through HTTP, two as jobs outside a request
                               [(database_url, str(tmp_path), p, writes, p >= 2) for p in range(processes)])
    elapsed = time.monotonic() - started
    for result in results:
        assert result["statuses"] == {302: writes}, result
        assert result["errors"] == [], result["errors"][:3]
    total = processes * writes
    with app.app_context():
        names = list(db.session.scalars(sa.select(Reservation.name)))
        assert len(names) == total and len(set(names)) == total
        assert db.session.scalar(sa.select(BoardVersion.version)) == total  # every bump counted once
    assert audit_count(app, "reservation.walk_in.waiting") == total
    print(f"{processes} processes x {writes} writes: {total} committed in {elapsed:.1f}s")
