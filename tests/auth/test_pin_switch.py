from datetime import timedelta

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Device, Role
from hostdesk.extensions import db
from hostdesk.settings import Settings
from tests.conftest import PASSWORDS, PINS, login


def enrolled_tablet(app):
    client = app.test_client()
    response = login(client, "host", PASSWORDS[Role.HOST], shared_tablet="y", device_name="Host stand")
    assert response.status_code == 302
    return client


def switch(client, user_id, pin):
    return client.post("/switch", data={"user_id": str(user_id), "pin": pin})


def test_person_switches_with_pin_and_actions_are_theirs(app, users):
    tablet = enrolled_tablet(app)
    assert tablet.post("/switch/leave").headers["Location"] == "/switch"
    assert tablet.get("/host/").headers["Location"] == "/switch"
    page = tablet.get("/switch").get_data(as_text=True)
    assert "Staff" in page and "Host" in page
    cookie_before = tablet.get_cookie("hostdesk").value
    assert switch(tablet, users[Role.STAFF], PINS[Role.STAFF]).status_code == 302
    assert tablet.get_cookie("hostdesk").value != cookie_before  # a new session
    assert tablet.get("/lost-found/").status_code == 200
    assert tablet.get("/host/").status_code == 403  # staff does not reach the host screen
    with app.app_context():
        pin_login = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "login.pin")).one()
        assert pin_login.actor_id == users[Role.STAFF]


def test_switch_times_out_back_to_the_device(app, users, frozen):
    tablet = enrolled_tablet(app)
    switch(tablet, users[Role.HOST], PINS[Role.HOST])
    assert tablet.get("/host/").status_code == 200
    idle = Settings().pin_idle_minutes
    clock.advance(timedelta(minutes=idle - 1))
    assert tablet.get("/host/").status_code == 200
    clock.advance(timedelta(minutes=idle, seconds=1))
    assert tablet.get("/host/").headers["Location"] == "/switch"


def test_wrong_pin_is_refused_and_five_send_the_tablet_to_full_login(app, users):
    tablet = enrolled_tablet(app)
    tablet.post("/switch/leave")
    for _ in range(4):
        response = switch(tablet, users[Role.HOST], "9999")
        assert response.status_code == 401
        assert "Wrong PIN" in response.get_data(as_text=True) or "Verkeerde pincode" in response.get_data(as_text=True)
    response = switch(tablet, users[Role.HOST], "9999")
    assert response.status_code == 401
    assert 'name="password"' in response.get_data(as_text=True)
    assert tablet.get("/switch").headers["Location"] == "/login"
    with app.app_context():
        assert db.session.scalars(sa.select(Device)).one().revoked_at is not None


def test_bad_pin_input_gets_a_message_not_an_error(app, users):
    tablet = enrolled_tablet(app)
    tablet.post("/switch/leave")
    for data in ({"user_id": "x", "pin": "1"}, {"user_id": "999999", "pin": "1234"}, {"pin": "\x00" * 3}, {}):
        response = tablet.post("/switch", data=data)
        assert response.status_code in (401, 422), data


def test_without_a_device_switch_goes_to_login(app, users):
    assert app.test_client().get("/switch").headers["Location"] == "/login"
