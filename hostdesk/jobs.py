"""Scheduled work (erasure of personal data, reminders, daily summaries, stored figures), run by the app itself.

Each job has a row in `scheduled_jobs` with its next run. Every process serving the app wakes once a
minute (a daemon thread, started by its first request) and claims each due job with a conditional
UPDATE that takes a lease: only the process whose UPDATE changed the row runs it, so any number of
workers and servers on one database run each job once. A run that died lets its lease run out and
the job is tried again; a failed run is retried with growing pauses.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .database import UtcDateTime, write_intent
from .extensions import db

LEASE = timedelta(minutes=15)  # longer than any job runs; a dead run's job is free again after it
MAX_RETRY_PAUSE = timedelta(hours=1)
PURGE = "purge_personal_data"  # its result: how many records were erased
OUTBOX = "send_outbox"  # e-mail not sent yet, tried again with growing pauses (lostfound/mail.py)
TURN_TIMES = "learn_turn_times"  # the turn times learned again from the last weeks (reservations/turntimes.py)


class ScheduledJob(db.Model):
    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_result: Mapped[str] = mapped_column(sa.String(200), default="")
    failures: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class Job:
    """`run()` makes its change (the runner commits) and returns a short summary of what it did."""

    name: str
    run: Callable[[], str]
    daily_at: time | None = None  # the restaurant's local time
    every: timedelta | None = None

    def next_after(self, moment: datetime) -> datetime:
        if self.every is not None:
            return moment + self.every
        from .settings import get_settings

        zone = get_settings().zone
        local = moment.astimezone(zone)
        candidate = datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), self.daily_at, tzinfo=zone)
        return candidate.astimezone(timezone.utc)


def all_jobs() -> list[Job]:
    """Every job the app runs; a feature adds its job here."""
    from .lostfound.mail import send_outbox
    from .lostfound.operations import purge_personal_data
    from .manager.rollup import JOB as FIGURES
    from .manager.rollup import summarise
    from .manager.summary import summary_job
    from .online.mail import reminder_job
    from .online.purge import purge_guest_data
    from .reservations.messages import purge_waitlist_data
    from .reservations.turntimes import refresh

    return [Job(PURGE, lambda: str(purge_personal_data() + purge_waitlist_data() + purge_guest_data()),
                daily_at=time(3, 30)),
            Job(OUTBOX, send_outbox, every=timedelta(minutes=1)), summary_job(),
            Job(TURN_TIMES, refresh, daily_at=time(4, 15)), reminder_job(),
            Job(FIGURES, summarise, every=timedelta(minutes=5))]


def _ensure_rows(jobs: list[Job], now: datetime) -> None:
    known = set(db.session.scalars(sa.select(ScheduledJob.name)))
    for job in jobs:
        if job.name not in known:
            try:
                with db.session.begin_nested():
                    db.session.add(ScheduledJob(name=job.name, next_run_at=job.next_after(now)))
            except IntegrityError:  # another process made it a moment ago
                pass


def _claim(name: str, now: datetime) -> bool:
    free = sa.or_(ScheduledJob.lease_until.is_(None), ScheduledJob.lease_until < now)
    return db.session.execute(
        sa.update(ScheduledJob).where(ScheduledJob.name == name, ScheduledJob.next_run_at <= now, free)
        .values(lease_until=now + LEASE, last_started_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1


def _finish(job: Job, result: str | None, failed: bool) -> None:
    row = db.session.get(ScheduledJob, job.name)
    now = clock.utcnow()
    row.lease_until, row.last_finished_at = None, now
    if failed:
        row.failures += 1
        row.next_run_at = now + min(timedelta(minutes=2 ** min(row.failures, 10)), MAX_RETRY_PAUSE)
        row.last_result = (result or "failed")[:200]
    else:
        row.failures, row.next_run_at, row.last_result = 0, job.next_after(now), (result or "")[:200]


def run_due(app: Flask, jobs: list[Job] | None = None) -> list[str]:
    """Claim and run every due job, each in transactions of its own; returns the names run here."""
    jobs = all_jobs() if jobs is None else jobs
    ran: list[str] = []
    with app.app_context(), write_intent():
        now = clock.utcnow()
        _ensure_rows(jobs, now)
        db.session.commit()
        for job in jobs:
            claimed = _claim(job.name, now)
            db.session.commit()
            if not claimed:
                continue
            try:
                result, failed = job.run(), False
                db.session.commit()
            except Exception as error:  # recorded on the job and logged; the other jobs still run
                db.session.rollback()
                app.logger.exception("scheduled job %s failed", job.name)
                result, failed = f"failed: {type(error).__name__}", True
            _finish(job, result, failed)
            db.session.commit()
            ran.append(job.name)
        db.session.remove()
    return ran


def last_run(name: str) -> ScheduledJob | None:
    return db.session.get(ScheduledJob, name)


def register_jobs(app: Flask) -> None:
    """Start the runner thread in each serving process at its first request (after a fork, too)."""
    if not app.config["JOBS_IN_BACKGROUND"]:
        return
    started = {"pid": None}
    lock = threading.Lock()
    stop = app.extensions["hostdesk_jobs_stop"] = threading.Event()  # set: the runner ends

    def loop() -> None:
        while not stop.wait(app.config["JOBS_INTERVAL_SECONDS"]):
            try:
                run_due(app)
            except Exception:  # the database may be away for a while: try again next time
                app.logger.exception("scheduled jobs could not run")

    @app.before_request
    def start_runner() -> None:
        if started["pid"] == os.getpid():
            return
        with lock:
            if started["pid"] != os.getpid():
                started["pid"] = os.getpid()
                threading.Thread(target=loop, name="hostdesk-jobs", daemon=True).start()
