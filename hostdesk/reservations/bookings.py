"""Bookings (the phone booking form): create, edit, cancel, with the restaurant's rules;
guests recognised by phone or e-mail; the service's shift notes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import phonenumbers
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, InvalidTransition, ValidationFailed
from ..extensions import db
from ..floor.models import Table
from ..phones import valid_number
from ..settings import Settings, get_settings
from . import availability, live, turntimes
from .availability import Slot
from .models import ACTIVE, Assignment, Guest, Occasion, Reservation, ShiftNote, Source, State
from .operations import cancel, check_party_size, local_hhmm


@dataclass
class BookingData:
    name: str
    party_size: int
    start_at: datetime
    phone: str = ""
    email: str = ""
    duration_minutes: int | None = None
    table_ids: list[int] = field(default_factory=list)
    source: Source = Source.PHONE
    notes: str = ""
    allergy: str = ""
    vip: bool = False
    occasion: Occasion | None = None
    high_chairs: int = 0
    wheelchair: bool = False
    regular: bool = False
    preferred_area_id: int | None = None
    book_again: bool = False  # the host saw that this phone already has a booking at this time
    pacing_reason: str = ""  # why it may go over the pacing limit (audited)


class DuplicateBooking(ValidationFailed):
    """The same phone already has a booking at about this time: the host confirms before booking again."""


class OverPacing(ValidationFailed):
    """The booking takes its quarter hour's covers over the pacing limit: it needs a reason."""


PACING_REASON_MAX = 200


def check_pacing(data: BookingData, own: Reservation | None) -> Slot | None:
    """The slot this booking takes over the pacing limit (None when within it); over it, a reason
    is needed. An edit that keeps its time and size is not asked again."""
    if own is not None and own.start_at == data.start_at and own.party_size >= data.party_size:
        return None
    over = availability.pacing_over(data.start_at, data.party_size, own_id=own.id if own is not None else None)
    if over is None:
        return None
    if len(data.pacing_reason.strip()) > PACING_REASON_MAX:
        raise ValidationFailed(_l("The reason is too long: at most %(max)s characters.", max=PACING_REASON_MAX),
                               field="pacing_reason")
    if not data.pacing_reason.strip():
        raise OverPacing(_l("%(time)s already has %(covers)s of at most %(limit)s covers starting in its quarter "
                            "hour with this booking. Give a reason to book it anyway.",
                            time=local_hhmm(over.start), covers=over.covers, limit=over.limit),
                         field="pacing_reason")
    return over


