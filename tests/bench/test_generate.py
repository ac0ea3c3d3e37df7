"""The benchmark's data generator, small: quick, complete (every state) and reproducible, so the
benchmark (python -m bench) cannot silently rot. The benchmark itself is not a test."""
from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from bench.data_today import quotas
from bench.generate import LOGINS, Scale, build
from bench.load import Run
from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.lostfound.models import Claim, FoundItem, ItemState, ItemWord, Question
from hostdesk.reservations.models import Assignment, Guest, Reservation, State
from hostdesk.settings import get_settings

SMALL = Scale.small()


def _digest() -> str:
    rows = db.session.execute(sa.select(Reservation.name, Reservation.party_size, Reservation.state,
                                        Reservation.start_at, Reservation.arrived_at).order_by(Reservation.id))
    items = db.session.execute(sa.select(FoundItem.reference, FoundItem.description, FoundItem.state)
                               .order_by(FoundItem.id))
    return hashlib.sha256(repr((list(rows), list(items))).encode()).hexdigest()


@pytest.fixture
def built(app, frozen):
    counts = build(app, SMALL, seed=3, now=frozen, log=lambda *_: None, migrations=False)
    return counts


def test_small_data_set_has_every_state(app, built, frozen):
    with app.test_request_context():
        s = get_settings()
        today = clock.service_day(frozen, s.zone, s.boundary)
        states = set(db.session.scalars(sa.select(Reservation.state).where(Reservation.service_day == today)))
        assert states == set(State)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reservation)
                                 .where(Reservation.service_day == today)) == SMALL.today
        past = db.session.scalar(sa.select(sa.func.count()).select_from(Reservation)
                                 .where(Reservation.service_day < today))
        assert SMALL.past * 0.9 < past < SMALL.past * 1.1
        # returning guests, with their visits counted from the history
        assert db.session.scalar(sa.select(sa.func.max(Guest.visits))) >= 3
        left = db.session.scalar(sa.select(sa.func.count()).select_from(Reservation).where(Reservation.state == "left"))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) >= left
        # seated parties each hold a table of their own (the partial unique index allows no other way)
        occupied = db.session.scalars(sa.select(Assignment.table_id).where(Assignment.occupied.is_(True))).all()
        assert occupied and len(occupied) == len(set(occupied))
        item_states = set(db.session.scalars(sa.select(FoundItem.state).distinct()))
        assert item_states == set(ItemState)
        for model in (Claim, Question, ItemWord):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) > 0
    assert built.rows["lf_items"] == SMALL.items
    assert built.rows["audit_entries"] > SMALL.items


def test_same_seed_same_data(app, built, frozen):
    with app.app_context():
        first = _digest()
    build(app, SMALL, seed=3, now=frozen, log=lambda *_: None, migrations=False)
    with app.app_context():
        assert _digest() == first
    build(app, SMALL, seed=4, now=frozen, log=lambda *_: None, migrations=False)
    with app.app_context():
        assert _digest() != first


def test_the_bench_logins_work_and_the_board_renders(app, built):
    client = app.test_client()
    assert client.post("/login", data={"username": "host", "password": LOGINS["host"][0]}).status_code == 302
    response = client.get("/host/")
    assert response.status_code == 200
    assert 'id="board"' in response.get_data(as_text=True)


@pytest.mark.parametrize("total", [1, 10, 40, 300])
def test_today_quotas_add_up(total):
    q = quotas(total, tables=12)
    assert sum(q.values()) == total
    assert q["seated"] <= 12
    if total >= 40:
        assert min(q.values()) >= 1


def test_percentiles_from_the_merged_histograms():
    a, b = Run(requests=3, duration_us=1_000_000), Run(requests=1, duration_us=1_000_000)
    a.histogram.update({1000: 2, 2000: 1})
    b.histogram.update({9000: 1})
    a.add(b)
    assert a.rps == 2.0
    assert a.percentile_ms(50) == 1.0
    assert a.percentile_ms(99) == 9.0


