"""E-mail over real SMTP: an aiosmtpd server on a random local port receives the aftercare message."""
from __future__ import annotations

import socket
import sqlite3
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Role
from hostdesk.database import is_sqlite
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.jobs import OUTBOX, all_jobs, run_due
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.mail import MailFailed, aftercare_draft, send_aftercare, send_outbox, send_test_email
from hostdesk.lostfound.models import Channel, MailState, OutboxMail
from hostdesk.settings import update_settings

from .conftest import right_answers


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app_ctx, manager):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    update_settings(manager, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls=False,
                    smtp_sender="gastheer@degoudenlepel.nl")
    yield inbox
    controller.stop()


def posted_item(make_item, staff, language, email="guest@example.org"):
    item = make_item()
    ops.verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.PHONE, answers=right_answers(item))
    ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", email=email, language=language,
                    phone="0612345678")
    ops.post_item(staff, item, posted_on=clock.utcnow().date(), carrier="PostNL", tracking="3SXYZ987")
    return item


@pytest.mark.parametrize("language,expected", [
    ("nl", ["Beste Remco de Waard", "20 november 2026", "per post", "Het spijt ons", "laten weten", "3SXYZ987"]),
    ("en", ["Dear Remco de Waard", "20 November 2026", "by post", "sorry for the inconvenience", "let us know",
            "3SXYZ987"]),
])
def test_aftercare_reaches_a_real_smtp_server_in_the_claimants_language(smtp_server, make_item, staff, frozen,
                                                                       language, expected):
    item = posted_item(make_item, staff, language)
    subject, body = aftercare_draft(item)
    assert send_aftercare(staff, item, subject, body + "\n\nP.S. edited").state is MailState.SENT
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["guest@example.org"]
    assert message["Subject"] == subject and "gastheer@degoudenlepel.nl" in message["From"]
    text = message.get_content()
    for phrase in expected:
        assert phrase in text
    assert "P.S. edited" in text and item.reference in text
    assert item.claim.aftercare_sent_at is not None
    kept = db.session.scalars(sa.select(OutboxMail)).one()  # what was sent is kept on the item
    assert (kept.item_id, kept.to_address, kept.language, kept.state) == (item.id, "guest@example.org", language,
                                                                          MailState.SENT)
    assert kept.body == body + "\n\nP.S. edited" and kept.sent_at == clock.utcnow()


def test_without_smtp_the_mail_goes_to_the_outbox(make_item, staff, frozen):
    item = posted_item(make_item, staff, "en")
    assert send_aftercare(staff, item, *aftercare_draft(item)).state is MailState.QUEUED
    mail = db.session.scalars(sa.select(OutboxMail)).one()
    assert mail.to_address == "guest@example.org" and "sent by post" in mail.subject
    assert send_outbox() == "no mail server"  # it waits until a mail server is set up


def test_send_test_email(smtp_server, frozen):
    assert send_test_email("manager@example.org") is True
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["manager@example.org"] and "Test" in message["Subject"]


def test_unreachable_smtp_is_a_clear_error(app_ctx, manager, frozen):
    update_settings(manager, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls=False,
                    smtp_sender="gastheer@degoudenlepel.nl")
    with pytest.raises(MailFailed):
        send_test_email("manager@example.org")


def test_aftercare_needs_a_posted_item_and_an_address(make_item, staff, frozen):
    from hostdesk.errors import InvalidTransition, ValidationFailed

    item = make_item()
    with pytest.raises(InvalidTransition):
        send_aftercare(staff, item, "s", "b")
    item = posted_item(make_item, staff, "nl", email="")
    with pytest.raises(ValidationFailed):
        send_aftercare(staff, item, "s", "b")


class OtherWriter(Inbox):
    """While the app waits for the mail server, another writer (a tablet's tap) tries to write."""

    def __init__(self, database: str):
        super().__init__()
        self.database = database
        self.seen: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        connection = sqlite3.connect(self.database, timeout=0.5, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("COMMIT")
            self.seen.append("wrote")
        except sqlite3.OperationalError as error:
            self.seen.append(str(error))
        finally:
            connection.close()
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("send", ["aftercare", "test e-mail"])
def test_no_write_lock_is_held_while_the_mail_server_answers(app, make_item, staff, manager, client_for, frozen,
                                                            send):
    if not is_sqlite():
        pytest.skip("SQLite's write lock")
    from hostdesk.auth.models import Role

    inbox = OtherWriter(db.engine.url.database)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        update_settings(manager, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls=False,
                        smtp_sender="gastheer@degoudenlepel.nl")
        item = posted_item(make_item, staff, "en")
        db.session.commit()
        if send == "aftercare":
            response = client_for(Role.STAFF).post(f"/lost-found/item/{item.id}/aftercare",
                                                   data={"subject": "On its way", "body": "We posted it."})
        else:
            response = client_for(Role.MANAGER).post("/manager/settings/test-email",
                                                     data={"to_address": "manager@example.org"})
    finally:
        controller.stop()
    assert response.status_code in (200, 302)
    assert inbox.seen == ["wrote"] and len(inbox.messages) == 1
    db.session.rollback()
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())).first()
    assert actions == ("lostfound.aftercare_sent" if send == "aftercare" else "lostfound.test_email")


