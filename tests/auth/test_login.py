import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.auth.models import AuthSession, Role, User
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, login


def actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def test_login_and_logout(app, users):
    client = app.test_client()
    assert client.get("/host/").status_code == 302
    response = login(client, "host", PASSWORDS[Role.HOST])
    assert response.status_code == 302
    assert client.get("/host/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/host/").headers["Location"].startswith("/login")
    assert "login" in actions(app) and "session.logout" in actions(app)


def test_replayed_cookie_after_logout_is_refused(app, users):
    client = app.test_client()
    login(client, "host", PASSWORDS[Role.HOST])
    cookie = client.get_cookie("hostdesk").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("hostdesk", cookie)
    assert replay.get("/host/").status_code == 302


@pytest.mark.parametrize("username,password,status,message", [
    ("host", "wrong-pass-1", 401, "Unknown user name or wrong password."),
    ("nobody", "wrong-pass-1", 401, "Unknown user name or wrong password."),
    ("", "", 422, "This field is required."),
    ("host\x00", "x" * 10000, 422, "The request could not be understood."),
])
def test_unknown_user_and_wrong_password_get_the_same_answer(app, users, username, password, status, message):
    response = app.test_client().post("/login", data={"username": username, "password": password},
                                      headers={"Accept-Language": "en"})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_the_wrong_password_answer_is_in_dutch_for_a_dutch_browser(app, users):
    response = app.test_client().post("/login", data={"username": "host", "password": "wrong-pass-1"},
                                      headers={"Accept-Language": "nl"})
    body = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Onbekende gebruikersnaam" in body and "Unknown user name" not in body


def test_wrong_password_and_unknown_user_responses_are_identical(app, users):
    first = login(app.test_client(), "host", "wrong-pass-1")
    second = login(app.test_client(), "nobody", "wrong-pass-1")
    assert first.status_code == second.status_code == 401
    def strip(response):
        body = re.sub(r'"X-CSRFToken": "[^"]+"|name="csrf_token"[^>]*', "", response.get_data(as_text=True))
        return body.replace("host", "").replace("nobody", "")

    assert strip(first) == strip(second)


def test_failures_outside_the_window_do_not_add_up(app, users, frozen):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "host", "wrong-pass-1").status_code == 401
    assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 429  # this address waits ...
    clock.advance(timedelta(minutes=15, seconds=1))
    assert login(client, "host", "wrong-pass-1").status_code == 401  # ... for the window only
    assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 302


def test_deactivated_user_sessions_stop_at_once(app, users):
    client = app.test_client()
    login(client, "host", PASSWORDS[Role.HOST])
    assert client.get("/host/").status_code == 200
    with app.app_context():
        db.session.get(User, users[Role.HOST]).active = False
        db.session.commit()
    assert client.get("/host/").status_code == 302
    assert login(app.test_client(), "host", PASSWORDS[Role.HOST]).status_code == 401


def test_every_login_starts_a_new_session(app, users):
    client = app.test_client()
    login(client, "host", PASSWORDS[Role.HOST])
    first = client.get_cookie("hostdesk").value
    login(client, "host", PASSWORDS[Role.HOST])
    assert client.get_cookie("hostdesk").value != first
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuthSession.id))) == 2


def test_idle_and_absolute_session_limits(app, users, frozen):
    client = app.test_client()
    login(client, "host", PASSWORDS[Role.HOST])
    clock.advance(app.config["SESSION_IDLE_LIMIT"] + timedelta(seconds=1))
    assert client.get("/host/").status_code == 302
    login(client, "host", PASSWORDS[Role.HOST])
    elapsed, step = timedelta(0), timedelta(hours=11)
    while elapsed + step < app.config["SESSION_ABSOLUTE_LIMIT"]:
        clock.advance(step)
        elapsed += step
        assert client.get("/host/").status_code == 200  # in use, never idle
    clock.advance(step)
    assert client.get("/host/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "/\t/evil.example/", "/\n/evil.example/"])
def test_next_parameter_only_goes_to_this_site(app, users, target):
    client = app.test_client()
    response = client.post("/login", query_string={"next": target},
                           data={"username": "host", "password": PASSWORDS[Role.HOST]})
    assert response.headers["Location"] == "/"
    client = app.test_client()
    response = client.post("/login?next=/host/", data={"username": "host", "password": PASSWORDS[Role.HOST]})
    assert response.headers["Location"] == "/host/"


def test_deactivating_ends_the_sessions_and_reactivating_revives_none(app, users):
    host_id = users[Role.HOST]
    desk, tablet, manager = app.test_client(), app.test_client(), app.test_client()
    for client in (desk, tablet):
        assert login(client, "host", PASSWORDS[Role.HOST]).status_code == 302
        assert client.get("/host/").status_code == 200
    assert login(manager, "manager", PASSWORDS[Role.MANAGER]).status_code == 302
    assert manager.post(f"/manager/users/{host_id}/active").status_code == 302  # switched off
    with app.app_context():
        rows = db.session.scalars(sa.select(AuthSession).where(AuthSession.user_id == host_id)).all()
        assert len(rows) == 2 and all(row.ended_at is not None for row in rows)
    assert manager.post(f"/manager/users/{host_id}/active").status_code == 302  # and on again
    with app.app_context():
        assert db.session.get(User, host_id).active is True
    for client in (desk, tablet):  # the old cookies stay signed out
        response = client.get("/host/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert login(desk, "host", PASSWORDS[Role.HOST]).status_code == 302  # a new sign-in works
    assert desk.get("/host/").status_code == 200
