"""The visit's transitions: arrive (all or part of the party), greet, seat, leave, no-show, cancel,
call from the waitlist, and undo. Each checks the state machine with a conditional UPDATE (so a second tap or a second
tablet changes nothing twice), writes its audit entry with the actor and bumps the board version.
They flush, never commit: the view commits once per request."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, DomainError, InvalidTransition, ValidationFailed
from ..extensions import db
from ..floor.models import Table
from ..settings import get_settings
from . import live
from .labels import STATE_LABELS
from .models import PROGRESS, Assignment, Reservation, State


class TableTaken(DomainError):
    status = 409


class NeedsTable(DomainError):
    """No table assigned, or the assigned one is not free: the host picks one."""

    status = 409


def check_party_size(size: int) -> None:
    """A party of 1 up to the restaurant's largest (a setting), for every way a party is made or changed."""
    largest = get_settings().max_party_size
    if not 1 <= size <= largest:
        raise ValidationFailed(_l("The party size must be between 1 and %(max)s.", max=largest), field="party_size")


def local_hhmm(moment: datetime | None) -> str:
    return moment.astimezone(get_settings().zone).strftime("%H:%M") if moment else ""


def _who(user) -> str:
    return getattr(user, "display_name", None) or str(_l("someone"))


def _already(res: Reservation, wanted: State) -> AlreadyDone | None:
    """The error for a transition whose result is already there, or None."""
    if res.state in (State.NO_SHOW, State.CANCELLED) or PROGRESS[res.state] < PROGRESS[wanted]:
        return None
    if wanted is State.ARRIVED:
        return AlreadyDone(_l("Already marked arrived by %(name)s at %(time)s.", name=_who(res.arrived_by),
                              time=local_hhmm(res.arrived_at)))
    if wanted is State.GREETED:
        return AlreadyDone(_l("Already greeted by %(name)s at %(time)s.", name=_who(res.greeted_by),
                              time=local_hhmm(res.greeted_at)))
    if wanted is State.SEATED:
        return AlreadyDone(_l("Already seated at table %(table)s by %(name)s at %(time)s.", table=res.table_names,
                              name=_who(res.seated_by), time=local_hhmm(res.seated_at)))
    return AlreadyDone(_l("Already marked as left at %(time)s.", time=local_hhmm(res.left_at)))


def _refuse(res: Reservation, wanted: State) -> DomainError:
    done = _already(res, wanted)
    if done is not None:
        return done
    if res.state is wanted:
        return AlreadyDone(_l("Nothing to do: %(name)s is already %(state)s.", name=res.display_name,
                              state=STATE_LABELS[res.state]))
    return InvalidTransition(_l("Not possible: %(name)s is %(state)s.", name=res.display_name,
                                state=STATE_LABELS[res.state]))


def _step(res: Reservation, actor, wanted: State, allowed: tuple[State, ...], action: str, **values) -> State:
    """Move `res` to `wanted` if it is still in the state we read (a conditional UPDATE), with its
    audit entry and a new board version; returns the state it left."""
    before = res.state
    if before not in allowed:
        raise _refuse(res, wanted)
    written = {"state": wanted, "previous_state": before, "changed_at": clock.utcnow(),
               "changed_by_id": getattr(actor, "id", None), "previous_table_ids": None, **values}
    updated = db.session.execute(
        sa.update(Reservation).where(Reservation.id == res.id, Reservation.state == before).values(**written),
        execution_options={"synchronize_session": False}).rowcount
    if not updated:  # another tablet was first
        db.session.refresh(res)
        raise _refuse(res, wanted)
    _written(res, actor, **written)
    record(actor, f"reservation.{action}", res, state=[before, wanted], **_plain_values(values))
    live.bump()
    return before


def _written(res: Reservation, actor, **values) -> None:
    """Put what the UPDATE wrote on `res` as loaded from the database (no re-read): its columns,
    and for each `<who>_by_id` the actor as `<who>_by`."""
    for key, value in values.items():
        set_committed_value(res, key, value)
        if key.endswith("_by_id") and key != "changed_by_id":
            set_committed_value(res, key[:-3], actor if value is not None else None)


def _plain_values(values: dict) -> dict:
    return {k: v for k, v in values.items() if k.endswith("_at") or k in ("quoted_wait_minutes", "arrived_guests")}


