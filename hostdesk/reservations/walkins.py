"""Walk-ins and the waitlist: seat now, or wait with a quoted time; "Table ready" calls the next."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..floor.models import Table
from ..forms import LINE_BREAKS_AND_TABS
from ..settings import get_settings
from . import availability, live, operations, turntimes
from .models import Assignment, Reservation, Source, State

ROUND_TO = 5  # minutes
NAME_MAX = 80  # Reservation.name's length


def quote_wait(party_size: int, waiting: list[Reservation], now: datetime | None = None) -> int:
    """Minutes until a table that fits is likely free for the party's turn, after the parties
    already waiting (availability.waitlist_quote)."""
    ahead = [w.party_size for w in sorted(waiting, key=lambda w: (w.created_at, w.id)) if w.state is State.WAITING]
    return availability.waitlist_quote(party_size, now=now, ahead=ahead)


def _walk_in(actor, party_size: int, name: str, state: State, **values) -> Reservation:
    s = get_settings()
    operations.check_party_size(party_size)
    name = name.strip()
    if len(name) > NAME_MAX:
        raise ValidationFailed(_l("The name is too long: at most %(max)s characters.", max=NAME_MAX), field="name")
    if any(ch in LINE_BREAKS_AND_TABS for ch in name):
        raise ValidationFailed(_l("Type this on one line, without tabs or line breaks."), field="name")
    now = clock.utcnow()
    res = Reservation(name=name, party_size=party_size, start_at=now, created_at=now,
                      service_day=clock.service_day(now, s.zone, s.boundary),
                      duration_minutes=turntimes.minutes_for(party_size, now),
                      source=Source.WALK_IN, state=state, created_by_id=actor.id, **values)
    db.session.add(res)
    db.session.flush()
    record(actor, f"reservation.walk_in.{state.value}", res, party_size=party_size, **{
        k: v for k, v in values.items() if k == "quoted_wait_minutes"})
    live.bump()
    return res


def seat_walk_in(actor, party_size: int, tables: list[Table], name: str = "") -> Reservation:
    if not tables:
        raise ValidationFailed(_l("Choose a table."), field="table_ids")
    now = clock.utcnow()
    res = _walk_in(actor, party_size, name, State.ARRIVED, arrived_at=now, arrived_by_id=actor.id)
    operations.seat(res, actor, tables)
    return res


def add_to_waitlist(actor, party_size: int, quoted_wait_minutes: int, name: str = "", phone: str = "",
                    email: str = "", language: str | None = None,
                    computed_wait_minutes: int | None = None) -> Reservation:
    """A party on the waitlist with the host's quote and the link to the guest's own live page;
    `computed_wait_minutes` is the app's own quote it was shown, so figures tell computed and overridden apart."""
    if not 0 <= quoted_wait_minutes <= 240:
        raise ValidationFailed(_l("The quoted wait must be between 0 and 240 minutes."), field="quoted_wait")
    from ..public import new_token
    from .bookings import find_or_add_guest, normalise_phone

    phone = normalise_phone(phone)
    email = (email or "").strip().lower()
    res = _walk_in(actor, party_size, name, State.WAITING, quoted_wait_minutes=quoted_wait_minutes,
                   computed_wait_minutes=computed_wait_minutes, guest_token=new_token(),
                   guest_language=language if language in ("nl", "en") else None)
    if phone or email:
        res.guest = find_or_add_guest(res.name, phone, email)
        db.session.flush()
    return res


def leave_waitlist(res: Reservation) -> None:
    """The guest leaves the list from their own page (no person of ours acts)."""
    operations.cancel(res, None)



def _open_for(view, party: Reservation, now: datetime) -> bool:
    """The table is free now, not held for a party at the door, and no booking there starts before
    this party would leave (its expected turn: the learned turn time it was given when it came)."""
    if view.state not in ("free", "reserved") or view.at_door is not None or not view.fits(party.party_size):
        return False
    until = now + timedelta(minutes=party.duration_minutes)
    return view.next_booking is None or view.next_booking.start_at >= until


def call_next(actor, table: Table | None = None) -> Reservation:
    """"Table ready": call the first waiting party that fits the table that just came free (or
    `table`) and give it that table; if nobody fits it, the first waiting party that fits any free
    table; with no free table that fits anyone, the longest waiting."""
    from .board import load_board

    now = clock.utcnow()
    board = load_board(now)
    waiting = [c.res for c in board.waiting if not c.closed]
    if not waiting:
        raise NotFound(_l("Nobody is waiting."))
    if table is not None:
        view = board.floor.by_id().get(table.id)
        party = next((w for w in waiting if view is not None and _open_for(view, w, now)), None)
        if party is None:
            raise NotFound(_l("Nobody on the waitlist fits table %(table)s now.", table=table.name))
        return _call(party, actor, view.table)
    freed = [v for v in board.floor.tables if v.free_since is not None]
    latest = max(freed, key=lambda v: v.free_since, default=None)
    if latest is not None:
        party = next((w for w in waiting if _open_for(latest, w, now)), None)
        if party is not None:
            return _call(party, actor, latest.table)
    for party in waiting:
        fitting = [v for v in board.floor.tables if _open_for(v, party, now)]
        if fitting:
            best = min(fitting, key=lambda v: (v.table.max_seats, v.table.position))
            return _call(party, actor, best.table)
    return _call(waiting[0], actor, None)


def _call(party: Reservation, actor, table: Table | None) -> Reservation:
    operations.call(party, actor)
    if table is not None:
        party.assignments = [Assignment(table=table, occupied=False)]
        db.session.flush()
        record(actor, "reservation.tables", party, tables=[table.id])
    return party
