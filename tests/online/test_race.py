"""Two guests take the last free table at the same moment from two browsers: one gets it, the other
is offered the next free times. Real commits through a live server (CSRF on), on SQLite and PostgreSQL."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from html import unescape

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.reservations.models import Reservation
from hostdesk.settings import update_settings
from tests.reliability.fixtures import server  # noqa: F401  (the live server fixture)
from tests.reliability.http import Client

from .conftest import SATURDAY

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
STARTED = re.compile(r'name="started" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="started"')


def _field(pattern, page: str) -> str:
    found = pattern.search(page)
    return unescape(found.group(1) or found.group(2))


def test_two_guests_book_the_last_table_at_once_one_gets_it_the_other_gets_the_next_times(
        frozen, online, server):  # noqa: F811
    update_settings(None, online_table_ids=[online["10"].id])
    db.session.commit()
    day = SATURDAY.isoformat()
    guests = [Client(server, "en"), Client(server, "nl")]
    forms = []
    for n, guest in enumerate(guests):
        page = guest.get(f"/book?day={day}&party_size=2").body
        forms.append({"csrf_token": _field(CSRF, page), "started": _field(STARTED, page), "website": "",
                      "day": day, "party_size": "2", "time": "19:00", "name": f"Guest {n}",
                      "phone": f"06123456{n}0", "email": f"guest{n}@example.nl"})
    clock.advance(timedelta(seconds=10))
    barrier = threading.Barrier(2)

    def post(n):
        barrier.wait(timeout=30)
        return guests[n].post("/book", forms[n], htmx=False)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(post, range(2)))
    statuses = sorted(a.status for a in answers)
    assert statuses == [302, 409], [(a.status, a.body[:300]) for a in answers]
    loser = next(n for n, a in enumerate(answers) if a.status == 409)
    body = answers[loser].body
    assert ("These times are still free" if loser == 0 else "Deze tijden zijn nog vrij") in body
    assert 'value="20:30"' in body and 'value="19:00"' not in body  # the next free time, not the taken one
    assert f'value="Guest {loser}"' in body  # what the guest typed is kept
    db.session.expire_all()
    booked = list(db.session.scalars(sa.select(Reservation)))
    assert len(booked) == 1 and booked[0].name == f"Guest {1 - loser}"
