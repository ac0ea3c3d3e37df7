"""Measurements inside the app, one request at a time (never under load): SQL statements per
request, counted with a SQLAlchemy event, and the bytes the response takes (compressed as sent)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@contextmanager
def counting(engine=Engine) -> Iterator[list[str]]:
    """Collects the SQL statements run inside the block (not BEGIN/COMMIT), on `engine` or, by
    default, on every engine (the poll's shortcut reads on a connection pool of its own)."""
    statements: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@dataclass
class Probe:
    statements: int
    status: int
    wire_bytes: int  # the body as sent: gzip when the app compresses
    raw_bytes: int
    encoding: str


def probe(app, client, send: Callable) -> Probe:
    """Run `send(client)` once and measure it."""
    with counting() as statements:
        response = send(client)
    wire = response.get_data()
    encoding = response.headers.get("Content-Encoding", "")
    raw = len(decoded(wire, encoding))
    return Probe(len(statements), response.status_code, len(wire), raw, encoding)


def decoded(body: bytes, encoding: str) -> bytes:
    """The body as the app wrote it, from the bytes as sent."""
    import gzip

    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "zstd":
        try:
            from compression import zstd  # Python 3.14
        except ImportError:
            from backports import zstd

        return zstd.decompress(body)
    return body


def logged_in(app, username: str, password: str):
    """A test client logged in through the login form (CSRF on, as served); `client.csrf` holds
    the token for the X-CSRFToken header of POSTs."""
    from .client import CSRF_HEADER, CSRF_INPUT

    client = app.test_client()
    token = CSRF_INPUT.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                           follow_redirects=True)
    match = CSRF_HEADER.search(response.get_data(as_text=True))
    if response.status_code != 200 or match is None:
        raise RuntimeError(f"in-process login as {username} failed: {response.status_code}")
    client.csrf = match.group(1)
    return client


def board_statements(app) -> int:
    """Statements of one load_board() (the board render itself, without the login lookup), the
    settings read as well (a worker remembers them for up to a second: counted as when it does not)."""
    from hostdesk.extensions import db
    from hostdesk.reservations.board import load_board
    from hostdesk.settings import forget_remembered

    with app.test_request_context():
        db.session.remove()
        forget_remembered()
        with counting(db.engine) as statements:
            load_board()
        db.session.remove()
    return len(statements)
