"""What one board step writes: the conditional UPDATE of the party, its audit entry and the board
version. The rules (which step from which state) are in operations.py; this is how they are written.

On PostgreSQL the three go to the server as one statement (data-modifying CTEs: the entry and the
bump happen only when the UPDATE found the party still in the state read), two round trips
fewer for every tap (issue 7), and the step's transaction commits asynchronously
(`synchronous_commit` off for that transaction only): the server answers COMMIT without waiting
for its log to reach the disk. If the database server itself crashes (not the app), the last
fraction of a second of taps can be lost, all of a tap or none of it, never half; the board then
shows those parties as before and the host taps again. PostgreSQL's manual offers exactly this for
writes worth less than the wait; bookings, lost-and-found and everything else commit as before.

Arrive, greet, call, no-show and cancel change nothing else (`whole_change`): in a request that
has written nothing before, that one statement commits by itself, without BEGIN and COMMIT
(autocommit_reads.py), since it is already all of the change or none of it. On a new database
without a version row yet, the row is then made by a statement that also commits by itself
(live.bump).

SQLite runs in the app's process, where a statement costs no round trip: there the three are
three statements, and SQLite's commit is not changed.
"""
from __future__ import annotations

import functools

import sqlalchemy as sa

from ..audit import AuditEntry, write_entry
from ..autocommit_reads import COMMITS_ALONE
from ..database import is_sqlite
from ..extensions import db
from . import live
from .models import BoardVersion, Reservation

_PARTY, _ENTRY, _VERSION = Reservation.__table__, AuditEntry.__table__, BoardVersion.__table__


@functools.cache
def conditional_update(columns: tuple[str, ...]) -> sa.Update:
    """UPDATE `columns` of one reservation WHERE it is still in the state read; built once per kind of
    step (a tap runs it; building it took as long as running it)."""
    return (sa.update(_PARTY)
            .where(_PARTY.c.id == sa.bindparam("when_id"), _PARTY.c.state == sa.bindparam("when_state"))
            .values({name: sa.bindparam(name) for name in columns}))


@functools.cache
def _in_one(columns: tuple[str, ...], entry_columns: tuple[str, ...]) -> sa.Select:
    """PostgreSQL: the step, its entry and the bump (live.BUMP) as one statement, answering (parties
    updated, versions bumped). The entry's values are bound as `entry_<column>`."""
    step = conditional_update(columns).returning(_PARTY.c.id).cte("step")
    entry_row = sa.select(*(sa.bindparam(f"entry_{name}", type_=_ENTRY.c[name].type) for name in entry_columns))
    entry = sa.insert(_ENTRY).from_select(entry_columns, entry_row.select_from(step)).cte("entry")
    bump = live.BUMP.where(sa.exists().select_from(step)).returning(_VERSION.c.id).cte("bump")
    count = sa.func.count
    return sa.select(sa.select(count()).select_from(step).scalar_subquery(),
                     sa.select(count()).select_from(bump).scalar_subquery(),
                     sa.func.set_config("synchronous_commit", "off", True)).add_cte(entry)


def write(party_id: int, state_read, written: dict, entry: dict, whole_change: bool = False) -> bool:
    """Write the step if the party is still in `state_read`: `written` on the party, `entry` (from
    audit.entry_values) to the audit trail, the board version bumped. False when another tablet
    was first (nothing written). `whole_change`: the request writes nothing else (see above)."""
    where = {"when_id": party_id, "when_state": state_read}
    if is_sqlite():
        if not db.session.execute(conditional_update(tuple(written)), {**where, **written}).rowcount:
            return False
        write_entry(entry)
        live.bump()
        return True
    values = {**where, **written, **{f"entry_{name}": value for name, value in entry.items()}}
    updated, bumped, _ = db.session.execute(_in_one(tuple(written), tuple(entry)), values,
                                            execution_options={COMMITS_ALONE: whole_change}).one()
    if updated and not bumped:  # no version row yet (a new database): bump() creates it
        live.bump(whole_change)
    return bool(updated)
