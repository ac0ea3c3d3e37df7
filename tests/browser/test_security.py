"""Issue 6 in the browser. The XSS corpus: no dialog opens, no stray request leaves, no CSP violation
is reported, on the pages and after an htmx swap brings the payload in. Claim pages leave nothing
in the browser's storage. The server-side checks are in tests/security."""
from __future__ import annotations

import sqlalchemy as sa

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.reservations.models import Reservation, State
from tests.security.test_secrets_scan import SECRETS, _secret_item
from tests.security.test_xss import inject
from tests.security.world import populate

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_no_dialog_no_stray_request_no_csp_violation(app, users, live_server, tablet_page, client_for):
    world = populate(app, users)
    inject(app)
    page = tablet_page(Role.MANAGER)
    page.add_init_script(WATCH)
    dialogs, stray, console = [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: stray.append(r.url) if not r.url.startswith(live_server)
            or r.url.split("?")[0].endswith("/x") else None)
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    item, card = world["items"]
    paths = ["/host/", "/host/floor/", "/host/bookings", "/lost-found/", f"/lost-found/item/{item}",
             f"/lost-found/item/{card}", f"/lost-found/item/{item}/label", "/lost-found/reports/1",
             "/lost-found/outbox", "/manager/lost-found", f"/manager/lost-found/{item}", "/manager/users",
             "/manager/settings"]
    violations = []
    for path in paths:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("body").count() == 1
        violations += page.evaluate("window.__violations")
    # An htmx swap brings the payload in: another tablet changes the board, this one polls it.
    page.goto(live_server + "/host/")
    page.wait_for_load_state("networkidle")
    arrived = world["parties"][State.ARRIVED]
    assert client_for(Role.HOST).post(f"/host/reservations/{arrived}/greet").status_code in (200, 302)
    page.wait_for_timeout(3000)  # two poll intervals: the fresh fragment is swapped in
    with app.app_context():
        assert db.session.scalar(sa.select(Reservation.state).where(Reservation.id == arrived)) is State.GREETED
    violations += page.evaluate("window.__violations")
    assert page.locator("img[src=x]").count() == 0  # the payload is text, not an element
    assert page.locator("[hx-get='/x']").count() == 0
    assert dialogs == [] and stray == [], (dialogs, stray)
    assert violations == [] and console == [], (violations, console)


def test_nothing_about_a_claim_in_browser_storage(app, users, live_server, tablet_page):
    item_id, _ = _secret_item(app, users[Role.STAFF])
    page = tablet_page(Role.STAFF)
    page.goto(f"{live_server}/lost-found/item/{item_id}")
    page.fill("input[name=claimant_name]", "Claimant Kwartelkoning")
    answers = page.locator("form.lf-verify input[name^=answer_]")
    for n in range(answers.count()):
        answers.nth(n).fill(list(SECRETS.values())[n % len(SECRETS)])
    page.click("form.lf-verify button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/lost-found/")
    page.go_back()
    page.wait_for_load_state("networkidle")
    stored = page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert "Kwartelkoning" not in stored and "htmx-history-cache" not in stored, stored
    for secret in SECRETS.values():
        assert secret not in stored, stored
