"""The phone booking form (any date): create, edit, cancel; and a day's list of bookings."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..database import MAX_ID
from ..errors import ValidationFailed
from ..extensions import db
from ..floor.models import Area, Table
from ..settings import get_settings
from . import availability, bookings, queries
from .forms import BookingForm
from .labels import STATE_LABELS
from .models import Source
from .operations import can_undo, cancellable
from .views import bp, reservation_or_404


def _choices(form: BookingForm) -> None:
    tables = db.session.scalars(sa.select(Table).where(Table.active.is_(True)).order_by(Table.position, Table.name))
    form.table_ids.choices = [SelectChoice(t.id, f"{t.label} · {t.min_seats}–{t.max_seats}") for t in tables]
    areas = db.session.scalars(sa.select(Area).order_by(Area.position, Area.name))
    form.preferred_area.choices = [SelectChoice(0, _("no preference"))] + [SelectChoice(a.id, a.name) for a in areas]


def _data(form: BookingForm) -> bookings.BookingData:
    return bookings.BookingData(
        name=form.name.data or "", phone=form.phone.data or "", email=form.email.data or "",
        party_size=form.party_size.data, start_at=queries.moment_on(form.day.data, form.time.data),
        duration_minutes=form.duration.data, table_ids=list(form.table_ids.data or []), source=Source(form.source.data),
        notes=form.notes.data or "", allergy=(form.allergy.data or "").strip(), vip=form.vip.data,
        occasion=form.occasion.data, high_chairs=form.high_chairs.data or 0, wheelchair=form.wheelchair.data,
        regular=form.regular.data, preferred_area_id=form.preferred_area.data or None,
        book_again=bool(form.book_again.data), pacing_reason=form.pacing_reason.data or "")


def _save(form: BookingForm, res=None):
    """Validate and store; on a broken rule the message goes to its field and nothing is stored."""
    if not form.validate_on_submit():
        return None
    try:
        if res is None:
            res = bookings.book(current_user, _data(form))
        else:
            bookings.edit_booking(res, current_user, _data(form))
    except ValidationFailed as error:
        db.session.rollback()
        form.duplicate = isinstance(error, bookings.DuplicateBooking)
        form.pacing = isinstance(error, bookings.OverPacing) or bool(form.pacing_reason.data)
        field = getattr(form, BookingForm.FIELD_OF_ERROR.get(error.details.get("field"), "name"))
        field.errors = [*field.errors, str(error.message)] if isinstance(field.errors, list) else [str(error.message)]
        return None
    db.session.commit()
    return res


@bp.route("/bookings/new", methods=["GET", "POST"])
def new_booking():
    form = BookingForm()
    _choices(form)
    if request.method == "GET":
        form.day.data = queries.today()
        form.party_size.data = 2
        form.preferred_area.data = 0
    res = _save(form)
    if res is not None:
        flash(_("Booked: %(name)s, %(size)s guests, %(when)s.", name=res.name, size=res.party_size,
                when=_when(res.start_at)), "success")
        return redirect(url_for("reservations.bookings_of_day", day=res.service_day.isoformat()))
    status = 422 if request.method == "POST" else 200
    return render_template("reservations/booking_form.html", form=form, res=None,
                           opening_hours=bookings.opening_hours(get_settings())), status


@bp.route("/bookings/<int:reservation_id>/edit", methods=["GET", "POST"])
def edit_booking(reservation_id: int):
    res = reservation_or_404(reservation_id)
    form = BookingForm(obj=None)
    _choices(form)
    if request.method == "GET":
        local = res.start_at.astimezone(get_settings().zone)
        form.process(data={
            "name": res.name, "phone": res.guest.phone if res.guest else "",
            "email": res.guest.email if res.guest else "",
            "party_size": res.party_size, "day": res.service_day, "time": local.time().replace(tzinfo=None),
            "duration": res.duration_minutes, "table_ids": [t.id for t in res.tables],
            "preferred_area": res.preferred_area_id or 0, "source": res.source.value, "allergy": res.allergy,
            "occasion": res.occasion, "high_chairs": res.high_chairs, "vip": res.vip, "wheelchair": res.wheelchair,
            "regular": res.regular, "notes": res.notes})
    elif _save(form, res) is not None:
        flash(_("Saved: %(name)s, %(size)s guests, %(when)s.", name=res.name, size=res.party_size,
                when=_when(res.start_at)), "success")
        return redirect(url_for("reservations.bookings_of_day", day=res.service_day.isoformat()))
    status = 422 if request.method == "POST" else 200
    return render_template("reservations/booking_form.html", form=form, res=res,
                           opening_hours=bookings.opening_hours(get_settings())), status


@bp.get("/bookings/availability")
def booking_availability():
    """The booking form's fragment: what is free for the date, time and party size typed."""
    day = clock.parse_day(request.args.get("day"))
    try:
        at = time.fromisoformat(request.args.get("time") or "")
        size = int(request.args.get("party_size") or "")
    except ValueError:
        at = size = None
    own = request.args.get("own", type=int)
    if day is None or at is None or size is None:
        return render_template("reservations/_availability.html", answer=None)
    answer = availability.for_form(queries.moment_on(day, at), size, own_id=own if own and 0 < own <= MAX_ID else None)
    return render_template("reservations/_availability.html", answer=answer, slot=availability.SLOT)


@bp.post("/bookings/<int:reservation_id>/cancel")
def cancel_booking(reservation_id: int):
    res = reservation_or_404(reservation_id)
    bookings.cancel_booking(res, current_user)
    db.session.commit()
    flash(_("Cancelled: %(name)s, %(when)s.", name=res.name, when=_when(res.start_at)), "success")
    return redirect(url_for("reservations.bookings_of_day", day=res.service_day.isoformat()))


@bp.get("/bookings")
def bookings_of_day():
    day = clock.parse_day(request.args.get("day")) or queries.today()
    reservations = queries.reservations_of(day)
    return render_template("reservations/bookings.html", day=day, reservations=reservations, labels=STATE_LABELS,
                           prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1), can_undo=can_undo,
                           editable=bookings.editable, cancellable=cancellable)


def _when(moment: datetime) -> str:
    return format_datetime(moment.astimezone(get_settings().zone).replace(tzinfo=None), "EEE d MMM HH:mm",
                           rebase=False)