def arrive(res: Reservation, actor, guests: int | None = None) -> None:
    """The party is at the door; `guests` when only that many of them are here yet."""
    if guests is not None and not 1 <= guests <= res.party_size:
        raise ValidationFailed(_l("Give how many are here: a whole number from 1 to %(size)s.", size=res.party_size),
                               field="guests")
    partly = guests if guests is not None and guests < res.party_size else None
    now = clock.utcnow()
    _step(res, actor, State.ARRIVED, (State.BOOKED,), "arrive",
          arrived_at=now, arrived_by_id=actor.id, arrived_guests=partly)


def rest_arrived(res: Reservation, actor) -> None:
    """The rest of a partly arrived party came in: the whole party is here."""
    if res.state not in (State.ARRIVED, State.GREETED, State.SEATED):
        raise InvalidTransition(_l("Not possible: %(name)s is %(state)s.", name=res.display_name,
                                   state=STATE_LABELS[res.state]))
    if not res.partly_arrived:
        raise AlreadyDone(_l("The whole %(name)s party is already here.", name=res.display_name))
    updated = db.session.execute(
        sa.update(Reservation).where(Reservation.id == res.id, Reservation.arrived_guests == res.arrived_guests)
        .values(arrived_guests=None), execution_options={"synchronize_session": False}).rowcount
    if not updated:
        db.session.refresh(res)
        raise AlreadyDone(_l("The whole %(name)s party is already here.", name=res.display_name))
    before = res.arrived_guests
    set_committed_value(res, "arrived_guests", None)
    record(actor, "reservation.rest_arrived", res, arrived_guests=[before, res.party_size])
    live.bump()


def call(res: Reservation, actor) -> None:
    """"Table ready": the waiting walk-in is called and now stands at the door."""
    now = clock.utcnow()
    _step(res, actor, State.ARRIVED, (State.WAITING,), "call", called_at=now, arrived_at=now,
          arrived_by_id=actor.id)


def greet(res: Reservation, actor) -> None:
    now = clock.utcnow()
    _step(res, actor, State.GREETED, (State.ARRIVED,), "greet",
          greeted_at=now, greeted_by_id=actor.id)


def no_show(res: Reservation, actor) -> None:
    grace = timedelta(minutes=get_settings().no_show_grace_minutes)
    if res.state is State.BOOKED and clock.utcnow() < res.start_at + grace:
        raise InvalidTransition(_l("%(name)s is not late yet: a no-show is possible from %(time)s.",
                                   name=res.display_name, time=local_hhmm(res.start_at + grace)))
    if res.state is State.NO_SHOW:
        raise AlreadyDone(_l("Already marked as no-show."))
    _step(res, actor, State.NO_SHOW, (State.BOOKED,), "no_show", closed_at=clock.utcnow())


CANCELLABLE = (State.BOOKED, State.WAITING)


def cancellable(res: Reservation) -> bool:
    return res.state in CANCELLABLE


def cancel(res: Reservation, actor) -> None:
    if res.state is State.CANCELLED:
        raise AlreadyDone(_l("This reservation is already cancelled."))
    if res.state is State.NO_SHOW:
        raise AlreadyDone(_l("Already marked as no-show."))
    _step(res, actor, State.CANCELLED, CANCELLABLE, "cancel",
          closed_at=clock.utcnow())


def occupant(table_ids: list[int], other_than: int | None = None) -> Reservation | None:
    stmt = (sa.select(Reservation).join(Assignment)
            .where(Assignment.table_id.in_(table_ids), Assignment.occupied.is_(True),
                   Reservation.id != (other_than or 0)).limit(1))
    return db.session.scalars(stmt).first()


def _taken(table_ids: list[int], other_than: int | None = None) -> TableTaken:
    other = occupant(table_ids, other_than)
    if other is None:
        return TableTaken(_l("That table was just taken. Please choose another."))
    return TableTaken(_l("Table %(table)s is taken: %(name)s (%(size)s) sits there since %(time)s, seated by %(by)s.",
                         table=other.tables_label, name=other.display_name, size=other.party_size,
                         time=local_hhmm(other.seated_at), by=_who(other.seated_by)))


def _occupy(res: Reservation, tables: list[Table]) -> None:
    """Give `res` exactly these tables, occupied; the unique index refuses a table in use."""
    wanted = {t.id for t in tables}
    for assignment in list(res.assignments):
        if assignment.table_id not in wanted:
            res.assignments.remove(assignment)
    have = {a.table_id for a in res.assignments}
    for assignment in res.assignments:
        assignment.occupied = True
    for table in tables:
        if table.id not in have:
            res.assignments.append(Assignment(table=table, occupied=True))
    db.session.flush()


