"""The poll's version token is the app's own writing: the card-number guard (security.py) must not
refuse it. "15287.29925494" (version 15287 in minute 29,925,494) is a Luhn-valid run of 13 digits;
the benchmark's tablet that held it got 422 on every poll and never saw the board change again."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.reservations import live
from hostdesk.reservations.models import BoardVersion
from hostdesk.security import holds_card_number

HX = {"HX-Request": "true"}
MINUTE = 29_925_494  # 2026-11-24 14:14 UTC, the minute it happened
STALE = "15287.29925494"


@pytest.fixture
def at_that_minute(app_ctx):
    clock.freeze(datetime.fromtimestamp(MINUTE * 60, tz=timezone.utc))
    live.bump()
    db.session.execute(sa.update(BoardVersion).values(version=15288))  # one change after the stale token
    db.session.commit()
    assert live.token() == "15288.29925494"
    assert holds_card_number(STALE) and not holds_card_number(live.token())  # the case as it happened


@pytest.mark.parametrize("path", ["/host/board/poll", "/host/floor/poll"])
def test_a_stale_token_that_looks_like_a_card_number_gets_the_board(at_that_minute, host_client_en, path):
    response = host_client_en.get(f"{path}?v={STALE}", headers=HX)
    assert response.status_code == 200
    assert "15288.29925494" in response.get_data(as_text=True)  # the fresh board, with its new token


def test_the_guard_still_refuses_a_card_number_elsewhere_in_the_poll(at_that_minute, host_client_en):
    response = host_client_en.get(f"/host/board/poll?v={STALE}&note=4111111111111111",
                               headers={**HX, "Accept-Language": "en"})
    assert response.status_code == 422 and "full card number" in response.get_data(as_text=True)


def test_the_same_value_is_refused_where_a_person_types_it(at_that_minute, host_client_en):
    """Only the poll's own argument is exempt, not every "v" and not every view."""
    for path in (f"/host/?v={STALE}", f"/host/board/poll?q={STALE}"):
        response = host_client_en.get(path, headers={**HX, "Accept-Language": "en"})
        assert response.status_code == 422, path
