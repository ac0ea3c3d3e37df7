"""Reads for the guest's pages."""
from __future__ import annotations

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..reservations.models import Reservation, State


def booking_by_token(token: str) -> Reservation | None:
    """The booking behind a manage link while it is still to come; None once it is past, cancelled
    or otherwise closed (the page then shows nothing of it)."""
    res = db.session.scalars(sa.select(Reservation).where(Reservation.manage_token == token).limit(1)).first()
    if res is None or res.state is not State.BOOKED or res.start_at <= clock.utcnow():
        return None
    return res
