"""E-mail over real SMTP: an aiosmtpd server on a random local port receives the aftercare message."""
from __future__ import annotations

import socket
import sqlite3
from email import message_from_bytes
from email.policy import default

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.database import is_sqlite
from hostdesk.extensions import db
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
