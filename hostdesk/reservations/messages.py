"""Messages to waitlist guests: "you are on the list" (with the link to their live page) and "your
table is ready", by text (sms.py) and by e-mail (the outbox, lostfound/mail.py).

Each message is kept on the party as a GuestMessage: its text, when, to whom and how delivery went,
and the card shows them. Like the outbox, sending talks to a server outside the database, so
`send()` runs after the change that called for it is committed, and commits what it writes: no
transaction (on SQLite: no write lock) is held while the SMS provider answers.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import clock, sms
from ..audit import record
from ..errors import ValidationFailed
from ..extensions import db
from ..public import guest_language, public_url
from ..settings import get_settings
from . import live
from .models import Guest, GuestMessage, MessageChannel, MessageKind, MessageState, Reservation, Source


def guest_link(res: Reservation) -> str:
    """The guest's live page, as a full address for a text, a mail or a QR code."""
    return public_url("waitlist_public.page", token=res.guest_token)


def message_text(res: Reservation, kind: MessageKind) -> tuple[str, str]:
    """Subject (for e-mail) and text, in the guest's language; short enough for one or two texts."""
    name = get_settings().restaurant_name
    with force_locale(guest_language(res.guest_language)):
        if kind is MessageKind.JOINED:
            subject = _("You are on the waitlist of %(restaurant)s", restaurant=name)
            text = _("%(restaurant)s: you are on the waitlist (about %(minutes)s min). Follow your place: %(link)s",
                     restaurant=name, minutes=res.quoted_wait_minutes or 0, link=guest_link(res))
        else:
            subject = _("Your table at %(restaurant)s is ready", restaurant=name)
            text = _("%(restaurant)s: your table is ready. Please come to the host stand.", restaurant=name)
    return subject, text


def send(actor, res: Reservation, kind: MessageKind) -> list[GuestMessage]:
    """Send `kind` to the party's phone (text) and e-mail, each kept as a GuestMessage with its
    result; commits. A missing provider or address is simply no message of that channel."""
    guest = res.guest
    phone, email = (guest.phone, guest.email) if guest else (None, None)
    subject, text = message_text(res, kind)
    sent: list[GuestMessage] = []
    if phone:
        sent.append(_send_text(actor, res, kind, phone, text))
    if email:
        sent.append(_send_mail(actor, res, kind, email, subject, text))
    return sent


def _new(actor, res: Reservation, kind: MessageKind, channel: MessageChannel, to: str, body: str) -> GuestMessage:
    message = GuestMessage(reservation_id=res.id, channel=channel, kind=kind, to_address=to, body=body,
                           created_at=clock.utcnow(), created_by_id=getattr(actor, "id", None),
                           state=MessageState.SENDING)
    db.session.add(message)
    db.session.flush()
    return message


def _finish(actor, res: Reservation, message: GuestMessage) -> GuestMessage:
    record(actor, f"reservation.message_{message.channel.value}", res, kind=message.kind.value,
           state=message.state.value, error=message.error or "")
    live.bump()  # the card shows the message and its result
    db.session.commit()
    return message


def _send_text(actor, res: Reservation, kind: MessageKind, phone: str, text: str) -> GuestMessage:
    provider = sms.provider()
    message = _new(actor, res, kind, MessageChannel.SMS, phone, text)
    if provider is None:
        message.state, message.error = MessageState.FAILED, _("No SMS provider is set up (Manager → Settings).")
        return _finish(actor, res, message)
    message_id = message.id
    db.session.commit()  # kept as "sending" before the provider is asked
    delivery = provider.send(phone, text)
    message = db.session.get(GuestMessage, message_id)
    if delivery.ok:
        message.state, message.provider_id = MessageState.SENT, delivery.provider_id
    else:
        message.state, message.error = MessageState.FAILED, (delivery.error or "")[:200]
    return _finish(actor, res, message)


