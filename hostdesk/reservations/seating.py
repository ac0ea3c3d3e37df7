"""Changing a seated party's tables: move it to other tables, release one table of a combination,
and undo either. Like the transitions, each is a conditional UPDATE (two tablets change nothing
twice), the unique index on occupied tables decides who gets a table, and the audit entry and the
board version go with the change. They flush, never commit."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, InvalidTransition, ValidationFailed
from ..extensions import db
from ..floor.models import Table
from . import live
from .labels import STATE_LABELS
from .models import Reservation, State
from .operations import _occupy, _taken, _who, check_fits, local_hhmm


def _seated(res: Reservation) -> None:
    if res.state is not State.SEATED:
        raise InvalidTransition(_l("Not possible: %(name)s is %(state)s.", name=res.display_name,
                                   state=STATE_LABELS[res.state]))


def _mark(res: Reservation, actor, previous: list[int] | None) -> None:
    """The conditional UPDATE: the party is still seated and unchanged since it was read."""
    same_change = (Reservation.changed_at.is_(None) if res.changed_at is None
                   else Reservation.changed_at == res.changed_at)
    values = {"previous_state": State.SEATED if previous else None, "previous_table_ids": previous,
              "changed_at": clock.utcnow(), "changed_by_id": getattr(actor, "id", None)}
    updated = db.session.execute(
        sa.update(Reservation).where(Reservation.id == res.id, Reservation.state == State.SEATED, same_change)
        .values(**values), execution_options={"synchronize_session": False}).rowcount
    if not updated:
        db.session.refresh(res)
        raise AlreadyDone(_l("%(name)s was just changed on another tablet (now at table %(table)s).",
                             name=res.display_name, table=res.tables_label or "-"))
    for key, value in values.items():
        set_committed_value(res, key, value)


def _free(tables: list[Table]) -> None:
    """Tables a seated party gave up (a move, a released table): free at once for the next party,
    not "to clear"."""
    now = clock.utcnow()
    for table in tables:
        table.cleared_at = now


def _change_tables(res: Reservation, actor, tables: list[Table], previous: list[int] | None) -> list[Table]:
    """Give the seated party exactly `tables`; returns the tables it gave up."""
    from .queries import blocked_tables

    old = res.tables
    wanted = [t.id for t in tables]
    to_clear = [i for i in blocked_tables(wanted, res.id) if i not in {t.id for t in old}]
    try:
        with db.session.begin_nested():
            _mark(res, actor, previous)
            if to_clear:  # occupied by another party (named), or still to clear
                raise _BlockedTable(to_clear)
            _occupy(res, tables)
    except IntegrityError:
        db.session.refresh(res)
        raise _taken(wanted, res.id) from None
    except _BlockedTable as blocked:
        db.session.refresh(res)
        raise _blocked(blocked.ids, res.id) from None
    db.session.refresh(res)
    gone = [t for t in old if t.id not in set(wanted)]
    _free(gone)
    db.session.flush()
    live.bump()
    return gone


class _BlockedTable(Exception):
    def __init__(self, ids: list[int]):
        super().__init__(ids)
        self.ids = ids


def _blocked(ids: list[int], own_id: int):
    from .operations import occupant

    if occupant(ids, own_id) is not None:
        return _taken(ids, own_id)
    names = " + ".join(db.session.scalars(sa.select(Table.name).where(Table.id.in_(ids)).order_by(Table.name)))
    return ValidationFailed(_l("Table %(table)s is still to be cleared.", table=names), field="table_ids")


def _changed_meanwhile(res: Reservation) -> AlreadyDone:
    from ..auth.models import User

    who = db.session.get(User, res.changed_by_id) if res.changed_by_id else None
    return AlreadyDone(_l("%(name)s was just moved to table %(table)s by %(by)s at %(time)s.", name=res.display_name,
                          table=res.tables_label, by=_who(who), time=local_hhmm(res.changed_at)))


def move(res: Reservation, actor, tables: list[Table], seen: list[int] | None = None) -> None:
    """Move a seated party to other free tables that fit; the old ones are free at once. `seen`:
    the tables the tablet showed; if another tablet moved the party since, nothing changes."""
    _seated(res)
    if not tables:
        raise ValidationFailed(_l("Choose a table."), field="table_ids")
    before = [t.id for t in res.tables]
    if seen is not None and sorted(seen) != sorted(before):
        raise _changed_meanwhile(res)
    if sorted(t.id for t in tables) == sorted(before):
        raise AlreadyDone(_l("%(name)s already sits at table %(table)s.", name=res.display_name,
                             table=res.tables_label))
    check_fits(res.party_size, tables)
    _change_tables(res, actor, tables, before)
    record(actor, "reservation.move", res, tables=[before, [t.id for t in tables]])


def release(res: Reservation, actor, table: Table) -> None:
    """One table of a combination is given up (part of the party left, or the table is needed)."""
    _seated(res)
    before = [t.id for t in res.tables]
    if table.id not in before:
        raise InvalidTransition(_l("%(name)s does not sit at table %(table)s.", name=res.display_name,
                                   table=table.name))
    if len(before) < 2:
        raise InvalidTransition(_l("%(name)s sits only at table %(table)s: mark them as left or move them.",
                                   name=res.display_name, table=table.name))
    _change_tables(res, actor, [t for t in res.tables if t.id != table.id], before)
    record(actor, "reservation.release", res, table=table.id)


def undo_tables(res: Reservation, actor) -> None:
    """Back to the tables before the last move or release (operations.undo decides it may)."""
    previous = list(res.previous_table_ids or [])
    tables = list(db.session.scalars(sa.select(Table).where(Table.id.in_(previous))))
    now_at = [t.id for t in res.tables]
    _change_tables(res, actor, tables, None)
    record(actor, "reservation.undo", res, tables=[now_at, previous])

