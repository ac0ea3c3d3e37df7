"""Waitlist guests in the loop: their live page, "joined" and "table ready" messages by text (Twilio's
API, spoken by a local stand-in) and e-mail (aiosmtpd), kept on the party and shown on its card."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.lostfound.models import MailKind, OutboxMail
from hostdesk.reservations.messages import purge_waitlist_data
from hostdesk.reservations.models import GuestMessage, MessageChannel, MessageKind, MessageState, Reservation, State
from hostdesk.settings import update_settings
from hostdesk.sms import TwilioSms
from tests.lostfound.test_mail import Inbox, free_port
from tests.sms_standin import INVALID, SID, TOKEN, TwilioStandIn

HX = {"HX-Request": "true"}


@pytest.fixture
def standin(app_ctx, users):
    with TwilioStandIn() as stand_in:
        update_settings(db.session.get(User, users[Role.MANAGER]), **stand_in.settings())
        db.session.commit()
        yield stand_in


@pytest.fixture
def smtp(app_ctx, users):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    update_settings(db.session.get(User, users[Role.MANAGER]), smtp_host="127.0.0.1", smtp_port=controller.port,
                    smtp_tls=False, smtp_sender="gastheer@degoudenlepel.nl")
    db.session.commit()
    yield inbox
    controller.stop()


def _join(host_client_en, phone="0612345678", email="", language="en", name="Visser"):
    return host_client_en.post("/host/walk-in/wait", headers=HX, data={
        "party_size": "2", "quoted_wait": "20", "name": name, "phone": phone, "email": email, "language": language})


def _party(name="Visser") -> Reservation:
    db.session.expire_all()
    return db.session.scalars(sa.select(Reservation).where(Reservation.name == name)).one()


def test_joining_texts_and_mails_the_link_and_the_card_shows_both(frozen, floor, host_client_en, standin, smtp):
    answer = _join(host_client_en, email="visser@example.org", language="nl")
    assert answer.status_code == 200
    party = _party()
    link = f"http://localhost/w/{party.guest_token}"
    [text] = standin.messages
    assert text["To"] == "+31612345678" and text["From"] == "+3197010000000"
    assert link in text["Body"] and "u staat op de wachtlijst" in text["Body"]
    [(recipients, mail)] = smtp.messages
    assert recipients == ["visser@example.org"] and link in mail.get_content()
    sms, email = party.messages
    assert (sms.channel, sms.kind, sms.state, sms.provider_id) == (
        MessageChannel.SMS, MessageKind.JOINED, MessageState.SENT, text["sid"])
    assert (email.channel, email.delivery, email.outbox.kind) == (MessageChannel.EMAIL, MessageState.SENT,
                                                                   MailKind.WAITLIST)
    html = answer.get_data(as_text=True)
    card = html[html.index(f'id="res-{party.id}"'):]
    assert 'data-channel="sms" data-kind="joined" data-delivery="sent"' in card
    assert 'data-channel="email" data-kind="joined" data-delivery="sent"' in card and link in card


def test_calling_texts_table_ready_and_the_card_counts_the_minutes_since(frozen, floor, host_client_en, standin):
    _join(host_client_en)
    party = _party()
    answer = host_client_en.post(f"/host/reservations/{party.id}/call", headers=HX)
    assert answer.status_code == 200 and "toast-error" not in answer.get_data(as_text=True)
    assert standin.messages[-1]["Body"] == "De Gouden Lepel: your table is ready. Please come to the host stand."
    party = _party()
    assert party.state is State.ARRIVED and party.called_at == frozen
    assert [(m.kind, m.state) for m in party.messages] == [(MessageKind.JOINED, MessageState.SENT),
                                                            (MessageKind.READY, MessageState.SENT)]
    assert "Called just now" in answer.get_data(as_text=True)
    clock.advance(timedelta(minutes=3))
    board = host_client_en.get("/host/").get_data(as_text=True)
    assert "Called 3 min ago" in board


def test_a_refused_text_is_shown_to_the_host_at_once_and_kept_on_the_card(frozen, floor, host_client_en, standin):
    answer = _join(host_client_en, phone=INVALID)
    html = answer.get_data(as_text=True)
    assert 'class="toast toast-error"' in html
    refusal = f"Refused by the SMS provider: &#39;To&#39; number {INVALID} is not a valid mobile number (21614)"
    assert f"Text message to {INVALID} not sent: {refusal}" in html
    [message] = _party().messages
    assert message.state is MessageState.FAILED and "(21614)" in message.error
    assert 'data-channel="sms" data-kind="joined" data-delivery="failed"' in html


def test_without_a_provider_the_card_says_the_text_was_not_sent_and_no_toast_nags(frozen, floor, host_client_en):
    html = _join(host_client_en).get_data(as_text=True)
    assert "No SMS provider is set up (Manager → Settings)." in html and "toast-error" not in html
    assert 'data-channel="sms" data-kind="joined" data-delivery="failed"' in html
    [message] = _party().messages
    assert message.state is MessageState.FAILED and message.body.startswith("De Gouden Lepel: you are on the")


def test_the_provider_reports_wrong_credentials_as_a_refusal(app_ctx, standin):
    delivery = TwilioSms(SID, "wrong-token", "+3197010000000", standin.url).send("+31612345678", "hello")
    assert not delivery.ok and delivery.error == "Geweigerd door de sms-dienst: Authenticate (20003)"
    gone = TwilioSms(SID, TOKEN, "+3197010000000", f"http://127.0.0.1:{free_port()}").send("+31612345678", "x")
    assert not gone.ok and gone.error.startswith("De sms-dienst was niet bereikbaar")


def test_the_guests_page_shows_place_and_quote_lets_them_leave_and_says_when_the_table_is_ready(
        app, frozen, floor, host_client_en):
    for name in ("First", "Second", "Third"):
        _join(host_client_en, phone="", name=name)
    guest = app.test_client()
    second, third = _party("Second"), _party("Third")
    page = guest.get(f"/w/{second.guest_token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r"You are number <span class=\"big-number\" data-place>2</span> in line", page)
    assert "Quoted wait: 20 min." in page and "About 20 min left." in page
    assert "First" not in page and "Third" not in page  # nobody else's name
    clock.advance(timedelta(minutes=12))
    poll = guest.get(f"/w/{second.guest_token}", headers={**HX, "Accept-Language": "en"}).get_data(as_text=True)
    assert "About 8 min left." in poll and "<html" not in poll
    left = guest.post(f"/w/{third.guest_token}/leave")
    assert left.status_code == 302 and _party("Third").state is State.CANCELLED
    assert "U staat niet meer op de wachtlijst." in guest.get(left.headers["Location"]).get_data(as_text=True)
    host_client_en.post(f"/host/reservations/{second.id}/call", headers=HX)
    ready = guest.get(f"/w/{second.guest_token}", headers={**HX, "Accept-Language": "nl"}).get_data(as_text=True)
    assert "Uw tafel is klaar!" in ready and "hx-trigger" not in ready  # it stops asking
    assert guest.get("/w/" + "B" * 32).status_code == 404


def test_the_host_sees_the_guests_link_as_a_qr_code(frozen, floor, host_client_en):
    _join(host_client_en, phone="")
    party = _party()
    html = host_client_en.get(f"/host/reservations/{party.id}/guest-link", headers=HX).get_data(as_text=True)
    assert "<svg" in html and f"/w/{party.guest_token}" in html


def test_the_purge_erases_waitlist_messages_contacts_and_links(frozen, floor, host_client_en, smtp, standin):
    _join(host_client_en, email="visser@example.org")
    party = _party()
    guest_id = party.guest_id
    assert purge_waitlist_data() == 0
    clock.advance(timedelta(days=91))
    assert purge_waitlist_data() == 4  # two messages, the link, the guest's contact
    db.session.commit()
    db.session.expire_all()
    assert all(m.to_address is None and m.body is None for m in db.session.scalars(sa.select(GuestMessage)))
    assert all(m.to_address is None and m.body is None for m in db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.kind == MailKind.WAITLIST)))
    guest = db.session.get(type(party.guest), guest_id)
    assert (guest.phone, guest.email, _party().guest_token) == (None, None, None)


def test_the_guests_link_uses_the_public_address_when_one_is_set(app, frozen, floor, host_client_en, standin):
    app.config["PUBLIC_BASE_URL"] = "https://desk.example.nl/"
    try:
        _join(host_client_en)
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    assert f"https://desk.example.nl/w/{_party().guest_token}" in standin.messages[0]["Body"]
