"""Claim pages keep nothing in the browser: htmx's history cache is off, and after a verification
neither localStorage nor sessionStorage holds anything about the claim."""
from __future__ import annotations

import json
import re

import pytest

from hostdesk.auth.models import Role
from tests.conftest import PASSWORDS

from .test_secrets_scan import SECRETS, _secret_item

CONFIG = re.compile(r'<meta name="htmx-config" content=\'([^\']+)\'>')


def test_claim_page_turns_the_htmx_history_cache_off(app, users, client_for):
    item_id, _ = _secret_item(app, users[Role.STAFF])
    page = client_for(Role.STAFF).get(f"/lost-found/item/{item_id}").get_data(as_text=True)
    config = json.loads(CONFIG.search(page).group(1))
    assert config["historyCacheSize"] == 0  # htmx keeps no snapshot of the page in sessionStorage
    assert 'hx-history="true"' not in page
    for secret in SECRETS.values():
        assert secret not in page


@pytest.mark.browser
def test_nothing_about_a_claim_in_browser_storage(app, users, live_server, new_context):
    item_id, _ = _secret_item(app, users[Role.STAFF])
    page = new_context().new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORDS[Role.STAFF])
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
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
