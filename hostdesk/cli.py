"""Shell commands: `flask --app app seed-demo | create-user | backup | purge-personal-data | run-jobs`."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from .database import write_intent
from .extensions import db


def _read_password(prompt: str) -> str:
    """From the terminal without echo, or from standard input when piped; never from argv."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, err=True)
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException("expected the password on standard input")
    return line.rstrip("\n")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(["host", "staff", "manager"]), required=True)
@click.option("--name", "display_name", default=None, help="Name shown in the app (default: the user name).")
def create_user_command(username: str, role: str, display_name: str | None) -> None:
    """Create a user; the password is asked twice (or read twice from standard input)."""
    from .auth.operations import create_user
    from .errors import DomainError

    first = _read_password("Password")
    second = _read_password("Repeat password")
    if first != second:
        raise click.ClickException("the passwords differ; nothing was created")
    try:
        with write_intent():
            user = create_user(None, username, display_name or username, role, first)
            db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(str(refused.message)) from None
    click.echo(f"created {user.username} ({user.role.value})")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo restaurant; running it again adds nothing twice."""
    from .demo import seed_demo

    with write_intent():
        added = seed_demo()
        db.session.commit()
    click.echo("demo data: " + (", ".join(f"{n} {what}" for what, n in added.items() if n) or "already present"))


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the live SQLite database to PATH (SQLite's online backup), and
    the verification answers' key beside it as PATH.answers-key: without that key no stored
    answer can be checked after a restore. Both are readable by this user only."""
    from .keys import answers_key, write_private

    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "backup copies the embedded SQLite database; for PostgreSQL use pg_dump (see README)")
    key_path = path.with_name(path.name + ".answers-key")
    if path.exists() or key_path.exists():
        raise click.ClickException(f"{path} or {key_path} exists; choose a new file")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(key_path, answers_key().decode() + "\n")
    source = sqlite3.connect(url.database)
    target = sqlite3.connect(path)
    with target:
        source.backup(target)
    target.close()
    source.close()
    upload_note = current_app.config["UPLOAD_FOLDER"]
    click.echo(f"backed up to {path} and the answers' key to {key_path} "
               f"(photos are in {upload_note}; copy that folder too)")


@click.command("purge-personal-data")
@with_appcontext
def purge_personal_data_command() -> None:
    """Erase claimants', lost reports' and guests' personal data past the erasure periods."""
    from .lostfound.operations import purge_personal_data
    from .online.purge import purge_guest_data

    with write_intent():
        count = purge_personal_data() + purge_guest_data()
        db.session.commit()
    click.echo(f"erased personal data of {count} records")


@click.command("run-jobs")
@with_appcontext
def run_jobs_command() -> None:
    """Run the scheduled jobs that are due now (the app also does it by itself every minute)."""
    from .jobs import run_due

    ran = run_due(current_app._get_current_object())
    click.echo("ran: " + (", ".join(ran) or "nothing was due"))


@click.command("db-is-empty", hidden=True)
@with_appcontext
def db_is_empty_command() -> None:
    """Exit 0 when no user exists yet (the run script seeds the demo then)."""
    from .auth.models import User

    sys.exit(0 if db.session.scalar(sa.select(sa.func.count(User.id))) == 0 else 1)


def register_commands(app: Flask) -> None:
    commands = (create_user_command, seed_demo_command, backup_command, purge_personal_data_command,
                run_jobs_command, db_is_empty_command)
    for command in commands:
        app.cli.add_command(command)
