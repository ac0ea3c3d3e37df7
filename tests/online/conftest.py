"""Online booking's tests: the small floor of the host screen's tests, online booking switched on,
and a real SMTP server (aiosmtpd) that keeps what it receives."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller

from hostdesk.settings import update_settings
from tests.lostfound.test_mail import Inbox, free_port
from tests.reservations.conftest import actors, floor, make_res  # noqa: F401  (fixtures used here too)

SATURDAY = date(2026, 11, 21)  # the day after the frozen Friday evening


def at(hhmm: str, day: date = SATURDAY) -> datetime:
    """A local (Amsterdam, winter: UTC+1) time of a day, in UTC."""
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=timezone.utc) - timedelta(hours=1)


@pytest.fixture
def online(app_ctx, floor, users):  # noqa: F811  (the floor fixture imported above)
    """Online booking on, up to 6 guests online, 2 hours' cut-off, the restaurant's number."""
    update_settings(None, online_booking=True, online_max_party=6, online_cutoff_hours=2, online_horizon_days=30,
                    restaurant_phone="020 123 4567", online_public_url="https://book.example.nl")
    from hostdesk.extensions import db

    db.session.commit()
    return floor


@pytest.fixture
def smtp_server(app_ctx):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    update_settings(None, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls=False,
                    smtp_sender="gastheer@degoudenlepel.nl")
    from hostdesk.extensions import db

    db.session.commit()
    yield inbox
    controller.stop()


@pytest.fixture
def client(app):
    """A guest's browser: no login."""
    return app.test_client()
