"""Guests' personal data erased on schedule (the nightly purge job, beside claimants'): past the
manager's period after the visit, a booking keeps its size, times and source for the figures, but
no name, wishes, manage link or e-mail text; a guest not seen within the period is removed."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import clock
from ..audit import record
from ..extensions import db
from ..lostfound.models import OutboxMail
from ..reservations.models import Guest, Reservation
from ..settings import get_settings


def purge_guest_data() -> int:
    """Erase what the period has passed; returns how many bookings and guests were erased."""
    now = clock.utcnow()
    cutoff = now - timedelta(days=get_settings().guest_erasure_days)
    nothing = {"execution_options": {"synchronize_session": False}}
    old = sa.and_(Reservation.start_at < cutoff,
                  sa.or_(Reservation.name != "", Reservation.notes != "", Reservation.allergy != "",
                         Reservation.manage_token.is_not(None)))
    old_ids = sa.select(Reservation.id).where(old)
    db.session.execute(sa.update(OutboxMail).where(OutboxMail.reservation_id.in_(old_ids),
                                                   OutboxMail.erased_at.is_(None))
                       .values(to_address=None, body=None, attachment=None, erased_at=now), **nothing)
    bookings = db.session.execute(sa.update(Reservation).where(old).values(
        name="", notes="", allergy="", manage_token=None, guest_language=None), **nothing).rowcount
    recent = sa.select(Reservation.guest_id).where(Reservation.guest_id.is_not(None), Reservation.start_at >= cutoff)
    stale = sa.and_(Guest.created_at < cutoff, sa.or_(Guest.last_visit_at.is_(None), Guest.last_visit_at < cutoff),
                    Guest.id.not_in(recent))
    db.session.execute(sa.update(Reservation).where(Reservation.guest_id.in_(sa.select(Guest.id).where(stale)))
                       .values(guest_id=None), **nothing)
    guests = db.session.execute(sa.delete(Guest).where(stale), **nothing).rowcount
    if bookings or guests:
        record(None, "reservations.purge_guest_data", None, bookings=bookings, guests=guests)
    db.session.flush()
    db.session.expire_all()
    return bookings + guests
