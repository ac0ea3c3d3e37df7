"""E-mail: the aftercare message after posting, and the settings page's test message.

Sent over real SMTP with the restaurant's settings (smtp_host, port, TLS, user, password,
sender). With no SMTP host configured, a message goes to the outbox page instead, which
shows what would have been sent.

No transaction is open while the mail server answers (seconds, or the 15-second timeout): the
request's transaction, which has written nothing yet, ends first, since on SQLite it holds the write
lock every tablet's tap waits for; what is written after the send begins a new one.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import DomainError, InvalidTransition, ValidationFailed
from ..extensions import db
from ..settings import get_settings
from .matching import refuse_card_numbers
from .models import FoundItem, ItemState, OutboxMail


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


def _deliver(to_address: str, subject: str, body: str) -> None:
    settings = get_settings()
    message = EmailMessage()
    sender = settings.smtp_sender or settings.smtp_user or f"noreply@{settings.smtp_host}"
    message["From"] = f"{settings.restaurant_name} <{sender}>"
    message["To"] = to_address
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
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


def send_mail(actor, to_address: str, subject: str, body: str, item: FoundItem | None = None) -> bool:
    """Send over SMTP (True), or put it in the outbox when no SMTP server is set up (False)."""
    to_address = _valid_address(to_address)
    subject = " ".join(subject.split())  # a subject is one line: no header can be slipped in after it
    if smtp_configured():
        db.session.commit()  # nothing written yet: no write lock held while the mail server answers
        _deliver(to_address, subject, body)
        return True
    db.session.add(OutboxMail(item_id=item.id if item else None, created_by_id=getattr(actor, "id", None),
                              to_address=to_address, subject=subject, body=body, created_at=clock.utcnow()))
    db.session.flush()
    return False


def send_test_email(to_address: str, actor=None) -> bool:
    """For the manager's settings page: True when sent over SMTP, False when it went to the outbox.

    Raises ValidationFailed for a bad address and MailFailed (a DomainError) when SMTP fails.
    """
    settings = get_settings()
    subject = _("Test e-mail from %(name)s", name=settings.restaurant_name)
    body = _("This is a test message from Hostdesk. If you can read it, the e-mail settings work.")
    sent = send_mail(actor, to_address, subject, body)
    record(actor, "lostfound.test_email", None, via="smtp" if sent else "outbox")
    return sent


def aftercare_draft(item: FoundItem) -> tuple[str, str]:
    """Subject and body in the claimant's language: what was done and when, sorry, tell us when it arrives."""
    claim = item.claim
    settings = get_settings()
    with force_locale(claim.language if claim.language in ("nl", "en") else "nl"):
        posted = format_date(claim.posted_on, "d MMMM yyyy") if claim.posted_on else ""
        subject = _("Your %(item)s is on its way", item=item.description)
        greeting = _("Dear %(name)s,", name=claim.claimant_name) if claim.claimant_name else _("Hello,")
        done = _("On %(date)s we sent your %(item)s to you by post (reference %(reference)s).",
                 date=posted, item=item.description, reference=item.reference)
        if claim.carrier and claim.tracking:
            done += " " + _("It goes with %(carrier)s, tracking reference %(tracking)s.", carrier=claim.carrier,
                            tracking=claim.tracking)
        elif claim.carrier:
            done += " " + _("It goes with %(carrier)s.", carrier=claim.carrier)
        sorry = _("We are sorry for the inconvenience of losing it, and we hope it reaches you quickly.")
        ask = _("Would you let us know when it has arrived? A short reply to this e-mail is enough.")
        closing = _("Kind regards,")
        body = "\n\n".join([greeting, done, sorry, ask, f"{closing}\n{settings.restaurant_name}"])
    return subject, body


def send_aftercare(actor, item: FoundItem, subject: str, body: str) -> bool:
    claim = item.claim
    if item.state is not ItemState.POSTED or claim is None:
        raise InvalidTransition(_l("The aftercare e-mail is sent once the item has been posted."))
    if not claim.email:
        raise ValidationFailed(_l("There is no e-mail address for this claimant. Add one, or phone instead."))
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise ValidationFailed(_l("The e-mail needs a subject and a text."))
    if len(subject) > 200 or len(body) > 5000:
        raise ValidationFailed(_l("The e-mail is too long."))
    refuse_card_numbers(item.is_card, {_("Subject"): subject, _("Message"): body})
    sent = send_mail(actor, claim.email, subject, body, item=item)
    claim.aftercare_sent_at = clock.utcnow()
    record(actor, "lostfound.aftercare_sent", item, language=claim.language, via="smtp" if sent else "outbox")
    db.session.flush()
    return sent
