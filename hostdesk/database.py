"""Column types shared by every feature, and the engine set-up for SQLite and PostgreSQL.

SQLite: WAL, a busy timeout and foreign keys on every connection. A request that may
write (any method but GET/HEAD/OPTIONS) starts its view's transaction with BEGIN IMMEDIATE
(what runs before the view, the login lookup, only reads and ends first: begin_view()),
because SQLite ignores SELECT ... FOR UPDATE and a deferred transaction that reads and
then writes fails with "database is locked" instead of waiting its turn.

A view marked `reads_first` (the board's transitions, whose one write is a conditional UPDATE
that checks the state it read) reads in a plain transaction too, the login lookup's going on into
the view; its first INSERT, UPDATE, DELETE or SAVEPOINT ends that read and begins the write
transaction on the same connection (_upgrade_to_write), so the write lock is held for the writes
and the commit only, not for loading what the view acts on.

A request's transaction that only read ends with COMMIT, not ROLLBACK (end_unwritten): psycopg
forgets a connection's prepared statements at every rollback.

Writers also queue on a lock of their own before BEGIN IMMEDIATE (WriterLock: the threads of a
process, and the processes through an flock beside the database file): SQLite's busy handler waits
by sleeping in growing steps (1, 2, 5, 10 ... 100 ms), so a writer often slept on long after the
lock was free (issue 7: taps at a busy door with two workers).
"""
from __future__ import annotations

import contextvars
import enum
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .extensions import db

try:
    import fcntl
except ImportError:  # not on Windows: there the threads of one process still queue
    fcntl = None

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
    return (has_request_context() and request.method not in SAFE_METHODS and g.get("hostdesk_in_view", False)
            and not g.get("hostdesk_reads_only"))


def reads_first(view):
    """Mark a view whose writes are guarded by what they check themselves (a conditional UPDATE,
    a unique index), so that what it reads before writing needs no write lock: on SQLite it
    begins with a plain read transaction, upgraded at its first write (see the module's note)."""
    view.hostdesk_reads_first = True
    return view


# What begin_view() sets in `g` for the request (auth.session.forget_previous_request drops them).
REQUEST_FLAGS = ("hostdesk_in_view", "hostdesk_reads_only", "hostdesk_upgrade_on_write")


def begin_view() -> None:
    """The last before_request step. What ran before the view (finding the login) only read, in a
    plain transaction. A `reads_first` view goes on reading in it; for any other write view it
    ends, so that the view's first statement begins its write transaction and the write lock is
    held for the view's work only, not for the login lookup (issue 7)."""
    if request.method not in SAFE_METHODS:
        g.hostdesk_in_view = True
        if getattr(current_app.view_functions.get(request.endpoint), "hostdesk_reads_first", False):
            g.hostdesk_reads_only = g.hostdesk_upgrade_on_write = True  # the read goes on into the view
        elif is_sqlite():
            end_read()


def end_read() -> None:
    """End a transaction that only read, keeping what it loaded (the login's user) as loaded:
    nothing was written, so there is nothing to read again."""
    session = db.session()
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


# A savepoint too: the write transaction must begin before it, or ending the read would end it.
WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "SAVEPOINT"})


_CHANGES_IN_WITH = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _first_word(statement: str) -> str:
    return statement.lstrip()[:9].split(None, 1)[0].upper() if statement.strip() else ""


def writes(statement: str) -> bool:
    """Whether a statement may write: by its first word, and for WITH by its data-modifying parts
    (a board step on PostgreSQL is one such statement, reservations/steps.py)."""
    word = _first_word(statement)
    return word in WRITES or (word == "WITH" and _CHANGES_IN_WITH.search(statement) is not None)


def _upgrades_on_write() -> bool:
    return has_request_context() and g.get("hostdesk_upgrade_on_write", False)


def write_now(change) -> None:
    """Outside a view (the login check): end the read, then make `change()` and commit it in a
    write transaction of its own (BEGIN IMMEDIATE on SQLite, so it waits its turn)."""
    db.session.commit()
    with write_intent():
        change()
        db.session.commit()