def _send_mail(actor, res: Reservation, kind: MessageKind, email: str, subject: str, text: str) -> GuestMessage:
    from ..lostfound.mail import queue_mail
    from ..lostfound.models import MailKind, MailState

    message = _new(actor, res, kind, MessageChannel.EMAIL, email, text)
    message_id = message.id
    try:
        mail = queue_mail(actor, email, subject, text, language=guest_language(res.guest_language),
                          kind=MailKind.WAITLIST)
    except ValidationFailed as refused:  # a bad address, or no sender set up
        message = db.session.get(GuestMessage, message_id)
        message.state, message.error = MessageState.FAILED, str(refused.message)[:200]
        return _finish(actor, res, message)
    message = db.session.get(GuestMessage, message_id)
    message.outbox_id = mail.id
    if mail.state is MailState.SENT:
        message.state = MessageState.SENT
    elif mail.state is MailState.RETRYING:
        message.state, message.error = MessageState.FAILED, (mail.last_error or "")[:200]
    else:
        message.state = MessageState.QUEUED
    return _finish(actor, res, message)


def failures(messages: list[GuestMessage]) -> list[str]:
    """What the host is told at once: one line per message that did not go out. A text while no
    provider is set up is not among them (the card still says so): a restaurant without texts would
    otherwise get a red toast for every phone number it notes."""
    labels = {MessageChannel.SMS: _("Text message"), MessageChannel.EMAIL: _("E-mail")}
    texts_off = sms.provider() is None
    return [_("%(channel)s to %(to)s not sent: %(reason)s", channel=labels[m.channel], to=m.to_address or "",
              reason=m.error or "") for m in messages
            if m.state is MessageState.FAILED and not (texts_off and m.channel is MessageChannel.SMS)]


def purge_waitlist_data() -> int:
    """Erase, past the erasure period, what waitlist messages kept of the guest (address and text)
    and the waitlist parties' links; the outbox's waitlist mails too. Returns the count."""
    from ..lostfound.models import MailKind, OutboxMail

    now = clock.utcnow()
    cutoff = now - timedelta(days=get_settings().personal_data_erasure_days)
    nothing = {"synchronize_session": False}
    messages = db.session.execute(
        sa.update(GuestMessage).where(GuestMessage.erased_at.is_(None), GuestMessage.created_at < cutoff)
        .values(to_address=None, body=None, erased_at=now), execution_options=nothing).rowcount
    db.session.execute(
        sa.update(OutboxMail).where(OutboxMail.kind == MailKind.WAITLIST, OutboxMail.erased_at.is_(None),
                                    OutboxMail.created_at < cutoff)
        .values(to_address=None, body=None, erased_at=now), execution_options=nothing)
    guests = db.session.execute(
        sa.update(Guest).where(Guest.id.in_(_waitlist_only_guests(cutoff)))
        .values(name="", phone=None, email=None), execution_options=nothing).rowcount
    links = db.session.execute(
        sa.update(Reservation).where(Reservation.guest_token.is_not(None), Reservation.created_at < cutoff)
        .values(guest_token=None), execution_options=nothing).rowcount
    if messages or links or guests:
        record(None, "reservation.purge_waitlist_data", None, messages=messages, links=links, guests=guests)
    return messages + links + guests


def _waitlist_only_guests(cutoff) -> sa.Select:
    """Guests known only from walk-ins before the cutoff (a booking's guest stays known)."""
    recent_or_booked = sa.select(Reservation.guest_id).where(
        Reservation.guest_id.is_not(None),
        sa.or_(Reservation.created_at >= cutoff, Reservation.source != Source.WALK_IN))
    return (sa.select(Reservation.guest_id).where(Reservation.source == Source.WALK_IN, Reservation.created_at < cutoff,
                                                  Reservation.guest_id.is_not(None),
                                                  Reservation.guest_id.not_in(recent_or_booked))
            .join(Guest, Guest.id == Reservation.guest_id).where(sa.or_(Guest.phone.is_not(None),
                                                                        Guest.email.is_not(None))))
