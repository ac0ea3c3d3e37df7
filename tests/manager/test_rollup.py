"""Stored figures (closed days and months) against the figures read live from the reservations.

Generated data from March to 20 November 2026 (both daylight-saving changes), with parties booked
past midnight (still the service day before) and parties leaving after midnight.
"""
import random
from dataclasses import asdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hostdesk import jobs
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.manager import rollup
from hostdesk.manager.figures import service_figures
from hostdesk.manager.models import FigureBlock, triggers_present
from hostdesk.manager.stats import Period
from hostdesk.reservations.models import Reservation, Source, State
from hostdesk.settings import get_settings, update_settings
from tests.manager import factories as f

ZONE = ZoneInfo("Europe/Amsterdam")
FIRST = date(2026, 3, 1)
TODAY = date(2026, 11, 20)  # the frozen clock's service day
SLOTS = [time(12, 0), time(13, 15), time(17, 30), time(19, 0), time(20, 45), time(22, 30), time(0, 30)]
PERIODS = [
    Period("day", date(2026, 11, 19), date(2026, 11, 19)),
    Period("day", TODAY, TODAY),
    Period("week", date(2026, 11, 16), date(2026, 11, 22)),
    Period("month", date(2026, 10, 1), date(2026, 10, 31)),  # the clocks go back on 25 October
    Period("range", date(2026, 3, 15), date(2026, 11, 19)),  # by month: month blocks and day blocks
    Period("year", date(2026, 1, 1), date(2026, 12, 31)),  # with today and booked days to come
]


def local(day: date, at: time) -> datetime:
    """A local time of a service day: before 04:00 it is the calendar day after."""
    calendar = day + timedelta(days=1) if at < time(4) else day
    return datetime.combine(calendar, at, tzinfo=ZONE).astimezone(timezone.utc)


def generate(hosts, seed: int = 11) -> None:
    rng = random.Random(seed)  # noqa: S311 (made-up test data)
    day = FIRST
    while day <= TODAY + timedelta(days=5):
        for _ in range(rng.randint(0, 5)):
            start = local(day, rng.choice(SLOTS))
            size = rng.choice((1, 2, 2, 3, 4, 5, 6, 8))
            if day > TODAY:
                f.reservation(start, size, State.BOOKED, day=day)
                continue
            fate = rng.random()
            greeter, seater = rng.choice(hosts + [None]), rng.choice(hosts)
            late = timedelta(minutes=rng.choice((-5, 0, 4, 12, 25)))
            if fate < 0.15:
                f.reservation(start, size, rng.choice((State.NO_SHOW, State.CANCELLED, State.BOOKED)), day=day)
            elif fate < 0.3:
                created = start - timedelta(minutes=rng.randint(5, 40))
                f.reservation(start, size, State.SEATED, day=day, source=Source.WALK_IN, created=created,
                              quoted=rng.choice((10, 15, 20)), called=start, arrived=start,
                              greet=rng.randint(0, 90), seat=rng.randint(60, 400), greeter=greeter, seater=seater)
            else:
                party = f.reservation(start, size, State.SEATED, day=day,
                                      source=rng.choice((Source.PHONE, Source.ONLINE)), arrived=start + late,
                                      greet=rng.randint(3, 200), seat=rng.randint(30, 900), greeter=greeter,
                                      seater=seater)
                if rng.random() < 0.8:  # left, some of them after midnight
                    party.left_at = party.seated_at + timedelta(minutes=rng.randint(40, 200))
                    party.state = State.LEFT
        day += timedelta(days=1)
    db.session.flush()


@pytest.fixture
def history(app_ctx, make_user, frozen):
    hosts = [make_user(Role.HOST, "anna"), make_user(Role.HOST, "bram")]
    generate(hosts)
    db.session.commit()
    return hosts


def figures_of(period: Period, stored: bool) -> dict:
    figures = service_figures(period, get_settings(), stored=stored)
    return asdict(figures)


def assert_stored_equals_live(period: Period) -> None:
    assert figures_of(period, stored=True) == figures_of(period, stored=False), period


def test_the_figures_from_stored_days_equal_the_live_figures(history):
    done = rollup.summarise(seconds=None)
    assert done.endswith("left 0")
    for period in PERIODS:
        found = rollup.period_facts(period, get_settings(), "month" if period.days > 190 else "day")
        closed = (min(period.end, TODAY - timedelta(days=1)) - max(period.start, FIRST)).days + 1
        assert found.stored_days == max(closed, 0), period
        assert_stored_equals_live(period)


def test_a_long_period_reads_months_from_month_blocks(history):
    rollup.summarise(seconds=None)
    months = db.session.scalar(sa.select(sa.func.count()).select_from(FigureBlock).where(
        FigureBlock.first_day != FigureBlock.last_day))
    assert months == 8  # March to October 2026: November is not over
    found = rollup.period_facts(PERIODS[4], get_settings(), "month")
    assert found.blocks == 7 + 17 + 19  # April to October, then 15 to 31 March and 1 to 19 November by day
    assert (found.stored_days, found.live_days) == (250, 0)
    assert figures_of(PERIODS[4], True)["trend"] == figures_of(PERIODS[4], False)["trend"]


