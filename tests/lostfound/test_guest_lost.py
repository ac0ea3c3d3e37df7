"""The guest's /lost form and status page (no login), and the mail when staff link a found item."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.mail import send_outbox
from hostdesk.lostfound.models import Category, LostReport, MailKind, MailState, OutboxMail, ReportState

from .test_mail import smtp_server  # noqa: F401  (the aiosmtpd fixture)


def _stamp(client, lang="en") -> str:
    page = client.get("/lost", headers={"Accept-Language": lang}).get_data(as_text=True)
    return re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)


def _file(client, lang="en", wait=True, **fields):
    stamp = _stamp(client, lang)
    if wait:
        clock.advance(timedelta(seconds=5))
    data = {"category": "umbrella", "what": "black umbrella", "lost_on": clock.utcnow().date().isoformat(),
            "where": "terrace", "details": "Knirps, wooden handle", "name": "Ann Smit", "email": "ann@example.org",
            "phone": "", "started": stamp, "website": "", **fields}
    return client.post("/lost", data=data, headers={"Accept-Language": lang})


def _reports() -> list[LostReport]:
    return list(db.session.scalars(sa.select(LostReport)))


def test_a_guest_files_a_report_and_gets_a_reference_and_a_status_link(app, app_ctx, users, frozen):
    client = app.test_client()
    answer = _file(client, lang="nl")
    assert answer.status_code == 302
    [report] = _reports()
    assert answer.headers["Location"] == f"/lost/{report.token}?new=1"
    assert len(report.token) == 32 and report.created_by_id is None and report.language == "nl"
    assert (report.what, report.details, report.where, report.state) == (
        "black umbrella", "Knirps, wooden handle", "terrace", ReportState.OPEN)
    page = client.get(answer.headers["Location"], headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert report.reference in page and "We zoeken ernaar." in page


def test_a_form_sent_too_quickly_or_with_the_honeypot_stores_nothing_and_keeps_the_input(app, app_ctx, users, frozen):
    client = app.test_client()
    quick = _file(client, wait=False)
    trap = _file(client, website="http://spam.example")
    for answer in (quick, trap):
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422 and "This form was sent very quickly" in page
        assert 'value="black umbrella"' in page and "Ann Smit" in page
    assert _reports() == []


def test_missing_contact_and_missing_fields_are_refused_with_messages(app, app_ctx, users, frozen):
    answer = _file(app.test_client(), email="", phone="", what="")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Give an e-mail address or a phone number, so we can reach you." in page
    assert "Say what you lost." in page and _reports() == []


def test_a_card_number_in_the_description_is_refused_and_nothing_stored(app, app_ctx, users, frozen):
    answer = _file(app.test_client(), category="bank_card", what="bank card", details="nr 4111 1111 1111 1111")
    assert answer.status_code == 422 and _reports() == []


def test_too_many_reports_from_one_address_get_429(app, app_ctx, users, frozen):
    allowed, _seconds = app.config["PUBLIC_FORM_LIMIT"]
    client = app.test_client()
    statuses = [_file(client, what=f"umbrella {n}").status_code for n in range(allowed + 1)]
    assert statuses[:allowed] == [302] * allowed and statuses[-1] == 429
    assert len(_reports()) == allowed


def test_an_unknown_or_malformed_token_is_404(app, users):
    client = app.test_client()
    assert client.get("/lost/" + "A" * 32).status_code == 404
    assert client.get("/lost/short").status_code == 404


@pytest.mark.parametrize("language, subject", [("nl", "We hebben misschien uw black umbrella gevonden"),
                                               ("en", "We may have found your black umbrella")])
def test_a_matching_found_item_links_the_report_mails_the_guest_in_their_language_and_the_status_follows(
        app, app_ctx, users, frozen, smtp_server, staff, make_item, language, subject):  # noqa: F811
    client = app.test_client()
    _file(client, lang=language)
    [report] = _reports()
    item = make_item(category=Category.UMBRELLA, description="umbrella with a wooden handle")  # matching links it
    db.session.commit()
    assert report.state is ReportState.MATCHED and report.item_id == item.id
    [mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == MailKind.REPORT))
    assert mail.language == language and mail.state is MailState.QUEUED  # sent by the outbox job
    assert send_outbox() == "1 sent, 0 not sent"
    db.session.commit()
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["ann@example.org"]
    assert message["Subject"].startswith(subject) and report.reference in message["Subject"]
    body = message.get_content()
    assert "wooden handle" not in body and item.reference not in body  # only the guest's own words
    page = client.get(f"/lost/{report.token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "We may have it: we will call you to check that it is yours." in page
    assert item.reference not in page and "wooden handle" not in page.replace("Knirps, wooden handle", "")


def test_the_purge_erases_an_online_reports_contact_and_the_status_page_still_answers(app, app_ctx, users, frozen):
    client = app.test_client()
    _file(client)
    [report] = _reports()
    ops.close_report(None, report)
    db.session.commit()
    clock.advance(timedelta(days=120))
    assert ops.purge_personal_data() >= 1
    db.session.commit()
    report = db.session.get(LostReport, report.id)
    assert (report.name, report.email, report.phone) == (None, None, None)
    page = client.get(f"/lost/{report.token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This report is closed." in page and "Ann Smit" not in page


def test_staff_linking_an_item_by_hand_also_queues_the_mail(app, app_ctx, users, frozen, staff, make_item):
    _file(app.test_client())
    [report] = _reports()
    item = make_item(category=Category.BAG, description="leather shopper")  # no shared word: not linked by itself
    assert report.state is ReportState.OPEN
    ops.link_report(staff, report, item)
    db.session.commit()
    [mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == MailKind.REPORT))
    assert mail.to_address == "ann@example.org" and mail.item_id == item.id and mail.language == "en"
