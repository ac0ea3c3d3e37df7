"""PostgreSQL: a request reads without a transaction; its first write begins one.

psycopg begins a transaction before a connection's first statement and SQLAlchemy ends it with
COMMIT or ROLLBACK, each a round trip to the server. In PostgreSQL's READ COMMITTED, which
Hostdesk uses, every statement reads its own snapshot whether or not a transaction holds it, so
wrapping reads in one changes nothing but those two round trips (issue 7). So inside a request a
connection is checked out in psycopg's autocommit mode; just before the first statement that
writes or locks (database.writes, `FOR UPDATE`) or streams through a server-side cursor, it
leaves that mode, psycopg sends BEGIN before that statement, and everything the request writes is
one transaction, committed or rolled back by the view as before. Outside a request the app is
serving (the CLI, migrations, the bench's loader, a test's own request context) nothing changes.

A statement that is a whole change by itself may commit alone, in autocommit: a board step on
PostgreSQL is one statement (reservations/steps.py: the party's UPDATE, its audit entry and the
version's bump) and for arrive, greet, call, no-show and cancel it is the request's only write
(operations: `whole_change=True`), so it needs no BEGIN and no COMMIT of its own. It says so
with the execution option COMMITS_ALONE. Another write after it in the same request would not be
in one transaction with it: that raises (a programming error the tests catch) rather than commit
half a change, unless it too is whole by itself (the version row a new database lacks, live.bump).
"""
from __future__ import annotations

import functools
import re

from flask import Flask, g, has_request_context
from psycopg import ServerCursor
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .database import writes

COMMITS_ALONE = "hostdesk_commits_alone"
_LOCKS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)
_READING, _ALONE = "hostdesk_autocommit_reads", "hostdesk_committed_alone"
_SERVING = "hostdesk_serving"  # in `g` from the request's first step to its teardown


class WriteAfterLoneCommit(RuntimeError):
    """A request wrote again after a statement that committed by itself (COMMITS_ALONE)."""


@functools.lru_cache(maxsize=2048)
def needs_transaction(statement: str) -> bool:
    """Whether a statement writes or locks. Kept per statement: SQLAlchemy sends the same compiled
    strings again and again (a string keeps its hash), and the board's reads are kilobytes long."""
    return writes(statement) or _LOCKS.search(statement) is not None


def install(app: Flask, engine: Engine) -> None:
    """Call before the other before_request steps: the login lookup is the first read."""
    if engine.dialect.name != "postgresql":
        return
    app.before_request(_start_serving)
    app.teardown_request(_stop_serving)
    event.listen(engine.pool, "checkout", _read_in_autocommit)
    event.listen(engine.pool, "checkin", _end_autocommit)
    event.listen(engine, "before_cursor_execute", _begin_at_first_write)


def _start_serving() -> None:
    g.setdefault(_SERVING, True)


def _stop_serving(_error=None) -> None:
    g.pop(_SERVING, None)


def _serving() -> bool:
    return has_request_context() and g.get(_SERVING, False)


def _read_in_autocommit(dbapi_connection, record, _proxy) -> None:
    if _serving() and _outside_transaction(dbapi_connection):
        dbapi_connection.autocommit = True
        record.info[_READING] = True


def _end_autocommit(dbapi_connection, record) -> None:
    record.info.pop(_ALONE, None)
    if record.info.pop(_READING, False) and dbapi_connection is not None and not dbapi_connection.closed:
        dbapi_connection.autocommit = False  # as SQLAlchemy expects a pooled connection to be


def _server_side(cursor) -> bool:
    """A streamed read (yield_per: the CSV export) is a DECLARE CURSOR, which lives in a transaction."""
    return isinstance(cursor, ServerCursor)


def _outside_transaction(dbapi_connection) -> bool:
    return dbapi_connection.info.transaction_status == TransactionStatus.IDLE


def _begin_at_first_write(connection, cursor, statement, _params, context, _executemany) -> None:
    info = connection.connection.info  # the pool's record of this DBAPI connection
    if not info.get(_READING) or not (needs_transaction(statement) or _server_side(cursor)):
        return
    alone = context is not None and context.execution_options.get(COMMITS_ALONE) and _serving()
    if alone:
        info[_ALONE] = True
        return
    if info.get(_ALONE):
        raise WriteAfterLoneCommit("this request already committed a whole change by itself; a step that is "
                                   "followed by more writes must not commit alone (operations._step)")
    connection.connection.dbapi_connection.autocommit = False  # psycopg sends BEGIN before this statement
    info[_READING] = False
