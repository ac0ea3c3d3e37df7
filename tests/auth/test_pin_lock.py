"""Guessing a colleague's PIN: wrong PINs count per person across every tablet and are never reset
by somebody else's success; five lock that person's PIN until a password sign-in or a manager's reset."""
from __future__ import annotations

import sqlalchemy as sa

from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, PINS, login


def enrolled_tablet(app, name="Host stand"):
    client = app.test_client()
    assert login(client, "host", PASSWORDS[Role.HOST], shared_tablet="y", device_name=name).status_code == 302
    client.post("/switch/leave")
    return client


def switch(client, user_id, pin):
    return client.post("/switch", data={"user_id": str(user_id), "pin": pin}, headers={"Accept-Language": "en"})


def entries(app, action):
    with app.app_context():
        return [e.changes for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                                                      .order_by(AuditEntry.id))]


def test_four_wrong_then_own_pin_does_not_reset_the_count_for_the_person_tried(app, users):
    manager = users[Role.MANAGER]
    tablet = enrolled_tablet(app)
    guesses = iter(f"{n:04d}" for n in range(4000, 4100))
    wrong = 0
    for _round in range(2):
        for _ in range(2):
            assert switch(tablet, manager, next(guesses)).status_code in (401, 423)
            wrong += 1
        assert switch(tablet, users[Role.HOST], PINS[Role.HOST]).status_code == 302  # the host's own PIN
        tablet.post("/switch/leave")
    second = enrolled_tablet(app, "Bar")  # a re-enrolled tablet starts no fresh count for the person
    while wrong < 5:
        response = switch(second, manager, next(guesses))
        wrong += 1
    assert response.status_code == 423
    assert "locked" in response.get_data(as_text=True)
    # Locked: even the right PIN is refused, on any tablet.
    third = enrolled_tablet(app, "Terrace")
    refused = switch(third, manager, PINS[Role.MANAGER])
    assert refused.status_code == 423 and "Sign in with your password" in refused.get_data(as_text=True)
    failed = entries(app, "pin.failed")
    assert len(failed) == 5 and {f["person"] for f in failed} == {"manager"}
    assert {f["tablet"] for f in failed} == {"Host stand", "Bar"}
    assert [f["person_failures"] for f in failed] == [1, 2, 3, 4, 5]
    locked = entries(app, "pin.locked")
    assert len(locked) == 1 and locked[0]["tablet"] == "Bar" and locked[0]["person"] == "manager"
    assert entries(app, "pin.refused_locked")[-1]["tablet"] == "Terrace"
    # The other people on the tablets are not affected.
    assert switch(third, users[Role.HOST], PINS[Role.HOST]).status_code == 302


def test_a_password_sign_in_or_a_managers_new_pin_lifts_the_lock(app, users):
    manager, host = users[Role.MANAGER], users[Role.HOST]
    with app.app_context():
        for person in (manager, host):
            db.session.get(User, person).pin_failures = 5
            db.session.get(User, person).pin_locked_at = db.func.now()
        db.session.commit()
    tablet = enrolled_tablet(app)  # the host signed in with a password: the host's lock is lifted
    assert switch(tablet, host, PINS[Role.HOST]).status_code == 302
    tablet.post("/switch/leave")
    assert switch(tablet, manager, PINS[Role.MANAGER]).status_code == 423
    desk = app.test_client()
    assert login(desk, "manager", PASSWORDS[Role.MANAGER]).status_code == 302
    page = desk.get(f"/manager/users/{users[Role.STAFF]}", headers={"Accept-Language": "en"})
    assert "The PIN is locked" not in page.get_data(as_text=True)
    assert switch(tablet, manager, PINS[Role.MANAGER]).status_code == 302
    with app.app_context():
        staff = db.session.get(User, users[Role.STAFF])
        staff.pin_failures, staff.pin_locked_at = 5, db.func.now()
        db.session.commit()
    page = desk.get(f"/manager/users/{users[Role.STAFF]}", headers={"Accept-Language": "en"})
    assert "The PIN is locked" in page.get_data(as_text=True)
    assert desk.post(f"/manager/users/{users[Role.STAFF]}/pin", data={"new_pin": "80514"}).status_code == 302
    tablet.post("/switch/leave")
    assert switch(tablet, users[Role.STAFF], "80514").status_code == 302


def test_a_password_sign_in_resets_the_persons_wrong_pin_count(app, users):
    host = users[Role.HOST]
    with app.app_context():
        db.session.get(User, host).pin_failures = 4  # one wrong PIN short of the lock
        db.session.commit()
    tablet = enrolled_tablet(app)  # the host signs in with a password
    with app.app_context():
        person = db.session.get(User, host)
        assert (person.pin_failures, person.pin_locked_at) == (0, None)
    assert entries(app, "pin.unlocked") == [{"by": "password"}]
    guesses = iter(["4000", "4001", "4002", "4003"])
    for _ in range(4):  # four wrong PINs count from zero again: no lock yet
        assert switch(tablet, host, next(guesses)).status_code == 401
    assert switch(tablet, host, PINS[Role.HOST]).status_code == 302
    assert entries(app, "pin.locked") == []
