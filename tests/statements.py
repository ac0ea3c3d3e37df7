"""Count the SQL a block of a test runs (the board's, the poll's and the login check's reads)."""
from __future__ import annotations

import sqlalchemy as sa


class Statements:
    """The SQL statements run inside the block (not BEGIN): on every engine (the app's and the
    poll shortcut's own), or on the one given."""

    def __init__(self, target=sa.engine.Engine):
        self.target = target
        self.seen: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            self.seen.append(statement)

    def __enter__(self):
        sa.event.listen(self.target, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.target, "before_cursor_execute", self)
