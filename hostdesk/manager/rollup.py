"""The figures of a period from stored blocks (closed days and months) plus the days read live.

A scheduled job (`summarise`, in jobs.all_jobs) stores the facts of every closed service day and of
every closed calendar month. A period is read as: its whole months from month blocks (only when the
period's chart goes by month), the other days from day blocks, and whatever has no good block (today,
a day changed since, a day the job has not reached) live from the reservations, by the same statement
(facts.facts_by_day). A block is good when the trigger counted no change since it was computed and it
was computed with the settings in force (`fingerprint`).
"""
from __future__ import annotations

import hashlib
import json
import time as timer
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..reservations.models import Reservation
from ..reservations.queries import today
from ..settings import Settings, get_settings
from .facts import Facts, Tally, facts_by_day
from .models import FigureBlock, create_triggers, triggers_present
from .stats import MAX_YEARS, Period, years_later
from .trends import step_start

JOB = "summarise_figures"
FORMAT = 2  # raised when what a block holds changes: every block is then computed again
RUN_SECONDS = 120.0  # a run starts no new block after this; the next run goes on
IDS_AT_ONCE = 500
DAYS_AT_ONCE = 7  # day blocks computed in one transaction (on SQLite the writers wait that long)
FB = FigureBlock


def fingerprint(settings: Settings) -> str:
    """The settings a block's figures depend on: the zone, the day boundary, the services, late arrival."""
    data = json.dumps([FORMAT, settings.zone.key, settings.boundary.isoformat(), settings.services,
                       settings.late_after_minutes], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


@dataclass
class PeriodFacts:
    facts: Facts = field(default_factory=Facts)
    steps: dict[date, Counter] = field(default_factory=lambda: defaultdict(Counter))  # greet seconds per step
    stored_days: int = 0  # days read from stored blocks
    blocks: int = 0  # stored blocks read
    live_days: int = 0


def _good(settings: Settings):
    return sa.and_(FB.summarised == FB.changes, FB.fingerprint == fingerprint(settings))


def _ranges(days: list[date]) -> list[tuple[date, date]]:
    ranges: list[tuple[date, date]] = []
    for day in days:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def period_facts(period: Period, settings: Settings, step: str, stored: bool = True) -> PeriodFacts:
    """The period's facts; `stored=False` reads every day live (what the stored blocks must equal)."""
    result = PeriodFacts()
    chosen: list[tuple[int, date]] = []
    live: list[date] = []
    months: dict[date, tuple[int, date]] = {}
    days: dict[date, int] = {}
    if stored and triggers_present(db.session.connection()):
        rows = db.session.execute(sa.select(FB.id, FB.first_day, FB.last_day).where(
            FB.first_day >= period.start, FB.last_day <= period.end, _good(settings)))
        for block_id, first, last in rows:
            if first == last:
                days[first] = block_id
            elif step == "month":
                months[first] = (block_id, last)
    day = period.start
    while day <= period.end:
        if day in months:
            block_id, last = months[day]
            chosen.append((block_id, day))
            result.stored_days += (last - day).days + 1
            day = last + timedelta(days=1)
            continue
        if day in days:
            chosen.append((days[day], day))
            result.stored_days += 1
        else:
            live.append(day)
        day += timedelta(days=1)
    first_day_of = {block_id: first for block_id, first in chosen}
    result.blocks = len(chosen)
    ids = list(first_day_of)
    greet: dict[date, Tally] = defaultdict(Tally)
    for i in range(0, len(ids), IDS_AT_ONCE):
        for block_id, text in db.session.execute(sa.select(FB.id, FB.facts).where(FB.id.in_(ids[i:i + IDS_AT_ONCE]))):
            result.facts.add_json(text, greet=greet[step_start(first_day_of[block_id], step)])
    result.facts.settle()
    for key, tally in greet.items():
        result.steps[key].update(tally.counter())
    for key, facts in facts_by_day(_ranges(live), settings).items():
        result.facts.add(facts)
        result.steps[step_start(key, step)].update(facts.total("gs"))
    result.live_days = len(live)
    return result


# --- the job ----------------------------------------------------------------------------------------
def _month_end(first: date) -> date:
    return (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def _wanted(first: date, last: date) -> list[tuple[date, date]]:
    """Every day block, then every whole month, from `first` to `last`, the newest first."""
    wanted = [(last - timedelta(days=n), last - timedelta(days=n)) for n in range((last - first).days + 1)]
    month = last.replace(day=1)
    while month >= first:
        if _month_end(month) <= last:
            wanted.append((month, _month_end(month)))
        month = (month - timedelta(days=1)).replace(day=1)
    return wanted


def _ensure_blocks(wanted: list[tuple[date, date]], known: dict[tuple[date, date], tuple]) -> None:
    missing = [{"first_day": a, "last_day": b, "changes": 0, "summarised": None, "fingerprint": "", "facts": "",
                "computed_at": None} for a, b in wanted if (a, b) not in known]
    if missing:
        db.session.execute(sa.insert(FB), missing)
        db.session.commit()


def _store(block_id: int, seen: int, facts: Facts, fp: str) -> bool:
    """Write a block's facts unless its days changed since `seen` was read (then it stays to do)."""
    return db.session.execute(
        sa.update(FB).where(FB.id == block_id, FB.changes == seen)
        .values(summarised=seen, fingerprint=fp, facts=facts.to_json(), computed_at=clock.utcnow())
        .execution_options(synchronize_session=False)).rowcount == 1


def _compute_days(blocks: list[tuple[int, date]], settings: Settings, fp: str) -> int:
    """Store a few day blocks from one statement, in one short transaction; returns how many were stored."""
    seen = dict(db.session.execute(sa.select(FB.id, FB.changes).where(FB.id.in_([i for i, _ in blocks]))).all())
    found = facts_by_day(_ranges(sorted(day for _, day in blocks)), settings)
    stored = sum(_store(block_id, seen[block_id], found.get(day, Facts()), fp) for block_id, day in blocks)
    db.session.commit()
    return stored


def _compute_month(block_id: int, first: date, last: date, settings: Settings, fp: str) -> bool:
    """A month from its day blocks, when every one is good."""
    seen = db.session.scalar(sa.select(FB.changes).where(FB.id == block_id))
    rows = db.session.execute(sa.select(FB.facts).where(FB.first_day == FB.last_day, FB.first_day >= first,
                                                        FB.last_day <= last, _good(settings))).all()
    if len(rows) != (last - first).days + 1:
        db.session.rollback()
        return False
    facts = Facts()
    for (text,) in rows:
        facts.add_json(text)
    done = _store(block_id, seen, facts, fp)
    db.session.commit()
    return done


def summarise(seconds: float | None = RUN_SECONDS) -> str:
    """Compute the blocks of closed days and months that are missing, changed or of other settings.

    Each block in a transaction of its own (short: the tablets' writes wait for none of them long);
    stops starting blocks after `seconds` (None: until all are done). Returns a short summary."""
    started = timer.monotonic()
    settings = get_settings()
    fp = fingerprint(settings)
    connection = db.session.connection()
    if not triggers_present(connection):  # a rebuilt reservations table: no block can be trusted
        create_triggers(connection)
        db.session.execute(sa.update(FB).values(summarised=None).execution_options(synchronize_session=False))
        db.session.commit()
    earliest = db.session.scalar(sa.select(sa.func.min(Reservation.service_day)))
    last = today() - timedelta(days=1)
    if earliest is None or earliest > last:
        db.session.commit()
        return "nothing closed yet"
    first = max(earliest, years_later(last, -MAX_YEARS - 1))
    wanted = _wanted(first, last)
    known = {(a, b): (block_id, changes, summarised, stamp) for block_id, a, b, changes, summarised, stamp in
             db.session.execute(sa.select(FB.id, FB.first_day, FB.last_day, FB.changes, FB.summarised,
                                          FB.fingerprint).where(FB.last_day >= first))}
    db.session.commit()
    _ensure_blocks(wanted, known)
    ids = {(a, b): block_id for block_id, a, b in db.session.execute(
        sa.select(FB.id, FB.first_day, FB.last_day).where(FB.last_day >= first))}
    db.session.commit()
    todo = [(a, b) for a, b in wanted if (a, b) not in known or known[(a, b)][2] != known[(a, b)][1]
            or known[(a, b)][3] != fp]
    days = [(ids[(a, b)], a) for a, b in todo if a == b]
    months = [(ids[(a, b)], a, b) for a, b in todo if a != b]
    stored_days = stored_months = 0
    for i in range(0, len(days), DAYS_AT_ONCE):
        if seconds is not None and timer.monotonic() - started > seconds:
            break
        stored_days += _compute_days(days[i:i + DAYS_AT_ONCE], settings, fp)
    for block_id, a, b in months:
        if seconds is not None and timer.monotonic() - started > seconds:
            break
        stored_months += _compute_month(block_id, a, b, settings, fp)
    return f"days {stored_days}, months {stored_months}, left {len(todo) - stored_days - stored_months}"
