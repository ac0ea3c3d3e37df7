"""Column types shared by every feature, and the engine set-up for SQLite and PostgreSQL.

A request is one transaction, committed by its view. On SQLite a request that may write (any method
but GET, HEAD and OPTIONS) begins it with BEGIN IMMEDIATE: SQLite ignores SELECT ... FOR UPDATE, and a
deferred transaction that reads and then writes fails with "database is locked" instead of waiting.
"""
from __future__ import annotations

import contextvars
import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


class UtcDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use hostdesk.clock.utcnow()")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_type(enum_class: type[enum.Enum]) -> sa.Enum:
    """An enum stored by its value as a plain string (no native enum to migrate)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda cls: [m.value for m in cls],
    )


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


@contextmanager
def write_intent() -> Iterator[None]:
    """Outside a request (CLI, jobs, tests): make the next SQLite transaction BEGIN IMMEDIATE."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _wants_write() -> bool:
    return _write_intent.get() or (has_request_context() and request.method not in SAFE_METHODS)


def write_apart(change: Callable[[], None]) -> None:
    """In a read request, make `change()` in a write transaction of its own and commit it (a login's
    activity mark): SQLite cannot turn a read transaction into a write one without risking BUSY."""
    if has_request_context() and request.method not in SAFE_METHODS:
        change()  # already a write transaction: committed with the request's own change
        return
    db.session.commit()
    with write_intent():
        change()
        db.session.commit()


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL with a synchronous commit, a busy timeout, foreign keys, and BEGIN IMMEDIATE for writes."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged commit survives a power cut too
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write() else "BEGIN")


def render_migration_type(type_: str, obj, autogen_context):
    """Migrations spell our column types in plain SQLAlchemy, so they never import app code."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Larger numbers are no id of ours: they would overflow PostgreSQL's integer and SQLite's INTEGER.
MAX_ID = 2**31 - 1


def get_or_404(model, ident: int):
    """The row with this id, or a 404 page (also for ids too large to be ours)."""
    from flask import abort

    row = db.session.get(model, ident) if 0 < ident <= MAX_ID else None
    if row is None:
        abort(404)
    return row
