"""Scheduled work (jobs.py): due jobs run once across processes, at their time, retried after a failure,
and the app starts its own runner without cron."""
from __future__ import annotations

import threading
import time as wall
from datetime import datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from hostdesk import clock, create_app, jobs
from hostdesk.extensions import db
from hostdesk.jobs import Job, ScheduledJob, run_due


def _row(app, name: str) -> ScheduledJob:
    with app.app_context():
        row = db.session.get(ScheduledJob, name)
        db.session.expunge(row)
        return row


def test_a_daily_job_runs_at_its_local_time_and_then_the_next_day(app, frozen):
    runs: list[datetime] = []
    daily = Job("daily", lambda: runs.append(clock.utcnow()) or "done", daily_at=time(3, 30))
    assert run_due(app, [daily]) == []  # the row is made with its first run: 03:30 Amsterdam tomorrow
    assert _row(app, "daily").next_run_at == datetime(2026, 11, 21, 2, 30, tzinfo=timezone.utc)
    clock.freeze(datetime(2026, 11, 21, 2, 29, tzinfo=timezone.utc))
    assert run_due(app, [daily]) == []
    clock.freeze(datetime(2026, 11, 21, 2, 31, tzinfo=timezone.utc))
    assert run_due(app, [daily]) == ["daily"]
    assert run_due(app, [daily]) == []  # once
    row = _row(app, "daily")
    assert (row.next_run_at, row.last_result, row.lease_until) == (
        datetime(2026, 11, 22, 2, 30, tzinfo=timezone.utc), "done", None)
    assert len(runs) == 1


def test_across_a_daylight_saving_change_the_local_time_holds(app):
    clock.freeze(datetime(2026, 3, 28, 12, 0, tzinfo=timezone.utc))  # Amsterdam moves to summer time on the 29th
    daily = Job("daily", lambda: "done", daily_at=time(3, 30))
    run_due(app, [daily])
    assert _row(app, "daily").next_run_at == datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)  # 03:30 CEST


def test_two_processes_at_once_run_a_due_job_once(app, database_url, frozen, tmp_path):
    """Two apps (two workers or servers, each with its own connections) wake at the same moment."""
    runs, entered = [], threading.Barrier(2)

    def slow() -> str:
        runs.append(threading.current_thread().name)
        wall.sleep(0.3)
        return "done"

    every = Job("every", slow, every=timedelta(minutes=5))
    run_due(app, [every])
    clock.advance(timedelta(minutes=6))
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url,
                        "UPLOAD_FOLDER": str(tmp_path)})
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def worker(application, name):
        try:
            entered.wait(5)
            results[name] = run_due(application, [every])
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(a, n), name=n) for a, n in ((app, "one"), (other, "two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert len(runs) == 1 and sorted(len(r) for r in results.values()) == [0, 1], (runs, results)
    with other.app_context():
        db.engine.dispose()


def test_a_failed_job_is_kept_retried_later_and_the_others_still_run(app, frozen):
    def broken() -> str:
        db.session.execute(sa.update(ScheduledJob).values(last_result="half written"))
        raise RuntimeError("mail server away")

    fails = Job("fails", broken, every=timedelta(minutes=1))
    works = Job("works", lambda: "fine", every=timedelta(minutes=1))
    run_due(app, [fails, works])
    clock.advance(timedelta(minutes=2))
    assert run_due(app, [fails, works]) == ["fails", "works"]
    row = _row(app, "fails")
    assert (row.failures, row.last_result, row.lease_until) == (1, "failed: RuntimeError", None)
    assert row.next_run_at == clock.utcnow() + timedelta(minutes=2)  # nothing of the failed run was kept
    assert _row(app, "works").last_result == "fine"
    clock.advance(timedelta(minutes=1))
    assert run_due(app, [fails, works]) == ["works"]  # its pause is not over
    clock.advance(timedelta(minutes=2))
    assert "fails" in run_due(app, [fails, works])
    assert _row(app, "fails").failures == 2


def test_a_run_that_died_lets_its_lease_run_out(app, frozen):
    runs = []
    job = Job("job", lambda: runs.append(1) or "ok", every=timedelta(minutes=1))
    run_due(app, [job])
    clock.advance(timedelta(minutes=2))
    with app.app_context():  # a process claimed it, then died before finishing
        db.session.execute(sa.update(ScheduledJob).values(lease_until=clock.utcnow() + jobs.LEASE))
        db.session.commit()
    assert run_due(app, [job]) == []
    clock.advance(jobs.LEASE + timedelta(seconds=1))
    assert run_due(app, [job]) == ["job"] and runs == [1]


def test_the_purge_runs_nightly_without_cron(app, frozen, users):
    """The erasure job of the real schedule erases a lost report's personal data past the erasure period."""
    from hostdesk.auth.models import Role, User
    from hostdesk.lostfound import operations as ops
    from hostdesk.lostfound.models import Category, LostReport

    with app.app_context():
        report = ops.report_lost(db.session.get(User, users[Role.STAFF]), category=Category.UMBRELLA,
                                 what="black umbrella", lost_on=frozen.date(), name="Remco de Waard",
                                 phone="0612345678", email="remco@example.org")
        db.session.commit()
        report_id = report.id
    clock.advance(timedelta(days=91))
    assert jobs.PURGE not in run_due(app)  # the first night's run is at 03:30
    clock.advance(timedelta(days=1))
    assert jobs.PURGE in run_due(app)  # with the other jobs due by then (the daily summary)
    with app.app_context():
        report = db.session.get(LostReport, report_id)
        assert report.erased_at is not None and (report.name, report.phone, report.email) == (None, None, None)
    assert _row(app, jobs.PURGE).last_result == "1"


def test_the_app_starts_its_own_runner_at_its_first_request(tmp_path, monkeypatch):
    """On a database of its own: the runner writes every 50 ms, which the other tests must not meet."""
    ran = threading.Event()
    monkeypatch.setattr(jobs, "all_jobs", lambda: [Job("tick", lambda: ran.set() or "tick", every=timedelta(0))])
    served = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'runner.db'}",
                         "UPLOAD_FOLDER": str(tmp_path), "JOBS_IN_BACKGROUND": True, "JOBS_INTERVAL_SECONDS": 0.05})
    with served.app_context():
        db.create_all()
    assert not ran.wait(0.3)  # nothing runs before the app serves
    before = set(threading.enumerate())
    try:
        served.test_client().get("/healthz")
        assert ran.wait(10)
    finally:
        served.extensions["hostdesk_jobs_stop"].set()
        runners = [t for t in set(threading.enumerate()) - before if t.name == "hostdesk-jobs"]
        assert len(runners) == 1
        runners[0].join(30)
        assert not runners[0].is_alive()
    with served.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _no_rows_left(app):
    yield
    with app.app_context():
        db.session.execute(sa.delete(ScheduledJob))
        db.session.commit()