def test_a_late_leave_after_midnight_marks_the_day_and_the_figures_stay_right(history):
    rollup.summarise(seconds=None)
    yesterday = TODAY - timedelta(days=1)
    party = f.reservation(local(yesterday, time(23, 30)), 4, State.SEATED, day=yesterday, arrived=local(
        yesterday, time(23, 30)), greet=20, seat=100, greeter=history[0], seater=history[1])
    db.session.commit()  # added to a stored day: the insert marks it, and the job stores it again
    rollup.summarise(seconds=None)
    block = db.session.scalar(sa.select(FigureBlock).where(FigureBlock.first_day == yesterday,
                                                           FigureBlock.last_day == yesterday))
    assert block.summarised == block.changes
    # The leave, at 00:40 of the next calendar day, through the same conditional UPDATE the operations use.
    db.session.execute(sa.update(Reservation).where(Reservation.id == party.id, Reservation.state == State.SEATED)
                       .values(state=State.LEFT, left_at=local(yesterday, time(0, 40)) + timedelta(days=1)))
    db.session.commit()
    db.session.refresh(block)
    assert block.changes > block.summarised  # marked in the leave's own transaction
    month = db.session.scalar(sa.select(FigureBlock).where(FigureBlock.first_day == date(2026, 10, 1)))
    assert month.summarised == month.changes  # another month's block is untouched
    week = PERIODS[2]
    assert rollup.period_facts(week, get_settings(), "day").live_days == 4  # 19 November is read live again
    assert_stored_equals_live(week)
    turns = figures_of(week, True)["turns"][-1]["spread"]["count"]
    rollup.summarise(seconds=None)
    db.session.refresh(block)
    assert block.summarised == block.changes
    assert figures_of(week, True)["turns"][-1]["spread"]["count"] == turns
    assert_stored_equals_live(week)


def test_an_undo_or_a_deleted_party_of_a_stored_month_marks_its_day_and_month(history):
    rollup.summarise(seconds=None)
    party = db.session.scalar(sa.select(Reservation).where(Reservation.service_day == date(2026, 10, 25),
                                                           Reservation.state == State.LEFT).limit(1))
    db.session.execute(sa.update(Reservation).where(Reservation.id == party.id).values(
        state=State.SEATED, left_at=None))  # an undo of the leave
    db.session.commit()
    marked = db.session.execute(sa.select(FigureBlock.first_day, FigureBlock.last_day).where(
        FigureBlock.changes != FigureBlock.summarised)).all()
    assert sorted(marked) == [(date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 10, 25), date(2026, 10, 25))]
    assert_stored_equals_live(PERIODS[4])
    db.session.delete(db.session.get(Reservation, party.id))
    db.session.commit()
    rollup.summarise(seconds=None)
    assert_stored_equals_live(PERIODS[4])
    assert not db.session.execute(sa.select(FigureBlock.id).where(FigureBlock.changes != FigureBlock.summarised)).all()


def test_a_change_while_a_day_is_computed_leaves_it_to_do(history, monkeypatch):
    rollup.summarise(seconds=None)
    day = date(2026, 11, 2)
    party = db.session.scalar(sa.select(Reservation).where(Reservation.service_day == day).limit(1))
    db.session.execute(sa.update(Reservation).where(Reservation.id == party.id).values(party_size=7))
    db.session.commit()
    real = rollup.facts_by_day

    def meanwhile(ranges, settings):
        found = real(ranges, settings)
        db.session.execute(sa.update(Reservation).where(Reservation.id == party.id).values(party_size=9))
        return found

    monkeypatch.setattr(rollup, "facts_by_day", meanwhile)
    rollup.summarise(seconds=None)
    block = db.session.scalar(sa.select(FigureBlock).where(FigureBlock.first_day == day, FigureBlock.last_day == day))
    assert block.changes != block.summarised  # computed before the change: not taken as good
    monkeypatch.setattr(rollup, "facts_by_day", real)
    assert_stored_equals_live(Period("day", day, day))


def test_other_settings_make_the_stored_days_stale_until_computed_again(history):
    rollup.summarise(seconds=None)
    update_settings(None, late_after_minutes=3)
    db.session.commit()
    period = PERIODS[3]
    assert rollup.period_facts(period, get_settings(), "day").stored_days == 0
    assert_stored_equals_live(period)
    rollup.summarise(seconds=None)
    assert rollup.period_facts(period, get_settings(), "day").stored_days == 31
    assert_stored_equals_live(period)


def test_lost_triggers_are_put_back_and_nothing_stored_is_trusted(history):
    rollup.summarise(seconds=None)
    for name in ("figure_blocks_on_insert", "figure_blocks_on_update", "figure_blocks_on_delete"):
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text(f"DROP TRIGGER IF EXISTS {name} ON reservations"))
        else:
            db.session.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
    db.session.commit()
    assert rollup.period_facts(PERIODS[3], get_settings(), "day").stored_days == 0
    rollup.summarise(seconds=0)  # puts the triggers back and marks every block; computes one
    assert triggers_present(db.session.connection())
    assert rollup.period_facts(PERIODS[3], get_settings(), "day").stored_days == 0


def test_the_job_is_scheduled_and_runs_once_under_its_lease(history, app):
    assert rollup.JOB in [job.name for job in jobs.all_jobs()]
    job = next(job for job in jobs.all_jobs() if job.name == rollup.JOB)
    db.session.commit()
    assert jobs.run_due(app, [job]) == []  # a new job's first run is five minutes on
    db.session.execute(sa.update(jobs.ScheduledJob).values(next_run_at=f.at(20, 17)))
    db.session.commit()
    assert jobs.run_due(app, [job]) == [rollup.JOB]
    assert jobs.run_due(app, [job]) == []
    row = db.session.get(jobs.ScheduledJob, rollup.JOB)
    db.session.refresh(row)
    assert row.last_result.startswith("days ") and row.failures == 0
    assert_stored_equals_live(PERIODS[4])
