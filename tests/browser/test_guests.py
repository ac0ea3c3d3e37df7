"""Guests in the loop, in Chromium: a waitlist guest on a phone (390x844) follows their live page
until "your table is ready" while the host tablet (1024x768) adds and calls them, with texts to a
local stand-in of Twilio's API and mails to aiosmtpd shown on the card; and a guest's /lost report
that staff see, match, and that the guest's status page and mail follow. Dutch and English; axe-core
on every page. Screenshots in tests/browser/screenshots/guests-*.png."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from hostdesk import clock
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.lostfound.mail import send_outbox
from hostdesk.lostfound.models import Category, ItemState, QuestionKind
from hostdesk.lostfound.operations import NewItem, NewQuestion, register_found_item
from hostdesk.reservations.models import Reservation
from hostdesk.settings import update_settings
from tests.browser.test_lostfound import mail_server  # noqa: F401  (aiosmtpd, with the restaurant's settings)
from tests.sms_standin import TwilioStandIn

PHONE = (390, 844)
WORDS = {
    "nl": dict(locale="nl-NL", walk_in="Walk-in", wait="Op de wachtlijst", link="Link voor de gast",
               call="Oproepen", place="U bent nummer", ready="Uw tafel is klaar!", called="Zojuist geroepen",
               text="u staat op de wachtlijst", ready_text="uw tafel is klaar", subject="U staat op de wachtlijst",
               send="Melding versturen", looking="We zoeken ernaar.", maybe="We hebben het misschien",
               link_item="Dit kan het zijn: gast benaderen", mail="We hebben misschien uw",
               left="Nog ongeveer"),
    "en": dict(locale="en-GB", walk_in="Walk-in", wait="Add to waitlist", link="Guest link", call="Call",
               place="You are number", ready="Your table is ready!", called="Called just now",
               text="you are on the waitlist", ready_text="your table is ready", subject="You are on the waitlist",
               send="Send report", looking="We are looking.", maybe="We may have it",
               link_item="This may be it: contact the guest", mail="We may have found your", left="About"),
}


@pytest.fixture
def standin(app, users):
    with TwilioStandIn() as stand_in:
        with app.app_context():
            update_settings(None, **stand_in.settings())
            db.session.commit()
        yield stand_in


def _floor(app) -> None:
    """One table, taken: the walk-in can only wait."""
    with app.app_context():
        area = Area(name="Raam", position=1)
        db.session.add_all([area, Table(name="12", area=area, min_seats=1, max_seats=2, position=1)])
        db.session.commit()


@pytest.mark.parametrize("language", WORDS)
def test_a_waitlist_guest_follows_their_page_until_the_host_calls_them(
        language, app, live_server, tablet_page, new_context, standin, mail_server, check_axe, screenshot):  # noqa: F811
    import zxingcpp

    words = WORDS[language]
    _floor(app)
    host = tablet_page(Role.HOST, (1024, 768), words["locale"])
    host.goto(f"{live_server}/host/")
    host.click(f"a:has-text('{words['walk_in']}')")
    host.click("#dialog a.btn-large:text-is('2')")
    host.fill("#walkin-name", "Visser")
    host.fill("#dialog #quoted_wait", "20")
    host.fill("#dialog #phone", "06 1234 5678")
    host.fill("#dialog #email", "visser@example.org")
    host.select_option("#dialog #language", language)
    host.click(f"#dialog button:has-text('{words['wait']}')")
    host.locator(".wait-card:has-text('Visser')").wait_for()
    with app.app_context():
        party = db.session.scalars(sa.select(Reservation).where(Reservation.name == "Visser")).one()
        party_id, token = party.id, party.guest_token
    card = host.locator(f"#res-{party_id}")
    card.locator('[data-channel="sms"][data-delivery="sent"]').wait_for()
    card.locator('[data-channel="email"][data-delivery="sent"]').wait_for()
    assert standin.messages[0]["To"] == "+31612345678" and words["text"] in standin.messages[0]["Body"]
    assert mail_server.messages[0][1]["Subject"].startswith(words["subject"])
    screenshot(host, f"guests-{language}-1-host-card")
    check_axe(host, "host board with a waitlist card")

    card.locator(f"a:has-text('{words['link']}')").click()
    qr = host.locator("#dialog .guest-qr svg")
    qr.wait_for()
    link = host.locator("#dialog .guest-qr").get_attribute("data-link")
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert decoded.text == link and link.endswith(f"/w/{token}")
    screenshot(host, f"guests-{language}-2-host-qr")
    check_axe(host, "guest link dialog")
    host.locator("#dialog [data-dismiss]").first.click()

    guest = new_context(PHONE, words["locale"]).new_page()
    guest.goto(link)
    assert guest.locator("[data-place]").inner_text() == "1"
    assert words["place"] in guest.locator("#guest-live").inner_text()
    guest.locator(f"[data-deadline]:has-text('{words['left']} 20 min')").wait_for()
    screenshot(guest, f"guests-{language}-3-guest-waiting")
    check_axe(guest, "guest waiting page")

    card.locator("button[data-action='call']").click()
    host.locator(f"#res-{party_id} .called-line:has-text('{words['called']}')").wait_for()
    host.locator(f'#res-{party_id} [data-kind="ready"][data-channel="sms"][data-delivery="sent"]').wait_for()
    guest.locator(f"#guest-live:has-text('{words['ready']}')").wait_for(timeout=8000)  # its next poll
    assert words["ready_text"] in standin.messages[-1]["Body"] and len(standin.messages) == 2
    assert len(mail_server.messages) == 2
    screenshot(guest, f"guests-{language}-4-guest-ready")
    screenshot(host, f"guests-{language}-5-host-called")
    check_axe(guest, "guest ready page")
    assert not guest.locator("form[action$='/leave']").count()


@pytest.mark.parametrize("language", WORDS)
def test_a_lost_report_from_a_phone_is_matched_by_staff_and_the_guest_follows_it(
        language, app, live_server, tablet_page, new_context, mail_server, check_axe, screenshot):  # noqa: F811
    words = WORDS[language]
    with app.app_context():
        register_found_item(None, NewItem(
            category=Category.UMBRELLA, description="umbrella with a wooden handle", storage_location="cloakroom",
            found_at=clock.utcnow() - timedelta(hours=2), where_found="terrace",
            questions=[NewQuestion("Colour", QuestionKind.CHOICE, "zwart")]))
        db.session.commit()
    guest = new_context(PHONE, words["locale"]).new_page()
    guest.goto(f"{live_server}/lost")
    check_axe(guest, "lost form")
    guest.select_option("#category", "umbrella")
    guest.fill("#what", "paraplu" if language == "nl" else "umbrella")
    guest.fill("#where", "terras" if language == "nl" else "terrace")
    guest.fill("#details", "zwart, houten handvat" if language == "nl" else "black, wooden handle")
    guest.fill("#name", "Ann Smit")
    guest.fill("#email", "ann@example.org")
    screenshot(guest, f"guests-{language}-6-lost-form")
    guest.wait_for_timeout(3200)  # a person takes a few seconds: the minimum fill time
    guest.click(f"button:has-text('{words['send']}')")
    guest.locator(f"[data-state='open']:has-text('{words['looking']}')").wait_for()
    reference = guest.locator("[data-reference]").inner_text()
    status_url = guest.url.split("?")[0]
    screenshot(guest, f"guests-{language}-7-lost-status")
    check_axe(guest, "lost status page")

    staff = tablet_page(Role.STAFF, (1024, 768), words["locale"])
    staff.goto(f"{live_server}/lost-found/reports")
    staff.click(f"li:has-text('{reference}') a")
    screenshot(staff, f"guests-{language}-8-staff-report")
    staff.click(f"button:has-text('{words['link_item']}')")
    staff.wait_for_load_state("networkidle")
    with app.app_context():
        assert send_outbox() == "1 sent, 0 not sent"  # the outbox job's next run
        db.session.commit()
    [(recipients, mail)] = mail_server.messages
    assert recipients == ["ann@example.org"] and mail["Subject"].startswith(words["mail"])
    assert reference in mail["Subject"] and "cloakroom" not in mail.get_content()
    guest.goto(status_url)
    guest.locator(f"[data-state='matched']:has-text('{words['maybe']}')").wait_for()
    assert "wooden handle" not in guest.content().replace("black, wooden handle", "")
    screenshot(guest, f"guests-{language}-9-lost-matched")
    with app.app_context():
        from hostdesk.lostfound.models import FoundItem
        assert db.session.scalars(sa.select(FoundItem.state)).one() is ItemState.IN_STORAGE