def normalise_phone(raw: str) -> str:
    """E.164 (+31612345678), Dutch numbers without a country code accepted."""
    if not raw.strip():
        return ""
    number = valid_number(raw)
    if number is None:
        raise ValidationFailed(_l("This is not a valid phone number."), field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_or_add_guest(name: str, phone: str, email: str, *, trusted: bool = True) -> Guest | None:
    """The guest with this phone (else e-mail), brought up to date; a new guest otherwise. Input nobody
    checked (`trusted=False`: the public booking page) changes no known guest: it joins one only when
    every contact it gives is that guest's own, else it makes a guest of its own."""
    if not phone and not email:
        return None
    guest = None
    if not trusted:
        given = [column == value for column, value in ((Guest.phone, phone), (Guest.email, email)) if value]
        guest = db.session.scalars(sa.select(Guest).where(*given).order_by(Guest.id).limit(1)).first()
        if guest is not None:
            return guest
    elif phone:
        guest = db.session.scalars(sa.select(Guest).where(Guest.phone == phone).limit(1)).first()
    if guest is None and email and trusted:
        guest = db.session.scalars(sa.select(Guest).where(Guest.email == email).limit(1)).first()
    if guest is None:
        guest = Guest(name=name, phone=phone or None, email=email or None, visits=0, last_visit_note="")
        db.session.add(guest)
    else:
        guest.name = name or guest.name
        guest.phone = phone or guest.phone
        guest.email = email or guest.email
    return guest


def opening_hours(s: Settings) -> str:
    return ", ".join(f"{sv['start']}–{sv['end']}" for sv in s.services)


def is_open(moment: datetime, s: Settings) -> bool:
    return turntimes.service_name(moment, s) is not None


def check_overlap(tables: list[Table], start: datetime, minutes: int, own_id: int | None) -> None:
    end = start + timedelta(minutes=minutes)
    stmt = (sa.select(Reservation).join(Assignment)
            .where(Assignment.table_id.in_([t.id for t in tables]), Reservation.state.in_(ACTIVE),
                   Reservation.id != (own_id or 0), Reservation.start_at < end,
                   Reservation.start_at > start - timedelta(hours=12)))
    for other in db.session.scalars(stmt).unique():
        if other.end_at > start:
            raise ValidationFailed(
                _l("Table %(table)s is already booked from %(start)s to %(end)s for %(name)s (%(size)s).",
                   table=other.table_names, start=local_hhmm(other.start_at), end=local_hhmm(other.end_at),
                   name=other.display_name, size=other.party_size), field="table_ids")


NAME_MAX = 80  # Reservation.name's length


def check_duplicate(phone: str, start: datetime, minutes: int, own_id: int | None) -> None:
    """Refuse (until confirmed) a second active booking for the same phone whose visit overlaps."""
    if not phone:
        return
    end = start + timedelta(minutes=minutes)
    stmt = (sa.select(Reservation).join(Guest, Reservation.guest_id == Guest.id)
            .where(Guest.phone == phone, Reservation.state.in_(ACTIVE), Reservation.id != (own_id or 0),
                   Reservation.start_at < end, Reservation.start_at > start - timedelta(hours=12))
            .order_by(Reservation.start_at))
    other = next((r for r in db.session.scalars(stmt) if r.end_at > start), None)
    if other is not None:
        raise DuplicateBooking(
            _l("This phone number already has a booking at %(time)s: %(name)s, %(size)s guests. Book again?",
               time=local_hhmm(other.start_at), name=other.display_name, size=other.party_size), field="phone")


def _check_time(start: datetime, own: Reservation | None) -> None:
    """Within opening hours, and not past (a booking that keeps its time may stay in the past)."""
    s = get_settings()
    if not is_open(start, s):
        raise ValidationFailed(_l("%(time)s is outside opening hours (%(hours)s).", time=local_hhmm(start),
                                  hours=opening_hours(s)), field="time")
    moved = own is None or own.start_at != start
    if moved and start < clock.utcnow().replace(second=0, microsecond=0):
        raise ValidationFailed(_l("%(time)s on that day has passed: give a time from now on.",
                                  time=local_hhmm(start)), field="time")


def _check_seats(tables: list[Table], party_size: int) -> None:
    """The chosen tables (if any) seat the party together."""
    seats = sum(t.max_seats for t in tables)
    if tables and seats < party_size:
        raise ValidationFailed(_l("Table %(table)s seats at most %(seats)s guests: choose more or larger tables, "
                                  "or book at most %(seats)s.", table=" + ".join(t.name for t in tables),
                                  seats=seats), field="table_ids")


def _validate(data: BookingData, own: Reservation | None = None) -> tuple[str, list[Table]]:
    own_id = own.id if own is not None else None
    check_party_size(data.party_size)
    if not data.name.strip():
        raise ValidationFailed(_l("Give the guest's name."), field="name")
    if len(data.name.strip()) > NAME_MAX:
        raise ValidationFailed(_l("The name is too long: at most %(max)s characters.", max=NAME_MAX), field="name")
    phone = normalise_phone(data.phone)
    if not phone and not data.email.strip():
        raise ValidationFailed(_l("Give a phone number or an e-mail address."), field="phone")
    _check_time(data.start_at, own)
    tables = list(db.session.scalars(sa.select(Table).where(Table.id.in_(data.table_ids)))) if data.table_ids else []
    if len(tables) != len(set(data.table_ids)):
        raise ValidationFailed(_l("That table does not exist (any more)."), field="table_ids")
    _check_seats(tables, data.party_size)
    minutes = data.duration_minutes or turntimes.minutes_for(data.party_size, data.start_at)
    if tables:
        check_overlap(tables, data.start_at, minutes, own_id)
    if not data.book_again:
        check_duplicate(phone, data.start_at, minutes, own_id)
    return phone, tables


def _record_pacing(actor, res: Reservation, over: Slot | None, reason: str) -> None:
    if over is not None:
        record(actor, "reservation.pacing_override", res, reason=reason.strip(), slot=local_hhmm(over.start),
               covers=over.covers, limit=over.limit)


def _apply(res: Reservation, data: BookingData, phone: str, tables: list[Table]) -> None:
    s = get_settings()
    res.guest = find_or_add_guest(data.name.strip(), phone, data.email.strip().lower(),
                                  trusted=data.source is not Source.ONLINE)
    res.name = data.name.strip()
    res.party_size = data.party_size
    res.start_at = data.start_at
    res.service_day = clock.service_day(data.start_at, s.zone, s.boundary)
    res.duration_minutes = data.duration_minutes or turntimes.minutes_for(data.party_size, data.start_at)
    for attr in ("source", "notes", "allergy", "vip", "occasion", "high_chairs", "wheelchair", "regular",
                 "preferred_area_id"):
        setattr(res, attr, getattr(data, attr))
    wanted = {t.id for t in tables}
    for assignment in list(res.assignments):
        if assignment.table_id not in wanted:
            res.assignments.remove(assignment)
    have = {a.table_id for a in res.assignments}
    res.assignments.extend(Assignment(table=t, occupied=False) for t in tables if t.id not in have)


def book(actor, data: BookingData) -> Reservation:
    phone, tables = _validate(data)
    over = check_pacing(data, None)
    res = Reservation(state=State.BOOKED, created_by_id=getattr(actor, "id", None), created_at=clock.utcnow())
    _apply(res, data, phone, tables)
    db.session.add(res)
    db.session.flush()
    record(actor, "reservation.book", res, party_size=res.party_size, start_at=res.start_at,
           tables=[t.id for t in tables], source=res.source)
    _record_pacing(actor, res, over, data.pacing_reason)
    live.bump()
    return res


EDITABLE = (State.BOOKED, State.WAITING, State.ARRIVED, State.GREETED)  # the booking form may change these
MOVABLE = (State.BOOKED, State.ARRIVED, State.GREETED)  # the timeline may move these (not seated yet)


def editable(res: Reservation) -> bool:
    return res.state in EDITABLE


def movable(res: Reservation) -> bool:
    return res.state in MOVABLE


def edit_booking(res: Reservation, actor, data: BookingData) -> Reservation:
    if not editable(res):
        raise InvalidTransition(_l("This reservation can no longer be changed."))
    phone, tables = _validate(data, own=res)
    over = check_pacing(data, res)
    _apply(res, data, phone, tables)
    db.session.flush()
    record(actor, "reservation.edit", res, party_size=res.party_size, start_at=res.start_at,
           tables=[t.id for t in tables])
    _record_pacing(actor, res, over, data.pacing_reason)
    live.bump()
    return res


def cancel_booking(res: Reservation, actor) -> None:
    cancel(res, actor)


NOTE_MAX = 1000  # ShiftNote.text's length


def post_note(actor, text: str) -> ShiftNote:
    """A note for this service from a host or a manager, shown on every tablet beside the others."""
    text = text.strip()
    if not text:
        raise ValidationFailed(_l("Write the note first."), field="text")
    if len(text) > NOTE_MAX:
        raise ValidationFailed(_l("The note is too long: at most %(max)s characters.", max=NOTE_MAX), field="text")
    s = get_settings()
    note = ShiftNote(service_day=clock.service_day(clock.utcnow(), s.zone, s.boundary), text=text,
                     created_by_id=actor.id, created_at=clock.utcnow())
    db.session.add(note)
    db.session.flush()
    record(actor, "shift_note.post", note)
    live.bump()
    return note


def dismiss_note(note: ShiftNote, actor) -> None:
    """Take one note off every board; the others of the service stay as they were."""
    now = clock.utcnow()
    updated = db.session.execute(
        sa.update(ShiftNote).where(ShiftNote.id == note.id, ShiftNote.dismissed_at.is_(None))
        .values(dismissed_at=now, dismissed_by_id=actor.id), execution_options={"synchronize_session": False}).rowcount
    if not updated:  # another tablet was first: nothing to do
        return
    set_committed_value(note, "dismissed_at", now)
    set_committed_value(note, "dismissed_by_id", actor.id)
    record(actor, "shift_note.dismiss", note)
    live.bump()


def _last_changer(res: Reservation) -> tuple[str, datetime | None]:
    from ..audit import AuditEntry

    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.subject_type == "reservations", AuditEntry.subject_id == res.id)
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    return (entry.actor_name or "?", entry.at) if entry is not None else ("?", None)


