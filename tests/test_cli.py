import sqlite3

import sqlalchemy as sa

from hostdesk.auth.models import Role, User
from hostdesk.auth.passwords import verify_secret
from hostdesk.extensions import db


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
                if t.name not in ("audit_entries", "auth_sessions")}


def test_seed_demo_twice_adds_nothing_twice(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = table_counts(app)
    assert after_first["users"] == 3
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert table_counts(app) == after_first
    assert "already present" in second.output


def test_the_demo_opens_the_guests_booking_page(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    page = app.test_client().get("/book", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and 'name="party_size"' in page.get_data(as_text=True)


def test_demo_logins_work(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for username, password in (("host", "demo-host"), ("staff", "demo-staff"), ("manager", "demo-manager")):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": password}).status_code == 302


def test_create_user_reads_the_password_twice_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "sanne", "--role", "host", "--name", "Sanne"],
                           input="long-enough-1\nlong-enough-1\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.username == "sanne")).one()
        assert user.role is Role.HOST and verify_secret(user.password_hash, "long-enough-1")


def test_create_user_refuses_different_or_short_passwords(app):
    runner = app.test_cli_runner()
    differ = runner.invoke(args=["create-user", "sanne", "--role", "host"], input="long-enough-1\nlong-enough-2\n")
    short = runner.invoke(args=["create-user", "sanne", "--role", "host"], input="short\nshort\n")
    assert differ.exit_code != 0 and "differ" in differ.output
    assert short.exit_code != 0 and "8" in short.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_backup_is_a_database_with_the_same_rows(app, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    expected = table_counts(app)
    target = tmp_path / "backup" / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for table, count in expected.items():
        assert copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == count, table  # noqa: S608
    copy.close()
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output
