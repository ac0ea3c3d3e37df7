"""The lost-and-found story in Chromium at both tablet sizes, in Dutch and in English, for "Café 't Hoekje,
Utrecht" with a real SMTP server (aiosmtpd) receiving every mail: a bank card left at lunch, a
description that gives an answer away refused with every other field kept, a failed claim on the phone,
"call back at two", the owner's answers as people say them, posted, the aftercare mail, the reply and a
personal note. Screenshots in tests/browser/screenshots/lostfound-<language>-<orientation>-*.png."""
from __future__ import annotations

import socket
from datetime import datetime
from email import message_from_bytes
from email.policy import default
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.settings import update_settings
from tests.browser.conftest import VIEWPORTS

RESTAURANT = "Café 't Hoekje, Utrecht"

WORDS = {
    "nl": dict(locale="nl-NL", register="Gevonden voorwerp registreren", card="Bankpas", save="Registreren",
               check="Antwoorden controleren", callback="Terugbellen plannen", post="Afspreken: opsturen",
               posted="Markeren als verstuurd", send="Versturen", close="Antwoord noteren en afsluiten",
               gives_away="verraadt het antwoord", failed="Niet geverifieerd", left="Nog 2 pogingen over",
               verified="Geverifieerd", todo="te doen", sent="E-mail verstuurd.", description="bankpas",
               greeting="Beste R. de Waard,", subject="Uw bankpas: per post verstuurd", note_subject="Fijn dat u",
               quoted="uw bankpas (“bankpas”)", returned="Teruggegeven"),
    "en": dict(locale="en-GB", register="Register found item", card="Bank card", save="Register",
               check="Check answers", callback="Plan a call-back", post="Agree to post it", posted="Mark as posted",
               send="Send", close="Note the reply and close", gives_away="gives away the answer",
               failed="Not verified", left="2 attempts left", verified="Verified", todo="to do", sent="E-mail sent.",
               description="bank card", greeting="Dear R. de Waard,", subject="Your bank card: sent by post",
               note_subject="Thank you for letting us know", quoted="your bank card (“bank card”)",
               returned="Returned"),
}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def mail_server(app, users):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    with app.app_context():
        update_settings(None, restaurant_name=RESTAURANT, smtp_host="127.0.0.1", smtp_port=port, smtp_tls=False,
                        smtp_sender="info@hoekje.nl")
        db.session.commit()
    yield inbox
    controller.stop()