def move_booking(res: Reservation, actor, tables: list[Table], start: datetime, *, seen_start: datetime,
                 seen_tables: list[int], pacing_reason: str = "") -> None:
    """Move a booking not yet seated to other tables and/or another time (the timeline), with the
    booking form's checks. `seen_*`: what the tablet showed; if another tablet changed the booking
    since, nothing changes (409 naming who). The reservation and target tables are locked first,
    so two tablets cannot both move into one free slot (PostgreSQL; SQLite writes one at a time)."""
    db.session.execute(sa.select(Reservation.id).where(Reservation.id == res.id).with_for_update())
    locked = db.session.scalars(sa.select(Reservation).where(Reservation.id == res.id)
                                .execution_options(populate_existing=True)).one()
    current = sorted(db.session.scalars(sa.select(Assignment.table_id).where(Assignment.reservation_id == res.id)))
    if locked.start_at != seen_start or current != sorted(seen_tables):
        who, when = _last_changer(locked)
        raise AlreadyDone(_l("%(name)s was just changed on another tablet by %(by)s at %(time)s: look again.",
                             name=locked.display_name, by=who, time=local_hhmm(when) if when else "?"))
    if not movable(locked):
        raise InvalidTransition(_l("Only a booking not seated yet can be moved here; move a seated party from its "
                                   "card."))
    if not tables:
        raise ValidationFailed(_l("Choose a table."), field="table_ids")
    _check_time(start, locked)
    _check_seats(tables, locked.party_size)
    ids = sorted(t.id for t in tables)
    db.session.execute(sa.select(Table.id).where(Table.id.in_(ids)).order_by(Table.id).with_for_update())
    try:
        check_overlap(tables, start, locked.duration_minutes, locked.id)
    except ValidationFailed as taken:  # the tablet showed it free: another tablet was first
        raise AlreadyDone(taken.message) from None
    data = BookingData(name=locked.name, party_size=locked.party_size, start_at=start, pacing_reason=pacing_reason)
    over = check_pacing(data, locked)
    before = {"start_at": locked.start_at, "tables": current}
    s = get_settings()
    locked.start_at = start
    locked.service_day = clock.service_day(start, s.zone, s.boundary)
    for assignment in list(locked.assignments):
        if assignment.table_id not in ids:
            locked.assignments.remove(assignment)
    have = {a.table_id for a in locked.assignments}
    locked.assignments.extend(Assignment(table=t, occupied=False) for t in tables if t.id not in have)
    db.session.flush()
    record(actor, "reservation.move_booking", locked, start_at=[before["start_at"], start],
           tables=[before["tables"], ids])
    _record_pacing(actor, locked, over, pacing_reason)
    live.bump()
