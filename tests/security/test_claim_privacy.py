"""Claim pages keep nothing in the browser: htmx's history cache is off (the browser side, nothing in
localStorage or sessionStorage after a verification, is in tests/browser/test_security.py)."""
from __future__ import annotations

import json
import re

from hostdesk.auth.models import Role

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
