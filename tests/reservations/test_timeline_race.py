"""Two tablets moving bookings on the timeline at the same moment: into one free slot, or the same
booking to two places. Exactly one wins; the other gets a 409 naming what happened; nothing is
double-booked; never a 500. Real commits on SQLite or PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import threading
from collections import Counter

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.reservations.models import Assignment, Reservation

from .test_availability import at
from .test_timeline import move_form

TABLETS = 2


def _race(clients, posts) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(posts))
    answers: list[tuple[int, str]] = []

    def tablet(client, url, data) -> None:
        barrier.wait()
        response = client.post(url, data=data, headers={"HX-Request": "true", "Accept-Language": "en"})
        answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=tablet, args=(c, url, data)) for c, (url, data) in zip(clients, posts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def test_two_tablets_move_two_bookings_into_one_free_slot(frozen, floor, make_res, client_for):
    first = make_res(name="Mol", size=2, at=at("20:00"), tables=[floor["1"]])
    second = make_res(name="Kok", size=2, at=at("20:00"), tables=[floor["2"]])
    clients = [client_for(Role.HOST) for _ in range(TABLETS)]
    answers = _race(clients, [(f"/host/timeline/move/{r.id}", move_form(r, floor["10"], "20:00"))
                              for r in (first, second)])
    assert Counter(status for status, _ in answers) == {200: 1, 409: 1}, answers
    loser = next(body for status, body in answers if status == 409)
    assert "Table 10 is already booked from 20:00" in loser
    db.session.rollback()
    on_ten = db.session.scalars(db.select(Assignment).where(Assignment.table_id == floor["10"].id)).all()
    assert len(on_ten) == 1


def test_two_tablets_move_the_same_booking_to_two_places(frozen, floor, make_res, client_for):
    res = make_res(name="Mol", size=2, at=at("20:00"), tables=[floor["1"]])
    clients = [client_for(Role.HOST) for _ in range(TABLETS)]
    answers = _race(clients, [(f"/host/timeline/move/{res.id}", move_form(res, floor[name], hhmm))
                              for name, hhmm in (("2", "20:00"), ("3", "21:00"))])
    assert Counter(status for status, _ in answers) == {200: 1, 409: 1}, answers
    loser = next(body for status, body in answers if status == 409)
    assert "was just changed on another tablet by Host" in loser
    db.session.rollback()
    moved = db.session.get(Reservation, res.id)
    db.session.refresh(moved)
    assert moved.table_names in ("2", "3") and len(moved.assignments) == 1
