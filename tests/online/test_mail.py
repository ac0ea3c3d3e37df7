"""The guest's confirmation and reminder: in the guest's language, with the calendar file and the
manage link, delivered to a real SMTP server (aiosmtpd) through the outbox; and the purge."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.jobs import all_jobs
from hostdesk.lostfound.enums import MailKind, MailState
from hostdesk.lostfound.models import OutboxMail
from hostdesk.online import mail
from hostdesk.online import operations as ops
from hostdesk.online.purge import purge_guest_data
from hostdesk.reservations.models import Guest, Reservation
from hostdesk.settings import update_settings

from .conftest import SATURDAY, at
from .test_operations import guest


def _parts(message):
    body = message.get_body(("plain",)).get_content()
    calendars = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return body, calendars


@pytest.mark.parametrize(("language", "subject_word", "date_word"), [("nl", "Uw reservering", "zaterdag"),
                                                                     ("en", "Your booking", "Saturday")])
def test_the_confirmation_arrives_in_the_guests_language_with_calendar_file_and_manage_link(
        frozen, online, smtp_server, language, subject_word, date_word):
    res = ops.book_online(guest(language=language, allergy="nuts"))
    db.session.commit()
    sent = mail.send_confirmation(None, res)
    db.session.commit()
    assert sent.state is MailState.SENT and sent.kind is MailKind.BOOKING and sent.reservation_id == res.id
    (to, message), = smtp_server.messages
    assert to == ["fleur@example.nl"]
    assert subject_word in message["Subject"] and "19:00" in message["Subject"]
    body, (calendar,) = _parts(message)
    link = f"https://book.example.nl/book/manage/{res.manage_token}"
    assert date_word in body and "nuts" in body and link in body
    assert calendar.get_filename() == "booking.ics"
    ics = calendar.get_content()
    assert "BEGIN:VEVENT" in ics and "DTSTART:20261121T180000Z" in ics
    end = res.end_at.strftime("%Y%m%dT%H%M%SZ")
    assert f"DTEND:{end}" in ics and res.manage_token not in ics.split("UID:")[1].split("\r\n")[0]


def test_without_a_mail_server_the_confirmation_waits_in_the_outbox_with_its_calendar_file(frozen, online):
    res = ops.book_online(guest())
    db.session.commit()
    kept = mail.send_confirmation(None, res)
    db.session.commit()
    assert kept.state is MailState.QUEUED and "BEGIN:VCALENDAR" in kept.attachment


def test_a_guest_without_e_mail_gets_none_and_a_resend_says_why(frozen, online):
    res = ops.book_online(guest(email=""))
    db.session.commit()
    assert mail.send_confirmation(None, res) is None
    with pytest.raises(ValidationFailed):
        mail.send_confirmation(None, res, resend=True)


def test_the_reminder_goes_once_the_day_before_from_ten_with_the_manage_link(frozen, online, smtp_server):
    sunday, monday = SATURDAY + timedelta(days=1), SATURDAY + timedelta(days=2)
    remind = ops.book_online(guest(start_at=at("19:00", sunday), language="nl"))
    later = ops.book_online(guest(start_at=at("19:00", monday), name="Later", phone="0622222222",
                                  email="later@example.nl"))
    db.session.commit()
    assert mail.send_reminders() == "0 reminders"  # Friday evening: Sunday is not tomorrow yet
    clock.advance(timedelta(hours=14))  # Saturday 09:00
    assert mail.send_reminders() == "0 reminders"  # not before ten in the morning
    clock.advance(timedelta(hours=1))  # Saturday 10:00
    fresh = ops.book_online(guest(start_at=at("20:30", sunday), name="Fresh", phone="0633333333",
                                  email="fresh@example.nl"))
    db.session.commit()
    assert mail.send_reminders() == "1 reminders"
    assert mail.send_reminders() == "0 reminders"
    (to, message), = smtp_server.messages
    assert to == ["fleur@example.nl"] and "Herinnering" in message["Subject"]
    body, (calendar,) = _parts(message)
    assert remind.manage_token in body and "BEGIN:VEVENT" in calendar.get_content()
    assert db.session.get(Reservation, later.id).reminder_sent_at is None
    assert db.session.get(Reservation, fresh.id).reminder_sent_at is None  # its confirmation is fresh
    assert any(job.name == mail.REMINDERS for job in all_jobs())


def test_a_cancelled_booking_gets_no_reminder(frozen, online, smtp_server):
    sunday = SATURDAY + timedelta(days=1)
    gone = ops.book_online(guest(start_at=at("19:00", sunday)))
    ops.book_online(guest(start_at=at("20:00", sunday), name="Stays", phone="0622222222", email="stays@example.nl"))
    db.session.commit()
    ops.cancel_online(gone)
    db.session.commit()
    clock.advance(timedelta(hours=15))  # Saturday 10:00
    assert mail.send_reminders() == "1 reminders"
    assert [to for to, _message in smtp_server.messages] == [["stays@example.nl"]]


def test_the_purge_erases_guests_personal_data_after_the_period(frozen, online):
    update_settings(None, guest_erasure_days=30)
    res = ops.book_online(guest(allergy="nuts", notes="window"))
    db.session.commit()
    kept = mail.send_confirmation(None, res)
    db.session.commit()
    clock.advance(timedelta(days=20))
    assert purge_guest_data() == 0
    clock.advance(timedelta(days=15))
    assert purge_guest_data() == 2  # the booking and its guest
    db.session.commit()
    res = db.session.get(Reservation, res.id)
    assert (res.name, res.allergy, res.notes, res.manage_token, res.guest_id) == ("", "", "", None, None)
    assert res.party_size == 2 and res.source.value == "online"  # the figures keep what they count
    assert db.session.scalar(sa.select(sa.func.count(Guest.id))) == 0
    outbox = db.session.get(OutboxMail, kept.id)
    assert (outbox.to_address, outbox.body, outbox.attachment) == (None, None, None)
