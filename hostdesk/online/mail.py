"""The guest's e-mails, in the guest's language: the confirmation (also resent by a host) and the
reminder the day before, each with the booking's calendar file and the manage link. They go through
the app's one outbox (lostfound/mail.queue_mail): kept, sent, and tried again when the server is away."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import ValidationFailed
from ..extensions import db
from ..jobs import Job
from ..lostfound.enums import MailKind
from ..lostfound.mail import queue_mail
from ..lostfound.models import OutboxMail
from ..public import guest_language, new_token, public_url
from ..reservations.models import Reservation, Source, State
from ..settings import Settings, get_settings
from .calendar import booking_ics

REMINDERS = "booking_reminders"
REMIND_FROM = time(10, 0)  # the restaurant's local time: no reminder in the night
FRESH = timedelta(hours=12)  # a booking made this recently has its confirmation fresh: no reminder

def manage_url(token: str) -> str:
    """The absolute manage link: the manager's public address of the booking site, else the guests'
    pages' address from the configuration (HOSTDESK_PUBLIC_URL), else this request's."""
    return public_url("online.manage", get_settings().online_public_url.strip() or None, token=token)


def _when(res: Reservation, s: Settings) -> tuple[str, str]:
    local = res.start_at.astimezone(s.zone).replace(tzinfo=None)
    return format_date(local, "EEEE d MMMM yyyy"), local.strftime("%H:%M")


def booking_lines(res: Reservation, s: Settings) -> list[str]:
    """The booking in a few lines, in the current language."""
    day, hhmm = _when(res, s)
    lines = [_("Date: %(day)s", day=day), _("Time: %(time)s", time=hhmm),
             ngettext("Party: %(num)s guest", "Party: %(num)s guests", res.party_size),
             _("Name: %(name)s", name=res.name)]
    if res.allergy:
        lines.append(_("Allergy: %(what)s", what=res.allergy))
    if res.notes:
        lines.append(_("Your wishes: %(notes)s", notes=res.notes))
    return lines


def confirmation_text(res: Reservation, reminder: bool = False) -> tuple[str, str, str]:
    """Subject, body and calendar file in the guest's language."""
    s = get_settings()
    link = manage_url(res.manage_token)
    with force_locale(guest_language(res.guest_language)):
        day, hhmm = _when(res, s)
        if reminder:
            subject = _("Reminder: your table at %(restaurant)s tomorrow at %(time)s",
                        restaurant=s.restaurant_name, time=hhmm)
            opening = _("We look forward to seeing you tomorrow. Your booking:")
        else:
            subject = _("Your booking at %(restaurant)s on %(day)s at %(time)s", restaurant=s.restaurant_name,
                        day=day, time=hhmm)
            opening = _("Thank you for your booking. We have reserved a table for you:")
        hours = s.online_cutoff_hours
        manage = _("To see, change or cancel your booking (until %(hours)s hours before your visit), open this "
                   "link:", hours=hours)
        parts = [_("Dear %(name)s,", name=res.name), opening, "\n".join(booking_lines(res, s)), f"{manage}\n{link}"]
        if s.restaurant_phone.strip():
            parts.append(_("Questions? Call us at %(phone)s.", phone=s.restaurant_phone.strip()))
        parts.append(f"{_('Kind regards,')}\n{s.restaurant_name}")
        body = "\n\n".join(parts)
        calendar = booking_ics(
            token=res.manage_token, start=res.start_at, end=res.end_at,
            summary=_("Table at %(restaurant)s", restaurant=s.restaurant_name), location=s.restaurant_name,
            description=ngettext("%(num)s guest", "%(num)s guests", res.party_size) + "\n" + link, url=link)
    return subject, body, calendar


def send_confirmation(actor, res: Reservation, resend: bool = False) -> OutboxMail | None:
    """Queue (and try) the confirmation; None when the guest gave no e-mail address. Call last in a
    request: the outbox commits before it talks to the mail server."""
    email = res.guest.email if res.guest else None
    if not email:
        if resend:
            raise ValidationFailed(_l("There is no e-mail address for this booking. Phone the guest instead."))
        return None
    if res.manage_token is None:
        res.manage_token = new_token()  # a phone booking gets its manage link with its first confirmation
        db.session.flush()
    subject, body, calendar = confirmation_text(res)
    record(actor, "reservation.confirmation_resent" if resend else "reservation.confirmation_sent", res)
    return queue_mail(actor, email, subject, body, language=guest_language(res.guest_language), kind=MailKind.BOOKING,
                      reservation_id=res.id, attachment=calendar)


def _tomorrow(now: datetime) -> tuple[datetime, datetime]:
    """Tomorrow in the restaurant's calendar, from midnight to midnight, in UTC."""
    zone = get_settings().zone
    return clock.day_bounds(now.astimezone(zone).date() + timedelta(days=1), zone, time(0))


def send_reminders() -> str:
    """The scheduled job: remind each online booking for tomorrow with an e-mail address, once, from
    REMIND_FROM on, unless it was made within FRESH. The conditional UPDATE claims each booking, so
    two processes never send one reminder twice."""
    now = clock.utcnow()
    if now.astimezone(get_settings().zone).time() < REMIND_FROM:
        return "0 reminders"
    begin, end = _tomorrow(now)
    due = (Reservation.source == Source.ONLINE, Reservation.state == State.BOOKED,
           Reservation.reminder_sent_at.is_(None), Reservation.manage_token.is_not(None),
           Reservation.start_at >= begin, Reservation.start_at < end, Reservation.created_at < now - FRESH)
    ids = list(db.session.scalars(sa.select(Reservation.id).where(*due).order_by(Reservation.start_at)))
    sent = 0
    for res_id in ids:
        claimed = db.session.execute(sa.update(Reservation).where(Reservation.id == res_id, *due)
                                     .values(reminder_sent_at=now)
                                     .execution_options(synchronize_session=False)).rowcount == 1
        if not claimed:
            continue
        res = db.session.get(Reservation, res_id)
        email = res.guest.email if res.guest else None
        if email:
            subject, body, calendar = confirmation_text(res, reminder=True)
            record(None, "reservation.reminder_sent", res)
            queue_mail(None, email, subject, body, language=guest_language(res.guest_language), kind=MailKind.REMINDER,
                       reservation_id=res.id, attachment=calendar)
            sent += 1
        db.session.commit()
    return f"{sent} reminders"


def reminder_job() -> Job:
    return Job(REMINDERS, send_reminders, every=timedelta(minutes=15))
