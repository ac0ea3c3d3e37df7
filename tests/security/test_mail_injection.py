"""E-mails: the XSS corpus goes out as plain text only, and a line break in the subject cannot add a
header (no Bcc smuggled in); a real SMTP server (aiosmtpd) on a local port receives them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from hostdesk import clock
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from tests.lostfound.conftest import right_answers
from tests.lostfound.test_mail import Inbox, free_port

from .test_xss import PAYLOAD


@pytest.fixture
def inbox(app, users):
    from hostdesk.settings import update_settings

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    with app.test_request_context():
        update_settings(db.session.get(User, users[Role.MANAGER]), smtp_host="127.0.0.1", smtp_port=controller.port,
                        smtp_tls=False, smtp_sender="gastheer@example.nl")
        db.session.commit()
    yield box
    controller.stop()


def _posted(app, staff_id: int) -> int:
    from hostdesk.lostfound import operations as ops
    from hostdesk.lostfound.models import Category, Channel
    from hostdesk.lostfound.operations import NewItem
    from tests.lostfound.conftest import card_questions

    with app.test_request_context():
        staff = db.session.get(User, staff_id)
        item = ops.register_found_item(staff, NewItem(
            category=Category.BANK_CARD, description=PAYLOAD[:60], storage_location="safe",
            found_at=clock.utcnow() - timedelta(hours=1), questions=card_questions()))
        ops.verify_claim(staff, item, claimant_name=PAYLOAD[:60], channel=Channel.PHONE, answers=right_answers(item))
        ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", email="guest@example.org",
                        language="en", phone="0612345678")
        ops.post_item(staff, item, posted_on=clock.utcnow().astimezone(clock.timezone.utc).date()
                      - timedelta(days=1), carrier="PostNL", tracking="3SXYZ987")
        db.session.commit()
        return item.id


@pytest.mark.parametrize("subject", ["Your umbrella\r\nBcc: evil@example.com", "Hi\nX-Injected: 1", PAYLOAD])
def test_aftercare_mail_is_plain_text_and_takes_no_extra_header(app, users, inbox, client_for, subject):
    item_id = _posted(app, users[Role.STAFF])
    client = client_for(Role.STAFF)
    draft = client.get(f"/lost-found/item/{item_id}/aftercare")
    assert draft.status_code == 200 and "<img src=x" not in draft.get_data(as_text=True)
    response = client.post(f"/lost-found/item/{item_id}/aftercare",
                           data={"subject": subject, "body": f"Dear {PAYLOAD}\n\nIt is on its way."})
    assert response.status_code in (302, 422), response.get_data(as_text=True)[:500]
    if response.status_code == 422:
        assert not inbox.messages
        return
    [(recipients, message)] = inbox.messages
    assert recipients == ["guest@example.org"]
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    assert "\n" not in str(message["Subject"]).strip()