def seat(res: Reservation, actor, tables: list[Table] | None = None) -> None:
    """Seat the party at `tables`, or at its assigned tables when they are free."""
    from .queries import blocked_tables

    if res.state not in (State.ARRIVED, State.GREETED):
        raise _refuse(res, State.SEATED)
    if not tables:
        tables = res.tables
        if not tables or blocked_tables([t.id for t in tables], res.id) or res.seats < res.party_size:
            raise NeedsTable(_l("Choose a table for %(name)s.", name=res.display_name))
    elif len(tables) > 1:
        check_fits(res.party_size, tables)
    now = clock.utcnow()
    values = {"seated_at": now, "seated_by_id": actor.id}
    if res.greeted_at is None:  # seating a party greets it too
        values.update(greeted_at=now, greeted_by_id=actor.id)
    try:
        with db.session.begin_nested():
            _step(res, actor, State.SEATED, (State.ARRIVED, State.GREETED), "seat", **values)
            _occupy(res, tables)
    except IntegrityError:
        raise _taken([t.id for t in tables]) from None
    db.session.refresh(res)
    if res.guest is not None:
        res.guest.visits += 1
        res.guest.last_visit_at = now
    record(actor, "reservation.tables", res, tables=[t.id for t in tables])


def check_fits(party_size: int, tables: list[Table]) -> None:
    """Refuse tables whose seats together are fewer than the party, naming the largest party they fit."""
    seats = sum(t.max_seats for t in tables)
    if seats < party_size:
        raise ValidationFailed(_l("Table %(table)s seats at most %(seats)s guests.",
                                  table=" + ".join(t.name for t in tables), seats=seats), field="table_ids")


def leave(res: Reservation, actor) -> None:
    now = clock.utcnow()
    _step(res, actor, State.LEFT, (State.SEATED,), "leave", left_at=now, left_by_id=actor.id)
    for assignment in res.assignments:
        assignment.occupied = False
    if res.guest is not None and res.notes:
        res.guest.last_visit_note = res.notes
    db.session.flush()


# What a step back clears: every time stamp later in the visit than the state returned to.
_LATER = {1: ("arrived_at", "arrived_by_id", "called_at", "arrived_guests"), 2: ("greeted_at", "greeted_by_id"),
          3: ("seated_at", "seated_by_id"), 4: ("left_at", "left_by_id")}


def can_undo(res: Reservation, now: datetime | None = None) -> bool:
    if res.previous_state is None or res.changed_at is None:
        return False
    return (now or clock.utcnow()) - res.changed_at <= timedelta(seconds=get_settings().undo_seconds)


def undo(res: Reservation, actor) -> None:
    """Step back the last transition (a mistaken tap), within the undo period; audited."""
    if not can_undo(res):
        raise InvalidTransition(_l("This can no longer be undone."))
    current, back = res.state, res.previous_state
    if current is State.SEATED and back is State.SEATED and res.previous_table_ids:
        from .seating import undo_tables

        undo_tables(res, actor)
        return
    values: dict = {"closed_at": None, "previous_table_ids": None}
    for level, fields in _LATER.items():
        if level > PROGRESS[back]:
            values.update(dict.fromkeys(fields))
    updated = db.session.execute(
        sa.update(Reservation)
        .where(Reservation.id == res.id, Reservation.state == current, Reservation.changed_at == res.changed_at)
        .values(state=back, previous_state=None, changed_at=clock.utcnow(), changed_by_id=actor.id, **values),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.refresh(res)
    if not updated:
        raise AlreadyDone(_l("This was already changed on another tablet."))
    if current is State.SEATED:
        for assignment in res.assignments:
            assignment.occupied = False
        if res.guest is not None:
            res.guest.visits = max(0, res.guest.visits - 1)
    elif current is State.LEFT:
        try:
            with db.session.begin_nested():
                for assignment in res.assignments:
                    assignment.occupied = True
                db.session.flush()
        except IntegrityError:
            raise _taken([a.table_id for a in res.assignments]) from None
    db.session.flush()
    record(actor, "reservation.undo", res, state=[current, back])
    live.bump()
