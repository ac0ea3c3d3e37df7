"""Column types shared by every feature, and the engine set-up for SQLite and PostgreSQL.

SQLite: WAL, a busy timeout and foreign keys on every connection. A request that may
write (any method but GET/HEAD/OPTIONS) starts its transaction with BEGIN IMMEDIATE,
because SQLite ignores SELECT ... FOR UPDATE and a deferred transaction that reads and
then writes fails with "database is locked" instead of waiting its turn.

Writers of one process also queue on a lock of the engine before BEGIN IMMEDIATE: SQLite's own
busy handler waits by sleeping in growing steps (1, 2, 5, 10 ... 100 ms), so a writer often sleeps
on long after the lock was free; a Python lock hands it over at once (issue 7: taps at a busy door).
"""
from __future__ import annotations

import contextvars
import enum
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import g, has_request_context, request
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
    """Outside a request (CLI, tests, jobs): make the next SQLite transaction BEGIN IMMEDIATE."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def reads_only() -> None:
    """Call after a request's one commit when the rest of it only reads (e.g. renders the board):
    its next SQLite transaction is a plain BEGIN, so rendering does not hold the write lock."""
    g.hostdesk_reads_only = True


def _wants_write() -> bool:
    if _write_intent.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS and not g.get("hostdesk_reads_only")


def configure_engine(engine: Engine) -> None:
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
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    writers = threading.Lock()
    busy_seconds = 10.0

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if not _wants_write():
            connection.exec_driver_sql("BEGIN")
            return
        info = connection.connection.info  # the pool's record of this DBAPI connection
        if not info.get("holds_writer_lock"):
            if not writers.acquire(timeout=busy_seconds):
                raise sa.exc.OperationalError("BEGIN IMMEDIATE", {}, TimeoutError("database is locked"))
            info["holds_writer_lock"] = True
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def _release(_dbapi_connection, record, *_args):
        if record is not None and record.info.pop("holds_writer_lock", False):
            writers.release()

    # After the transaction has ended: the connection goes back to the pool (commit, rollback or
    # error), or is closed or thrown away.
    for name in ("checkin", "close", "invalidate", "soft_invalidate"):
        event.listen(engine.pool, name, _release)


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