def configure_engine(engine: Engine) -> None:
    event.listen(engine, "begin", _begins_unwritten)
    event.listen(engine, "before_cursor_execute", _notes_writes)
    ping_after_idle(engine)
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

    writers = WriterLock(engine.url.database)

    def _take_writer_lock(info) -> None:
        if not info.get("holds_writer_lock"):
            writers.acquire()
            info["holds_writer_lock"] = True

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        info = connection.connection.info  # the pool's record of this DBAPI connection
        info["reading"] = not _wants_write()
        if info["reading"]:
            connection.exec_driver_sql("BEGIN")
            return
        _take_writer_lock(info)
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _upgrade_to_write(connection, cursor, statement, _params, _context, _executemany):
        """In a reads_first view, the first write ends the read and begins the write transaction."""
        info = connection.connection.info
        if info.get("reading") and writes(statement) and _upgrades_on_write():
            _take_writer_lock(info)
            cursor.execute("COMMIT")
            cursor.execute("BEGIN IMMEDIATE")
            info["reading"] = False

    def _release(_dbapi_connection, record, *_args):
        if record is not None and record.info.pop("holds_writer_lock", False):
            writers.release()

    # After the transaction has ended: the connection goes back to the pool (commit, rollback or
    # error), or is closed or thrown away.
    for name in ("checkin", "close", "invalidate", "soft_invalidate"):
        event.listen(engine.pool, name, _release)


PING_AFTER_IDLE_SECONDS = 2.0


def ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it sat idle PING_AFTER_IDLE_SECONDS or longer (a
    database restarted in the meantime: the pool connects anew). SQLAlchemy's pool_pre_ping checks
    every checkout, a round trip to PostgreSQL for every request; a connection put back moments
    ago by the previous request is alive. If the database goes away within those seconds, the
    request that meets it gets the "try again" page (web.py) and SQLAlchemy replaces the pool's
    connections (issue 7: a round trip of the seven a tap made)."""

    @event.listens_for(engine.pool, "connect")
    @event.listens_for(engine.pool, "checkin")
    def _note_idle_since(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise sa.exc.DisconnectionError() from error  # the pool connects anew and tries again
            raise


def _begins_unwritten(connection) -> None:
    connection.info["wrote"] = False


def _notes_writes(connection, _cursor, statement, *_args) -> None:
    info = connection.info
    if not info.get("wrote") and writes(statement):
        info["wrote"] = True


@event.listens_for(Session, "after_begin")
def _remember_connection(session, _transaction, connection) -> None:
    session.info["hostdesk_connection"] = connection


@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("hostdesk_connection", None)


def transaction_wrote(session) -> bool:
    """Whether the session's transaction, ending now, wrote anything (True when unknown)."""
    connection = session.info.get("hostdesk_connection")
    return connection is None or connection.info.get("wrote", True)


def end_unwritten(error: BaseException | None = None) -> None:
    """At the end of a request, a transaction that wrote nothing ends with COMMIT, not with the
    ROLLBACK that removing the session would send: the same for the database, but psycopg forgets
    every prepared statement of a connection at a rollback, so PostgreSQL planned each statement of
    every request anew (issue 7). A transaction that wrote, or a request that failed, still rolls back."""
    session = db.session()
    if error is not None or transaction_wrote(session) or session.new or session.dirty or session.deleted:
        return
    try:
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()


class WriterLock:
    """One writer at a time across the threads of a process (a lock) and the processes of a server
    (an flock on a file beside the database), handed over as soon as it is free; SQLite's own busy
    handler sleeps in steps of up to 100 ms. Waits at most BUSY_SECONDS, as SQLite's busy timeout."""

    BUSY_SECONDS = 10.0

    def __init__(self, database: str | None):
        self.threads = threading.Lock()
        self.path = f"{database}.writer-lock" if database and database != ":memory:" and fcntl else None
        self.fd: int | None = None
        self.pid = 0

    def acquire(self) -> None:
        deadline = time.monotonic() + self.BUSY_SECONDS
        if not self.threads.acquire(timeout=self.BUSY_SECONDS):
            raise _busy()
        try:
            self._flock(deadline)
        except BaseException:
            self.threads.release()
            raise

    def release(self) -> None:
        try:
            if self.path is not None and self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.threads.release()

    def _flock(self, deadline: float) -> None:
        if self.path is None:
            return
        if self.pid != os.getpid():  # opened anew in each process: a forked descriptor would be shared
            self.fd, self.pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        pause = 0.0002
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _busy() from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)


def _busy() -> sa.exc.OperationalError:
    return sa.exc.OperationalError("BEGIN IMMEDIATE", {}, TimeoutError("database is locked"))


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
