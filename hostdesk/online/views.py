"""The guest's booking page and manage link (public), and the host's "send the confirmation again".

Public pages answer the same whether a phone number or e-mail address is known; an unknown, past or
cancelled manage link shows the same "nothing here" page. Every POST is rate-limited per address."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import public
from ..database import get_or_404
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..lostfound.enums import MailState
from ..public import limit_per_address
from ..reservations.models import Reservation
from ..reservations.queries import moment_on, today
from ..settings import get_settings
from . import operations, queries
from .errors import OnlineClosed, PleaseCall, SlotTaken
from .forms import CancelForm, ChangeForm, GuestBookingForm, WhenForm, party_choices
from .mail import send_confirmation

bp = Blueprint("online", __name__)

FIELDS = {"party_size", "day", "time", "name", "phone", "email"}


def _start(day: date, hhmm: str) -> datetime:
    return moment_on(day, datetime.strptime(hhmm, "%H:%M").time())


def _times(day: date | None, party_size: int | None, own: Reservation | None = None) -> list[datetime] | None:
    """The free times for the chosen day and party, or None before the guest chose them."""
    if day is None or party_size is None:
        return None
    return operations.free_times(day, party_size, own)


def _when_form(default_size: int = 2, default_day: date | None = None) -> WhenForm:
    s = get_settings()
    form = WhenForm(request.args)
    form.party_size.choices = party_choices(s.online_max_party)
    if "day" not in request.args:
        form.day.data, form.party_size.data = default_day or today(), default_size
    return form


def _attach(form, error: DomainError) -> None:
    field = getattr(form, error.details.get("field") if error.details.get("field") in FIELDS else "time")
    field.errors = [*list(field.errors or []), str(error.message)]


def _book_page(when: WhenForm, form: GuestBookingForm, times=None, problem: str | None = None, status: int = 200):
    s = get_settings()
    return render_template("online/book.html", when=when, form=form, times=times, problem=problem,
                           first_day=today(),
                           last_day=operations.last_day(s), settings=s), status


@bp.route("/book", methods=["GET", "POST"])
@public
@limit_per_address("book")
@limit_per_address("book-page", "PUBLIC_PAGE_LIMIT", methods=("GET",))
def book():
    try:
        operations.check_open()
    except OnlineClosed:
        return render_template("online/closed.html", settings=get_settings()), 404
    when = _when_form()
    form = GuestBookingForm()
    times, problem, status = None, None, 200
    if request.method != "POST":  # GET and HEAD: the free times, nothing stored
        if "day" in request.args and not when.validate():
            status = 422
        else:
            try:
                times = _times(when.day.data, when.party_size.data)
            except PleaseCall as refused:
                problem, status = str(refused.message), 422
        form.day.data, form.party_size.data = when.day.data, when.party_size.data
        return _book_page(when, form, times, problem, status=status)
    when.day.data, when.party_size.data = form.day.data, form.party_size.data
    if not form.validate():
        return _book_page(when, form, _retimes(form), status=422)
    try:
        res = operations.book_online(operations.GuestBooking(
            start_at=_start(form.day.data, form.time.data), party_size=form.party_size.data, name=form.name.data,
            phone=form.phone.data or "", email=(form.email.data or "").strip(),
            allergy=(form.allergy.data or "").strip(),
            occasion=form.occasion.data, high_chairs=form.high_chairs.data or 0, wheelchair=form.wheelchair.data,
            notes=(form.notes.data or "").strip(), language=str(get_locale())))
    except SlotTaken as taken:
        db.session.rollback()
        return _book_page(when, form, taken.details.get("times") or [], str(taken.message), status=409)
    except (ValidationFailed, PleaseCall, OnlineClosed) as refused:
        db.session.rollback()
        _attach(form, refused)
        return _book_page(when, form, _retimes(form), status=refused.status)
    token = res.manage_token
    db.session.commit()
    _confirm(res)
    return redirect(url_for("online.manage", token=token, booked=1))


def _retimes(form) -> list[datetime] | None:
    try:
        return _times(form.day.data, form.party_size.data)
    except DomainError:
        db.session.rollback()
        return None


def _confirm(res: Reservation) -> bool:
    """The confirmation e-mail, when the guest gave an address; the booking stands whatever the mail
    server says (the outbox tries again)."""
    try:
        mail = send_confirmation(None, res)
        db.session.commit()
    except DomainError:
        db.session.rollback()
        return False
    return mail is not None


def _manage_page(res: Reservation | None, when: WhenForm | None = None, change: ChangeForm | None = None,
                 times=None, problem=None, status: int = 200):
    s = get_settings()
    if res is None:
        return render_template("online/gone.html", settings=s), 404
    return render_template("online/manage.html", res=res, when=when, change=change or ChangeForm(formdata=None),
                           cancel_form=CancelForm(), times=times, problem=problem,
                           can_change=operations.can_change(res, s), booked=request.args.get("booked") == "1",
                           first_day=today(), last_day=operations.last_day(s), settings=s), status


def _refused_page(token: str, refused: DomainError, when: WhenForm | None = None,
                  change: ChangeForm | None = None):
    """A refused change or cancellation: nothing kept, the booking as it stands with the reason, and
    the next free times when the chosen one was just taken."""
    db.session.rollback()
    times = (refused.details.get("times") or []) if isinstance(refused, SlotTaken) else None
    return _manage_page(queries.booking_by_token(token), when, change, times, str(refused.message),
                        status=refused.status)


@bp.get("/book/manage/<token:token>")
@public
@limit_per_address("book-page", "PUBLIC_PAGE_LIMIT", methods=("GET",))
def manage(token: str):
    res = queries.booking_by_token(token)
    if res is None:
        return _manage_page(None)
    when = _when_form(res.party_size, res.service_day)
    times, problem, status = None, None, 200
    if request.args.get("day") and when.validate():
        try:
            times = _times(when.day.data, when.party_size.data, res)
        except PleaseCall as refused:
            problem, status = str(refused.message), 422
    change = ChangeForm(formdata=None, day=when.day.data, party_size=when.party_size.data)
    return _manage_page(res, when, change, times, problem, status=status)


@bp.post("/book/manage/<token:token>/change")
@public
@limit_per_address("book-manage")
def change(token: str):
    res = queries.booking_by_token(token)
    if res is None:
        return _manage_page(None)
    form = ChangeForm()
    when = _when_form(res.party_size, res.service_day)
    when.day.data, when.party_size.data = form.day.data, form.party_size.data
    if not form.validate():
        return _manage_page(res, when, form, None, status=422)
    try:
        operations.change_online(res, _start(form.day.data, form.time.data), form.party_size.data)
    except DomainError as refused:
        return _refused_page(token, refused, when, form)
    db.session.commit()
    mailed = _confirm(res)
    flash(_("Your booking has been changed. We have sent you a new confirmation.") if mailed else
          _("Your booking has been changed."), "success")
    return redirect(url_for("online.manage", token=token))


@bp.post("/book/manage/<token:token>/cancel")
@public
@limit_per_address("book-manage")
def cancel(token: str):
    res = queries.booking_by_token(token)
    if res is None:
        return _manage_page(None)
    if not CancelForm().validate():
        abort(400)
    try:
        operations.cancel_online(res)
    except DomainError as refused:
        return _refused_page(token, refused)
    db.session.commit()
    return render_template("online/cancelled.html", settings=get_settings())


@bp.post("/host/bookings/<int:reservation_id>/confirmation")
def resend(reservation_id: int):
    """A host or manager sends the booking's confirmation (again) to the guest's e-mail address."""
    res = get_or_404(Reservation, reservation_id)
    day = res.service_day.isoformat()
    mail = send_confirmation(current_user._get_current_object(), res, resend=True)
    sent = mail.state is MailState.SENT
    db.session.commit()
    flash(_("The confirmation was sent to %(name)s.", name=res.display_name) if sent else
          _("The confirmation to %(name)s is in the outbox: it goes out as soon as the mail server takes it.",
            name=res.display_name), "success")
    return redirect(url_for("reservations.bookings_of_day", day=day))