@pytest.mark.parametrize(("language", "message"), [("nl", "Dit veld is vereist."), ("en", "This field is required.")])
def test_aftercare_without_a_subject_is_refused_and_stores_nothing(app, make_item, staff, client_for, frozen,
                                                                   language, message):
    from hostdesk.auth.models import Role

    item = posted_item(make_item, staff, "en")
    db.session.commit()
    response = client_for(Role.STAFF).post(f"/lost-found/item/{item.id}/aftercare", data={"subject": " ", "body": "x"},
                                           headers={"Accept-Language": language})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.rollback()
    db.session.refresh(item.claim)
    assert item.claim.aftercare_sent_at is None
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "lostfound.aftercare_sent")) == 0


# --- headers, the outbox, what was sent ------------------------------------------------------------

RESTAURANT = "Café 't Hoekje, Utrecht"


def test_a_restaurant_name_with_a_comma_and_an_accent_is_an_encoded_display_name(smtp_server, make_item, staff,
                                                                                 manager, frozen):
    update_settings(manager, restaurant_name=RESTAURANT)
    item = posted_item(make_item, staff, "nl")
    assert send_aftercare(staff, item, *aftercare_draft(item)).state is MailState.SENT
    [(_, message)] = smtp_server.messages
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (RESTAURANT, "gastheer@degoudenlepel.nl")
    [reply_to] = message["Reply-To"].addresses
    assert (reply_to.display_name, reply_to.addr_spec) == (RESTAURANT, "gastheer@degoudenlepel.nl")
    raw = message.as_bytes()
    assert RESTAURANT.encode() not in raw and b"=?utf-8?" in raw  # encoded, never pasted in


def test_no_mail_leaves_without_a_sender_address(app_ctx, make_item, staff, manager, frozen):
    update_settings(manager, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls=False, smtp_sender="")
    item = posted_item(make_item, staff, "en")
    with pytest.raises(ValidationFailed) as refused:
        send_aftercare(staff, item, "Subject", "Text")
    assert "afzenderadres" in str(refused.value.message)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


def test_an_unreachable_server_keeps_the_edit_and_the_outbox_retries_with_back_off(app, make_item, staff, manager,
                                                                                   frozen):
    port = free_port()
    update_settings(manager, smtp_host="127.0.0.1", smtp_port=port, smtp_tls=False,
                    smtp_sender="gastheer@degoudenlepel.nl")
    item = posted_item(make_item, staff, "en")
    subject, body = aftercare_draft(item)
    mail = send_aftercare(staff, item, "Edited: " + subject, body + "\n\nP.S. edited")
    db.session.commit()
    assert mail.state is MailState.RETRYING and mail.attempts == 1
    assert mail.next_attempt_at == clock.utcnow() + timedelta(minutes=1)
    assert mail.subject.startswith("Edited: ") and mail.body.endswith("P.S. edited")  # the edit is kept
    outbox_job = [job for job in all_jobs() if job.name == OUTBOX]
    run_due(app, outbox_job)  # the job's row: its first run a minute from now
    clock.advance(timedelta(minutes=1))
    assert run_due(app, outbox_job) == [OUTBOX]
    db.session.rollback()  # a fresh snapshot: the job committed in its own session
    assert mail.attempts == 2 and mail.next_attempt_at == clock.utcnow() + timedelta(minutes=2)  # growing pauses
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock.advance(timedelta(minutes=2))
        assert run_due(app, outbox_job) == [OUTBOX]
    finally:
        controller.stop()
    db.session.rollback()  # a fresh snapshot: the job committed in its own session
    assert mail.state is MailState.SENT and mail.sent_at == clock.utcnow()
    [(_, received)] = inbox.messages
    assert received["Subject"].startswith("Edited: ") and "P.S. edited" in received.get_content()


def test_a_person_can_cancel_a_waiting_mail_and_the_outbox_page_shows_each_state(app, make_item, staff, manager,
                                                                                 client_for, frozen):
    update_settings(manager, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls=False,
                    smtp_sender="gastheer@degoudenlepel.nl")
    item = posted_item(make_item, staff, "en")
    mail = send_aftercare(staff, item, "Subject", "Text")
    db.session.commit()
    client = client_for(Role.STAFF)
    page = client.get("/lost-found/outbox").get_data(as_text=True)
    assert "Nog niet verstuurd: wordt opnieuw geprobeerd" in page and "volgende poging" in page
    assert client.post(f"/lost-found/outbox/{mail.id}/cancel").status_code == 302
    db.session.expire_all()
    assert mail.state is MailState.CANCELLED and mail.cancelled_by_id == staff.id
    clock.advance(timedelta(hours=2))
    assert send_outbox() == "0 sent, 0 not sent"
    assert "Geannuleerd" in client.get("/lost-found/outbox").get_data(as_text=True)


