from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.audit import AuditEntry, entries_for, record
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.settings import get_settings, update_settings

AMS = ZoneInfo("Europe/Amsterdam")


def test_service_day_runs_past_midnight():
    boundary = time(4, 0)
    late = datetime(2026, 11, 21, 1, 30, tzinfo=AMS)  # Saturday 01:30, still Friday's service
    assert clock.service_day(late, AMS, boundary) == date(2026, 11, 20)
    assert clock.service_day(datetime(2026, 11, 21, 4, 0, tzinfo=AMS), AMS, boundary) == date(2026, 11, 21)


def test_day_bounds_across_daylight_saving_changes():
    start, end = clock.day_bounds(date(2026, 10, 24), AMS, time(4, 0))  # the night the clocks go back
    assert start == datetime(2026, 10, 24, 2, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 10, 25, 3, 0, tzinfo=timezone.utc)
    assert (end - start).total_seconds() == 25 * 3600
    start, end = clock.day_bounds(date(2026, 3, 28), AMS, time(4, 0))  # the night they go forward
    assert (end - start).total_seconds() == 23 * 3600


def test_clock_freezes_and_advances():
    moment = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    clock.freeze(moment)
    assert clock.utcnow() == moment
    with pytest.raises(ValueError):
        clock.freeze(datetime(2026, 1, 1))


def test_audit_records_actor_and_changes_and_is_append_only(app_ctx, users):
    host = db.session.get(User, users[Role.HOST])
    record(host, "user.update", host, role=Role.HOST, when=datetime(2026, 1, 1, tzinfo=timezone.utc))
    db.session.commit()
    [entry] = [e for e in entries_for("users", host.id) if e.action == "user.update"]
    assert entry.actor_id == host.id and entry.actor_name == "Host"
    assert entry.changes == {"role": "host", "when": "2026-01-01T00:00:00+00:00"}
    entry.action = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()


def test_settings_default_then_stored_and_audited(app_ctx, users):
    assert get_settings().greet_amber_seconds == 30
    manager = db.session.get(User, users[Role.MANAGER])
    update_settings(manager, greet_amber_seconds=45, smtp_password="secret-value")
    db.session.commit()
    assert get_settings().greet_amber_seconds == 45
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "settings.update")).one()
    assert entry.changes == {"greet_amber_seconds": 45, "smtp_password": "(changed)"}
    assert entry.actor_id == manager.id


def test_settings_are_read_once_per_request_and_a_change_elsewhere_shows_at_the_next(app, users):
    """No worker keeps the settings beyond its request: a change committed through another
    connection (another worker or server) shows on the very next request; each request has its own."""
    from hostdesk import settings as settings_module

    def in_a_request():
        with app.test_request_context():
            return get_settings()

    first = in_a_request()
    first.durations.append([99, 1])
    assert [99, 1] not in in_a_request().durations
    with app.app_context(), db.engine.begin() as other_worker:
        other_worker.execute(sa.insert(settings_module.SettingValue).values(key="greet_amber_seconds", value=50))
    assert in_a_request().greet_amber_seconds == 50
    with app.test_request_context():
        update_settings(db.session.get(User, users[Role.MANAGER]), greet_amber_seconds=55)
        assert get_settings().greet_amber_seconds == 55  # in its own transaction at once
        db.session.commit()
    assert in_a_request().greet_amber_seconds == 55


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app_ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 10000


def test_naive_datetimes_are_refused(app_ctx, users):
    host = db.session.get(User, users[Role.HOST])
    host.locked_until = datetime(2026, 1, 1)
    with pytest.raises(sa.exc.StatementError):
        db.session.flush()
