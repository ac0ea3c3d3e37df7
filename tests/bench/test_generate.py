"""The benchmark's data generator, small: quick, complete (every state) and reproducible, so the
benchmark (python -m bench) cannot silently rot. The benchmark itself is not a test."""
from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from bench.data_today import quotas
from bench.generate import LOGINS, Scale, build
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