def test_the_timeline_shows_what_was_sent_to_whom_in_which_language(smtp_server, make_item, staff, client_for,
                                                                   frozen):
    item = posted_item(make_item, staff, "en")
    send_aftercare(staff, item, "Your bank card: sent by post", "Dear Remco,\n\nIt is on its way.")
    db.session.commit()
    page = client_for(Role.STAFF).get(f"/lost-found/item/{item.id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    assert "E-mail: Your bank card: sent by post" in timeline and "guest@example.org" in timeline
    assert "Taal: Engels" in timeline and "It is on its way." in timeline and "Verstuurd" in timeline


@pytest.mark.parametrize("language,greeting,subject", [
    ("en", "Dear Remco de Waard,", "Thank you for letting us know"),
    ("nl", "Beste Remco de Waard,", "Fijn dat u het ons laat weten")])
def test_the_personal_note_is_mailed_in_the_claimants_language(smtp_server, make_item, staff, client_for, frozen,
                                                               language, greeting, subject):
    item = posted_item(make_item, staff, language)
    db.session.commit()
    response = client_for(Role.STAFF).post(f"/lost-found/item/{item.id}/arrived", data={
        "reply_note": "Arrived fine", "personal_note": "Glad it found its way home. Coffee is on us next time!"})
    assert response.status_code == 302
    [(recipients, message)] = smtp_server.messages
    text = message.get_content()
    assert recipients == ["guest@example.org"] and message["Subject"].startswith(subject)
    assert text.startswith(greeting) and "Coffee is on us next time!" in text
    db.session.expire_all()
    note = db.session.scalars(sa.select(OutboxMail)).one()
    assert (note.kind.value, note.language, note.item_id) == ("note", language, item.id)


def test_the_aftercare_draft_names_the_item_in_the_claimants_language_and_quotes_the_description(
        make_item, staff, frozen):
    from hostdesk.lostfound.models import Category

    umbrella = make_item(Category.UMBRELLA, "paraplu met houten handvat")
    ops.verify_claim(staff, umbrella, claimant_name="Sophie Jones", channel=Channel.PHONE,
                     answers={q.id: a for q, a in zip(umbrella.questions, ["black", "Knirps"], strict=True)})
    ops.choose_post(staff, umbrella, postal_address="1 High Street, Bath", email="sophie@example.org",
                    language="en", phone="+44 20 7946 0958")
    ops.post_item(staff, umbrella, posted_on=clock.utcnow().date())
    subject, body = aftercare_draft(umbrella)
    assert subject == "Your umbrella: sent by post"
    assert "we sent your umbrella (“paraplu met houten handvat”) to you by post" in body
    assert "Your paraplu" not in subject + body


def test_replies_go_to_the_restaurants_own_address_when_it_is_set(smtp_server, make_item, staff, manager, frozen):
    update_settings(manager, restaurant_name="Café 't Hoekje, Utrecht", reply_to="info@hoekje.nl")
    item = posted_item(make_item, staff, "en")
    send_aftercare(staff, item, *aftercare_draft(item))
    [(_recipients, message)] = smtp_server.messages
    assert message["Reply-To"].addresses[0].addr_spec == "info@hoekje.nl"
    assert message["Reply-To"].addresses[0].display_name == "Café 't Hoekje, Utrecht"
    assert message["From"].addresses[0].addr_spec == "gastheer@degoudenlepel.nl"


def test_without_an_own_address_replies_go_to_the_sender(smtp_server, manager, frozen):
    assert send_test_email("manager@example.org") is True
    [(_recipients, message)] = smtp_server.messages
    assert message["Reply-To"].addresses[0].addr_spec == "gastheer@degoudenlepel.nl"
    assert message["From"].addresses[0].addr_spec == "gastheer@degoudenlepel.nl"


def test_the_reply_to_address_is_a_setting_managers_change_on_the_settings_page(app, client_for, frozen):
    from tests.manager.helpers import settings_form_data

    client = client_for(Role.MANAGER)
    refused = client.post("/manager/settings", data=settings_form_data(reply_to="not an address"),
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert "Give an e-mail address like desk@example.com." in refused.get_data(as_text=True)
    saved = client.post("/manager/settings", data=settings_form_data(reply_to="info@hoekje.nl"))
    assert saved.status_code in (200, 302, 303)
    with app.app_context():
        from hostdesk.settings import get_settings

        assert get_settings().reply_to == "info@hoekje.nl"