def test_the_host_actions_pool_is_topped_up_with_copies_and_emptied_again(app, built, frozen):
    """The bench's host action needs a booked party per tap of a round: copies of today's booked
    parties (same time, size, guest and tables), removed again after."""
    from bench.data_today import booked_copies, booked_today, remove_copies

    with app.test_request_context():
        s = get_settings()
        today = clock.service_day(frozen, s.zone, s.boundary)
        booked = booked_today(today)
        copies = booked_copies(booked, len(booked) + 3)
        assert len(copies) == len(booked) + 3 and set(booked_today(today)) == set(booked) | set(copies)
        first, copy = db.session.get(Reservation, booked[0]), db.session.get(Reservation, copies[0])
        assert (copy.start_at, copy.party_size, copy.guest_id, copy.state) == \
               (first.start_at, first.party_size, first.guest_id, State.BOOKED)
        assert [t.id for t in copy.tables] == [t.id for t in first.tables]
        remove_copies(copies)
        assert booked_today(today) == booked
        assert not db.session.scalars(sa.select(Assignment).where(Assignment.reservation_id.in_(copies))).all()


def test_the_host_actions_day_holds_as_many_reservations_as_the_data_sets_day(app, built, frozen):
    """top_up: booked copies up to TAP_PARTIES and today's other parties set aside, so a tap counts a
    day of TAP_PARTIES reservations; remove: the copies gone and the others back where they were."""
    from bench import run
    from bench.data_today import booked_today

    with app.test_request_context():
        s = get_settings()
        today = clock.service_day(frozen, s.zone, s.boundary)
        day = sa.select(Reservation.id).where(Reservation.service_day == today).order_by(Reservation.id)
        before = list(db.session.scalars(day))
        booked = booked_today(today)
        assert 0 < len(booked) < len(before) < run.TAP_PARTIES
    copies = run.top_up(app, booked)
    with app.test_request_context():
        assert len(copies) == run.TAP_PARTIES - len(booked)
        assert set(db.session.scalars(day)) == set(booked) | set(copies)
    run.remove(app, booked, copies)
    with app.test_request_context():
        assert list(db.session.scalars(day)) == before
    copies = run.top_up(app, booked)  # a run stopped here leaves the others aside ...
    run.remove(app, booked, run.top_up(app, booked))  # ... and the next run's top_up brings them back first
    run.remove(app, booked, copies)
    with app.test_request_context():
        assert list(db.session.scalars(day)) == before


def test_a_reused_data_set_is_brought_to_the_migrations_head(tmp_path, frozen):
    """python -m bench --reuse-data on a database built before the latest migration: the run applies
    it first, as run.sh's `flask db upgrade` does, so what is measured has today's indexes."""
    import flask_migrate
    from alembic.script import ScriptDirectory

    from bench.generate import bring_up_to_date
    from bench.run import existing_rows, make_app

    app = make_app(f"sqlite:///{tmp_path / 'reused.db'}")
    build(app, Scale(tables=4, today=4, past=20, years=1, guests=10, items=4), seed=1, now=frozen,
          log=lambda *_: None, migrations=True)
    with app.app_context():
        head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
        flask_migrate.downgrade(revision="-1")
        version = lambda: db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))  # noqa: E731
        assert version() != head
        db.session.remove()
    rows_before = existing_rows(app)

    assert "brought up to date by flask db upgrade" in bring_up_to_date(app)
    with app.app_context():
        assert version() == head
        db.engine.dispose()
    rows_after = existing_rows(app)  # the data stays as it was (the migration may add a table)
    assert rows_before and {name: rows_after[name] for name in rows_before} == rows_before


def test_the_table_gives_each_rows_cpu_per_request():
    """The workers' CPU of each measured run over its requests: what a request costs the server,
    beside its share of the floor (a share moves with the machine's balance of kernel and Python)."""
    from bench.report import table
    from bench.run import BackendResult, _row

    floor, taps, more = (Run(requests=6000, duration_us=1_000_000, cpu_seconds=0.9),
                         Run(requests=300, duration_us=500_000, cpu_seconds=0.9),
                         Run(requests=300, duration_us=500_000, cpu_seconds=0.9))
    for run in (floor, taps, more):
        run.statuses[200] = run.requests
    taps.add(more)
    assert taps.cpu_seconds == 1.8 and taps.cpu_ms_per_request == 3.0
    assert Run(requests=10).cpu_ms_per_request is None  # not measured (no gunicorn master given)
    result = BackendResult("SQLite", rows=[_row("floor", "floor", floor, 200, None, 2),
                                           _row("action", "host action", taps, 200, 6, 890, 2390)],
                           board_statements={300: 6}, data={})
    text = table(result, SMALL)
    assert "| workers' CPU ms per request |" in text.splitlines()[2]
    assert "| floor | 6,000 | 100% |" in text and "| 0.15 | – |" in text
    assert "| host action | 600 | 10% |" in text and "| 3.00 | 6 |" in text
