"""A guest books, changes and cancels online. The same booking rules as a host's phone booking
(reservations/bookings.py) decide, on the availability the timeline computes (slots.py).

Two guests taking the last table at one moment: each booking first bumps the board version, whose
row lock (PostgreSQL) or the write lock of `BEGIN IMMEDIATE` (SQLite) lets one booking finish before
the next looks at the tables, so the second finds the table gone and is offered the next free times.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import InvalidTransition
from ..extensions import db
from ..public import guest_language, new_token
from ..reservations import live
from ..reservations.bookings import BookingData, book, edit_booking
from ..reservations.models import Occasion, Reservation, Source, State
from ..reservations.operations import cancel, local_hhmm
from ..reservations.queries import day_of, today
from ..settings import Settings, get_settings
from . import slots
from .errors import OnlineClosed, PleaseCall, SlotTaken


@dataclass
class GuestBooking:
    """What the guest typed on /book; the wishes become the card's tags."""

    start_at: datetime
    party_size: int
    name: str
    phone: str = ""
    email: str = ""
    allergy: str = ""
    occasion: Occasion | None = None
    high_chairs: int = 0
    wheelchair: bool = False
    notes: str = ""
    language: str = "nl"


def last_day(s: Settings | None = None) -> date:
    """The last day a guest may book: the manager's horizon from today."""
    s = s or get_settings()
    return today() + timedelta(days=s.online_horizon_days)


def call_message(s: Settings):
    if s.restaurant_phone.strip():
        return _l("For a party of more than %(max)s guests, please call us at %(phone)s.", max=s.online_max_party,
                  phone=s.restaurant_phone.strip())
    return _l("For a party of more than %(max)s guests, please call us.", max=s.online_max_party)


def check_open(s: Settings | None = None) -> Settings:
    s = s or get_settings()
    if not s.online_booking:
        raise OnlineClosed(_l("Online booking is closed at the moment. Please call us."))
    return s


def check_request(day: date, party_size: int, s: Settings) -> None:
    """Party size and day within what the manager allows online."""
    if party_size > s.online_max_party:
        raise PleaseCall(call_message(s), field="party_size")
    if party_size < 1:
        raise PleaseCall(_l("Give the number of guests."), field="party_size")
    if day < today() or day > last_day(s):
        raise PleaseCall(_l("Online you can book from today up to %(days)s days ahead.", days=s.online_horizon_days),
                         field="day")


def free_times(day: date, party_size: int, own: Reservation | None = None) -> list[datetime]:
    """The times free online for this day and party (`own`'s tables count as free); PleaseCall when
    the party or the day is beyond what the manager allows online."""
    check_request(day, party_size, get_settings())
    return slots.bookable_times(day, party_size, own)


def _tables_or_alternatives(start: datetime, party_size: int, own: Reservation | None = None) -> list[int]:
    """The tables for this start, or SlotTaken with the nearest free times of that day."""
    live.bump()  # first: the row lock that makes two bookings take turns (see the module's note)
    tables, times = slots.fit_or_nearest(start, party_size, own)
    if tables:
        return tables
    if times:
        raise SlotTaken(_l("Sorry, %(time)s has just been taken. These times are still free:",
                           time=local_hhmm(start)), times=times, field="time")
    raise SlotTaken(_l("Sorry, %(time)s has just been taken, and no other time is free that day.",
                       time=local_hhmm(start)), times=[], field="time")


def book_online(data: GuestBooking) -> Reservation:
    s = check_open()
    check_request(day_of(data.start_at), data.party_size, s)
    table_ids = _tables_or_alternatives(data.start_at, data.party_size)
    res = book(None, BookingData(
        name=data.name, party_size=data.party_size, start_at=data.start_at, phone=data.phone, email=data.email,
        table_ids=table_ids, source=Source.ONLINE, notes=data.notes, allergy=data.allergy, occasion=data.occasion,
        high_chairs=data.high_chairs, wheelchair=data.wheelchair, book_again=True))
    res.manage_token = new_token()
    res.guest_language = guest_language(data.language)
    db.session.flush()
    return res


def can_change(res: Reservation, s: Settings | None = None) -> bool:
    """Still a booking, and the cut-off before the visit not yet reached."""
    s = s or get_settings()
    return res.state is State.BOOKED and clock.utcnow() < res.start_at - timedelta(hours=s.online_cutoff_hours)


def _check_change(res: Reservation, s: Settings) -> None:
    if res.state is not State.BOOKED:
        raise InvalidTransition(_l("This booking can no longer be changed."))
    if not can_change(res, s):
        raise PleaseCall(_l("Changes online are possible until %(hours)s hours before your visit. Please call us.",
                            hours=s.online_cutoff_hours))


def change_online(res: Reservation, start_at: datetime, party_size: int) -> Reservation:
    """The guest moves the booking to another free time or party size (their wishes stay)."""
    s = check_open()
    _check_change(res, s)
    check_request(day_of(start_at), party_size, s)
    table_ids = _tables_or_alternatives(start_at, party_size, own=res)
    guest = res.guest
    edit_booking(res, None, BookingData(
        name=res.name, party_size=party_size, start_at=start_at, phone=guest.phone or "" if guest else "",
        email=guest.email or "" if guest else "", table_ids=table_ids, source=Source.ONLINE, notes=res.notes,
        allergy=res.allergy, vip=res.vip, occasion=res.occasion, high_chairs=res.high_chairs,
        wheelchair=res.wheelchair, regular=res.regular, preferred_area_id=res.preferred_area_id, book_again=True))
    record(None, "reservation.changed_online", res, party_size=party_size, start_at=start_at)
    return res


def cancel_online(res: Reservation) -> None:
    """The guest cancels through the link: the table is free at once, on every tablet."""
    s = get_settings()
    _check_change(res, s)
    cancel(res, None)
    record(None, "reservation.cancelled_online", res)
    db.session.flush()
