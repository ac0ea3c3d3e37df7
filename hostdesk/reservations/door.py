"""At the door: change a party's size from its card (the tables' seats checked), and find today's
parties by name, phone (any format) or table."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, InvalidTransition, ValidationFailed
from ..extensions import db
from ..phones import valid_number
from ..settings import get_settings
from . import live, operations, turntimes
from .labels import STATE_LABELS
from .models import ACTIVE, Reservation


def change_party_size(res: Reservation, actor, size: int) -> None:
    """A party of 4 turns out to be 5: checked against the setting and its tables' seats; its expected
    time at the table (and so its end) follows the learned turn time of its new size."""
    if res.state not in ACTIVE:
        raise InvalidTransition(_l("Not possible: %(name)s is %(state)s.", name=res.display_name,
                                   state=STATE_LABELS[res.state]))
    operations.check_party_size(size)
    if size == res.party_size:
        raise AlreadyDone(_l("%(name)s is already a party of %(size)s.", name=res.display_name, size=size))
    if res.tables and res.seats < size:
        raise ValidationFailed(_l("Table %(table)s seats at most %(seats)s guests: choose other tables first.",
                                  table=res.table_names, seats=res.seats), field="party_size")
    before = res.party_size
    duration = turntimes.minutes_for(size, res.start_at)
    arrived = res.arrived_guests if res.arrived_guests is not None and res.arrived_guests < size else None
    updated = db.session.execute(
        sa.update(Reservation).where(Reservation.id == res.id, Reservation.party_size == before,
                                     Reservation.state.in_(ACTIVE))
        .values(party_size=size, arrived_guests=arrived, duration_minutes=duration),
        execution_options={"synchronize_session": False}).rowcount
    if not updated:
        db.session.refresh(res)
        raise AlreadyDone(_l("%(name)s was just changed on another tablet: now %(size)s guests.",
                             name=res.display_name, size=res.party_size))
    set_committed_value(res, "party_size", size)
    set_committed_value(res, "arrived_guests", arrived)
    set_committed_value(res, "duration_minutes", duration)
    record(actor, "reservation.party_size", res, party_size=[before, size], duration_minutes=duration)
    live.bump()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def search(reservations: list[Reservation], query: str) -> list[Reservation]:
    """Today's parties whose name holds the query, whose phone matches it in any format (06 12…,
    +31 6 12…, the last digits), or whose table is named by it."""
    query = query.strip()
    if not query:
        return []
    words = query.casefold()
    digits = _digits(query)
    national = digits.lstrip("0")
    number = valid_number(query) if len(digits) >= 6 else None
    e164 = f"+{number.country_code}{number.national_number}" if number is not None else None
    found = []
    for res in reservations:
        phone = (res.guest.phone if res.guest else None) or ""
        if (words in res.name.casefold()
                or any(t.name.casefold() == words for t in res.tables)
                or (e164 is not None and phone == e164)
                or (len(digits) >= 4 and digits in _digits(phone))
                or (len(national) >= 4 and phone and _digits(phone).endswith(national))):
            found.append(res)
    return found


def today_matches(query: str) -> list[Reservation]:
    from .queries import reservations_of

    s = get_settings()
    day = clock.service_day(clock.utcnow(), s.zone, s.boundary)
    return search(reservations_of(day), query)