@pytest.mark.parametrize("orientation", VIEWPORTS)
@pytest.mark.parametrize("language", WORDS)
def test_card_story_on_a_tablet(language, orientation, tablet_page, live_server, mail_server, check_axe, screenshot):
    w = WORDS[language]
    page = tablet_page(Role.STAFF, VIEWPORTS[orientation], locale=w["locale"])
    name = f"lostfound-{language}-{orientation}"

    def step(label):
        check_axe(page, label)
        screenshot(page, f"{name}-{label}")
        page.evaluate("() => document.querySelectorAll('[style]').forEach(e => e.removeAttribute('style'))")

    page.goto(f"{live_server}/lost-found/")
    assert RESTAURANT in page.locator(".brand").inner_text()
    page.get_by_role("link", name=w["register"]).first.click()
    page.get_by_role("link", name=w["card"], exact=True).click()
    assert page.locator("#photo").count() == 0  # a bank card takes no photo
    page.fill("#description", f"ING {w['description']}")  # gives the bank away
    page.fill("#storage_location", "kluis op kantoor")
    page.fill("#where_found", "tafel 12")
    page.fill("#q0_answer", "ING")
    page.select_option("#q1_answer", "orange")
    page.fill("#q2_answer", "R. de Waard")
    page.fill("#q3_answer", "4821")
    page.get_by_role("button", name=w["save"]).click()
    page.locator("main .banner-error").wait_for()
    assert w["gives_away"] in page.locator("main .banner-error").inner_text()
    assert page.locator("#storage_location").input_value() == "kluis op kantoor"  # kept
    assert page.locator("#where_found").input_value() == "tafel 12"
    step("1-refused")
    page.fill("#description", w["description"])
    page.fill("#q0_answer", "ING")
    page.select_option("#q1_answer", "orange")
    page.fill("#q2_answer", "R. de Waard")
    page.fill("#q3_answer", "4821")
    page.get_by_role("button", name=w["save"]).click()
    page.wait_for_url("**/lost-found/item/**")
    step("2-item")

    # On the phone: the caller gets two answers wrong and learns only that it is not verified.
    page.fill("#claimant_name", "de Waard R")
    page.fill("input[name^=answer_] >> nth=0", "Rabobank")
    page.select_option("select[name^=answer_]", "red")
    page.get_by_role("button", name=w["check"]).click()
    page.locator("#claim-result").wait_for()
    result = page.locator("#claim-result").inner_text()
    assert w["failed"] in result and w["left"] in result
    assert page.locator("#claimant_name").input_value() == "de Waard R"  # kept; the answers are not
    assert page.locator("input[name^=answer_] >> nth=0").input_value() == ""
    step("3-failed")

    # "Call back at two": a call-back for now, owned by whoever plans it.
    zone = ZoneInfo("Europe/Amsterdam")
    page.fill("#due_at", datetime.now(zone).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#note", "14:00")
    page.get_by_role("button", name=w["callback"]).click()
    page.wait_for_url("**#actions")
    page.locator("#lf-due-badge-slot .lf-due-badge").wait_for()  # the header's count, asked for by every page
    assert w["todo"] in page.locator("#lf-due-badge-slot").inner_text()

    # The owner calls back and answers the way people say it.
    page.fill("#claimant_name", "R. de Waard")
    page.fill("input[name^=answer_] >> nth=0", "ING Bank")
    page.select_option("select[name^=answer_]", "orange")
    page.fill("input[name^=answer_] >> nth=1", "de Waard R")
    page.fill("input[name^=answer_] >> nth=2", "48 21")
    page.get_by_role("button", name=w["check"]).click()
    page.locator("#claim-result").get_by_text(w["verified"]).wait_for()
    step("4-verified")

    page.fill("#post-postal_address", "Lindelaan 7\n3571 AB Utrecht")
    page.fill("#post-email", "remco@example.org")
    page.select_option("#post-language", language)
    page.get_by_role("button", name=w["post"]).click()
    page.get_by_role("button", name=w["posted"]).wait_for()
    page.fill("#carrier", "PostNL")
    page.fill("#tracking", "3SHOEK123")
    page.get_by_role("button", name=w["posted"]).click()
    page.wait_for_url("**/aftercare")
    assert page.locator("#subject").input_value() == w["subject"]
    body = page.locator("#body").input_value()
    assert w["quoted"] in body and RESTAURANT in body
    page.fill("#body", body + "\n\nP.S. We wish you a good day.")
    step("5-aftercare")
    page.get_by_role("button", name=w["send"]).click()
    page.wait_for_url("**/lost-found/item/**")
    assert w["sent"] in page.locator("#toasts").inner_text()

    page.fill("#reply_note", "Arrived, thank you")
    page.fill("#personal_note", "Fijn dat hij weer thuis is! / Glad it is home again!")
    page.get_by_role("button", name=w["close"]).click()
    page.wait_for_url("**/lost-found/item/**")
    assert w["returned"] in page.locator("#lf-state").inner_text()
    page.locator("#timeline details").first.click()
    step("6-returned")

    assert len(mail_server.messages) == 2
    (to_aftercare, aftercare), (to_note, note) = mail_server.messages
    assert to_aftercare == to_note == ["remco@example.org"]
    for message in (aftercare, note):
        [sender] = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (RESTAURANT, "info@hoekje.nl")
        assert message["Reply-To"].addresses[0].addr_spec == "info@hoekje.nl"
    assert aftercare["Subject"] == w["subject"] and "We wish you a good day." in aftercare.get_content()
    assert note["Subject"].startswith(w["note_subject"])
    assert note.get_content().startswith(w["greeting"]) and "Glad it is home again!" in note.get_content()
