"""E-mail: the aftercare message after posting, the personal note after the reply, the settings page's
test message; and the outbox every message goes through.

Every message is first kept in the outbox (its text as sent, to whom, in which language) and then
sent over SMTP with the restaurant's settings. A message the mail server did not take waits there
and the scheduled job `send_outbox` tries it again with growing pauses, until it is sent or a person
cancels it. With no mail server set up, messages wait in the outbox until one is.

No transaction is open while the mail server answers (seconds, or the 15-second timeout): on SQLite
a transaction holds the write lock every tablet's tap waits for. The outbox row is committed first,
and what is written after the send begins a new transaction.
"""
from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, DomainError, InvalidTransition, ValidationFailed
from ..extensions import db
from ..settings import get_settings
from .matching import refuse_card_numbers
from .models import Category, FoundItem, ItemState, MailKind, MailState, OutboxMail

LANGUAGES = ("nl", "en")
LEASE = timedelta(minutes=5)  # longer than a send takes (15-second timeout); a dead sender's message is free after it
FIRST_PAUSE = timedelta(minutes=1)
MAX_PAUSE = timedelta(hours=1)
WAITING = (MailState.QUEUED, MailState.RETRYING)


class MailFailed(DomainError):
    status = 502


def _valid_address(address: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email((address or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationFailed(_l("That e-mail address does not look right.")) from None


def smtp_configured() -> bool:
    return bool(get_settings().smtp_host.strip())


def mail_ready() -> bool:
    """A mail server and the address mail is sent from are both set up."""
    settings = get_settings()
    return bool(settings.smtp_host.strip() and settings.smtp_sender.strip())


def _refuse_without_sender() -> None:
    if smtp_configured() and not get_settings().smtp_sender.strip():
        raise ValidationFailed(_l("Set the sender address (Manager → Settings, E-mail) before e-mail can be sent: "
                                  "replies go to it."))


def build_message(to_address: str, subject: str, body: str, calendar: str | None = None) -> EmailMessage:
    """The message with its headers built by the standard library: display names are encoded, never
    pasted into a header; Reply-To is the restaurant's own address (its setting, else the sender).
    `calendar` (an .ics text) goes along as the attachment `booking.ics`."""
    settings = get_settings()
    sender = settings.smtp_sender.strip()
    reply_to = settings.reply_to.strip() or sender
    message = EmailMessage()
    message["From"] = Address(display_name=settings.restaurant_name, addr_spec=sender)
    message["Reply-To"] = Address(display_name=settings.restaurant_name, addr_spec=reply_to)
    message["To"] = Address(addr_spec=to_address)
    message["Subject"] = " ".join(subject.split())  # one line: no header can be slipped in after it
    message["Date"] = format_datetime(clock.utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    if calendar:
        message.add_attachment(calendar.encode(), maintype="text", subtype="calendar", filename="booking.ics",
                               params={"method": "PUBLISH"})
    return message


def _deliver(message: EmailMessage) -> None:
    settings = get_settings()
    try:
        if settings.smtp_tls and settings.smtp_port == 465:
            server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=15,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15)
        with server:
            if settings.smtp_tls and settings.smtp_port != 465:
                server.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password)
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailFailed(_l("The e-mail could not be sent: the mail server refused it or could not be reached "
                            "(%(reason)s). Check the e-mail settings.", reason=type(error).__name__)) from None


def _pause(attempts: int) -> timedelta:
    return min(FIRST_PAUSE * 2 ** max(0, attempts - 1), MAX_PAUSE)


def _try_send(mail_id: int) -> bool:
    """Send one outbox message whose lease this process holds; no transaction is open meanwhile."""
    mail = db.session.get(OutboxMail, mail_id)
    message = build_message(mail.to_address, mail.subject, mail.body or "", mail.attachment)
    db.session.commit()
    try:
        _deliver(message)
    except MailFailed as failed:
        mail = db.session.get(OutboxMail, mail_id)
        mail.attempts += 1
        mail.state, mail.lease_until = MailState.RETRYING, None
        mail.next_attempt_at = clock.utcnow() + _pause(mail.attempts)
        mail.last_error = str(failed.message)[:200]
        db.session.flush()
        return False
    mail = db.session.get(OutboxMail, mail_id)
    mail.attempts += 1
    mail.state, mail.sent, mail.sent_at, mail.lease_until, mail.last_error = (
        MailState.SENT, True, clock.utcnow(), None, None)
    db.session.flush()
    return True


def queue_mail(actor, to_address: str, subject: str, body: str, *, item: FoundItem | None = None,
               language: str | None = None, kind: MailKind = MailKind.AFTERCARE, send_now: bool = True,
               reservation_id: int | None = None, attachment: str | None = None) -> OutboxMail:
    """Keep the message in the outbox and try to send it now: its state says how that went.
    `send_now=False` inside a larger change (it must not commit halfway): the outbox job sends it
    within a minute of the commit. `attachment`: a booking's calendar file (.ics text)."""
    to_address = _valid_address(to_address)
    subject = " ".join(subject.split())
    _refuse_without_sender()
    now = clock.utcnow()
    ready = mail_ready()
    mail = OutboxMail(item_id=item.id if item else None, created_by_id=getattr(actor, "id", None),
                      to_address=to_address, subject=subject, body=body, created_at=now, kind=kind,
                      language=language, state=MailState.QUEUED, next_attempt_at=now,
                      reservation_id=reservation_id, attachment=attachment,
                      lease_until=now + LEASE if ready and send_now else None)
    if not ready and kind is MailKind.TEST:
        mail.state = MailState.NOT_SENT
    db.session.add(mail)
    db.session.flush()
    if ready and send_now:
        _try_send(mail.id)
    return mail


def send_outbox(limit: int = 20) -> str:
    """The scheduled job: try each waiting message that is due, once, each under a lease of its own."""
    if not mail_ready():
        return "no mail server"
    now = clock.utcnow()
    free = sa.or_(OutboxMail.lease_until.is_(None), OutboxMail.lease_until < now)
    due = (OutboxMail.state.in_(WAITING), OutboxMail.to_address.is_not(None),
           sa.or_(OutboxMail.next_attempt_at.is_(None), OutboxMail.next_attempt_at <= now), free)
    ids = list(db.session.scalars(sa.select(OutboxMail.id).where(*due).order_by(OutboxMail.id).limit(limit)))
    sent = failed = 0
    for mail_id in ids:
        claimed = db.session.execute(sa.update(OutboxMail).where(OutboxMail.id == mail_id, *due)
                                     .values(lease_until=now + LEASE)
                                     .execution_options(synchronize_session=False)).rowcount == 1
        db.session.commit()
        if not claimed:
            continue
        if _try_send(mail_id):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    return f"{sent} sent, {failed} not sent"


def cancel_mail(actor, mail: OutboxMail) -> OutboxMail:
    """A person stops a message that was not sent yet."""
    stmt = (sa.update(OutboxMail).where(OutboxMail.id == mail.id, OutboxMail.state.in_(WAITING))
            .values(state=MailState.CANCELLED, cancelled_by_id=getattr(actor, "id", None), lease_until=None)
            .execution_options(synchronize_session=False))
    if db.session.execute(stmt).rowcount != 1:
        db.session.refresh(mail)
        raise AlreadyDone(_l("This e-mail is no longer waiting (%(state)s).", state=mail.state.label))
    db.session.refresh(mail)
    subject = db.session.get(FoundItem, mail.item_id) if mail.item_id else None
    record(actor, "lostfound.mail_cancelled", subject, mail=mail.id, subject_line=mail.subject)
    return mail


def retry_now(actor, mail: OutboxMail) -> OutboxMail:
    """Make a waiting message due at once (the job, or this request, tries it)."""
    if mail.state not in WAITING:
        raise AlreadyDone(_l("This e-mail is no longer waiting (%(state)s).", state=mail.state.label))
    mail.next_attempt_at = clock.utcnow()
    db.session.flush()
    return mail


def send_test_email(to_address: str, actor=None) -> bool:
    """For the manager's settings page: True when sent over SMTP, False when kept in the outbox
    because no mail server is set up. Raises ValidationFailed for a bad address or a missing sender,
    MailFailed (a DomainError) when the mail server does not take it."""
    settings = get_settings()
    subject = _("Test e-mail from %(name)s", name=settings.restaurant_name)
    body = _("This is a test message from Hostdesk. If you can read it, the e-mail settings work.")
    mail = queue_mail(actor, to_address, subject, body, kind=MailKind.TEST)
    if mail.state is MailState.RETRYING:
        mail.state = MailState.NOT_SENT  # a test is not tried again: the manager is told now
        error = mail.last_error
        db.session.commit()
        raise MailFailed(error)
    record(actor, "lostfound.test_email", None, via="smtp" if mail.state is MailState.SENT else "outbox")
    return mail.state is MailState.SENT


def item_noun(item: FoundItem) -> str:
    """The item by its category, as a noun inside a sentence in the current language."""
    return str(CATEGORY_NOUNS[item.category])


CATEGORY_NOUNS = {
    Category.BANK_CARD: _l("bank card"), Category.ID_DOCUMENT: _l("identity document"),
    Category.PHONE: _l("phone"), Category.KEYS: _l("keys"), Category.WALLET: _l("wallet"),
    Category.BAG: _l("bag"), Category.CLOTHING: _l("clothing"), Category.JEWELLERY: _l("jewellery"),
    Category.GLASSES: _l("glasses"), Category.UMBRELLA: _l("umbrella"), Category.OTHER: _l("lost item"),
}


def _language(claim) -> str:
    return claim.language if claim.language in LANGUAGES else "nl"


def _letter(name: str | None, *paragraphs: str) -> str:
    """A mail's text: the greeting (by name when known), the paragraphs, the restaurant's closing.
    Call it inside the reader's locale."""
    greeting = _("Dear %(name)s,", name=name) if name else _("Hello,")
    closing = _("Kind regards,")
    return "\n\n".join([greeting, *paragraphs, f"{closing}\n{get_settings().restaurant_name}"])


def aftercare_draft(item: FoundItem) -> tuple[str, str]:
    """Subject and body in the claimant's language: what was done and when, sorry, tell us when it arrives.
    The item is named by its category in that language, with the description as written in quotes."""
    claim = item.claim
    with force_locale(_language(claim)):
        posted = format_date(claim.posted_on, "d MMMM yyyy") if claim.posted_on else ""
        noun = item_noun(item)
        subject = _("Your %(item)s: sent by post", item=noun)
        done = _("On %(date)s we sent your %(item)s (“%(description)s”) to you by post (reference %(reference)s).",
                 date=posted, item=noun, description=item.description, reference=item.reference)
        if claim.carrier and claim.tracking:
            done += " " + _("It goes with %(carrier)s, tracking reference %(tracking)s.", carrier=claim.carrier,
                            tracking=claim.tracking)
        elif claim.carrier:
            done += " " + _("It goes with %(carrier)s.", carrier=claim.carrier)
        sorry = _("We are sorry for the inconvenience of losing it, and we hope it reaches you quickly.")
        ask = _("Would you let us know when it has arrived? A short reply to this e-mail is enough.")
        body = _letter(claim.claimant_name, done, sorry, ask)
    return subject, body


def _check_text(item: FoundItem, subject: str, body: str) -> tuple[str, str]:
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise ValidationFailed(_l("The e-mail needs a subject and a text."))
    if len(subject) > 200 or len(body) > 5000:
        raise ValidationFailed(_l("The e-mail is too long."))
    refuse_card_numbers(item.is_card, {_("Subject"): subject, _("Message"): body})
    return subject, body


def send_aftercare(actor, item: FoundItem, subject: str, body: str) -> OutboxMail:
    """Send the (edited) aftercare message; it is kept as written whatever the mail server says."""
    claim = item.claim
    if item.state is not ItemState.POSTED or claim is None:
        raise InvalidTransition(_l("The aftercare e-mail is sent once the item has been posted."))
    if not claim.email:
        raise ValidationFailed(_l("There is no e-mail address for this claimant. Add one, or phone instead."))
    subject, body = _check_text(item, subject, body)
    mail = queue_mail(actor, claim.email, subject, body, item=item, language=_language(claim),
                      kind=MailKind.AFTERCARE)
    claim = item.claim
    claim.aftercare_sent_at = clock.utcnow()
    record(actor, "lostfound.aftercare_sent", item, language=claim.language, state=mail.state.value)
    db.session.flush()
    return mail


def note_message(item: FoundItem, note: str) -> tuple[str, str]:
    """The personal note after the claimant's reply, framed in the claimant's language."""
    claim = item.claim
    with force_locale(_language(claim)):
        subject = _("Thank you for letting us know (%(reference)s)", reference=item.reference)
        body = _letter(claim.claimant_name, note.strip())
    return subject, body


def send_note(actor, item: FoundItem, note: str) -> OutboxMail | None:
    """Mail the personal note to the claimant, in their language; None when there is no address."""
    claim = item.claim
    if not (note or "").strip() or claim is None or not claim.email:
        return None
    subject, body = note_message(item, note)
    subject, body = _check_text(item, subject, body)
    mail = queue_mail(actor, claim.email, subject, body, item=item, language=_language(claim), kind=MailKind.NOTE)
    record(actor, "lostfound.note_sent", item, language=claim.language, state=mail.state.value)
    return mail


def report_matched_message(report) -> tuple[str, str]:
    """To a guest who reported a loss online, in their language: we may have found it and will
    contact them to check it is theirs. Nothing of the item beyond the guest's own words."""
    with force_locale(report.language if report.language in LANGUAGES else "nl"):
        subject = _("We may have found your %(what)s (%(reference)s)", what=report.what, reference=report.reference)
        news = _("Thank you for reporting your loss to us. We may have found it: something we have looks like "
                 "what you described (“%(what)s”).", what=report.what)
        next_step = _("We will contact you to check that it is yours. Please keep your reference %(reference)s "
                      "at hand.", reference=report.reference)
        body = _letter(report.name, news, next_step)
    return subject, body


def send_report_matched(actor, report, item: FoundItem) -> OutboxMail | None:
    """Queue the guest's "we may have it" mail (sent by the outbox job: this runs inside the change
    that links the report, which must not commit halfway)."""
    if not report.email:
        return None
    subject, body = report_matched_message(report)
    try:
        mail = queue_mail(actor, report.email, subject, body, item=item, language=report.language,
                          kind=MailKind.REPORT, send_now=False)
    except ValidationFailed:  # no sender address yet: the link stands, staff phone the guest
        return None
    record(actor, "lostfound.report_mail_queued", report, item=item.reference)
    return mail
