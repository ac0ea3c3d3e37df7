"""Stored figures: one row per closed service day and per closed month (a block of days), filled by a
scheduled job (manager/rollup.py) so a period of years is read from a few rows instead of every party.

A block is good while `summarised` equals `changes`. A database trigger on `reservations` adds one to
`changes` of every block holding the old or the new service day of an inserted, changed or deleted
row, in the same transaction as the change: no write path (an undo, a late leave after midnight, an
edit, a plain SQL UPDATE) can leave a stored figure wrong. The job writes its result only when
`changes` is still what it read before reading the reservations.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..database import UtcDateTime
from ..extensions import db

TRIGGER_NAMES = ("figure_blocks_on_insert", "figure_blocks_on_update", "figure_blocks_on_delete")
_BUMP = ("UPDATE figure_blocks SET changes = changes + 1 "
         "WHERE last_day >= {row}.service_day AND first_day <= {row}.service_day")

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS figure_blocks_on_insert AFTER INSERT ON reservations "
    f"BEGIN {_BUMP.format(row='NEW')}; END",
    f"CREATE TRIGGER IF NOT EXISTS figure_blocks_on_update AFTER UPDATE ON reservations "
    f"BEGIN {_BUMP.format(row='OLD')}; {_BUMP.format(row='NEW')} AND NEW.service_day <> OLD.service_day; END",
    f"CREATE TRIGGER IF NOT EXISTS figure_blocks_on_delete AFTER DELETE ON reservations "
    f"BEGIN {_BUMP.format(row='OLD')}; END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION figure_blocks_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' THEN {_BUMP.format(row='OLD')}; END IF; "
    f"IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.service_day <> OLD.service_day) THEN "
    f"{_BUMP.format(row='NEW')}; END IF; "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS figure_blocks_on_update ON reservations",
    "CREATE TRIGGER figure_blocks_on_update AFTER INSERT OR UPDATE OR DELETE ON reservations "
    "FOR EACH ROW EXECUTE FUNCTION figure_blocks_bump()",
]


class FigureBlock(db.Model):
    """The figures of the service days `first_day` to `last_day` (one day, or a calendar month)."""

    __tablename__ = "figure_blocks"
    __table_args__ = (sa.UniqueConstraint("first_day", "last_day", name="uq_figure_blocks_days"),
                      sa.Index("ix_figure_blocks_last_day", "last_day", "first_day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)
    changes: Mapped[int] = mapped_column(default=0)  # raised by the trigger at every change of its days
    summarised: Mapped[int | None]  # the `changes` the stored figures were computed at (None: never)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), default="")  # the settings they were computed with
    facts: Mapped[str] = mapped_column(sa.Text, default="")  # rollup.Facts as JSON
    computed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=clock.utcnow)


def create_triggers(connection) -> None:
    for statement in POSTGRES_TRIGGERS if connection.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        connection.exec_driver_sql(statement)


def triggers_present(connection) -> bool:
    """Whether the triggers are in place (a table rebuilt by a later migration would lose them)."""
    if connection.dialect.name == "postgresql":
        found = connection.execute(sa.text(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'figure_blocks_on_update' AND NOT tgisinternal")).scalar()
        return bool(found)
    found = connection.execute(sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                                       "('figure_blocks_on_insert', 'figure_blocks_on_update', "
                                       "'figure_blocks_on_delete')")).scalar()
    return found == len(TRIGGER_NAMES)


@sa.event.listens_for(db.metadata, "after_create")
def _after_create(target, connection, **kw) -> None:
    """create_all (the tests, a first install without migrations) gets the triggers too."""
    if sa.inspect(connection).has_table("reservations"):
        create_triggers(connection)
