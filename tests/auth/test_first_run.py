"""A clean start: the first-run page (from the server itself, or with the console's one-time code),
and the demo band while the demo logins work."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from hostdesk import create_app
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db

TABLET = {"REMOTE_ADDR": "192.0.2.20"}
FIRST = {"username": "anna", "display_name": "Anna", "password": "a-long-pass-phrase",
         "repeat_password": "a-long-pass-phrase"}


@pytest.fixture
def empty_app(tmp_path, monkeypatch, database_url, app):
    """A new app process on an empty database (no user), with an instance folder of its own."""
    monkeypatch.setenv("HOSTDESK_INSTANCE_PATH", str(tmp_path / "instance"))
    fresh = create_app({"TESTING": True, "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": database_url,
                        "UPLOAD_FOLDER": str(tmp_path / "uploads"), "WTF_CSRF_ENABLED": False})
    with fresh.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    return fresh


def _code(app) -> str:
    result = app.test_cli_runner().invoke(args=["first-run-code"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_every_page_leads_to_the_first_run_page_until_a_manager_exists(empty_app):
    client = empty_app.test_client()
    for path in ("/", "/login", "/host/", "/manager/users"):
        assert client.get(path).headers["Location"] == "/setup", path
    assert client.get("/healthz").status_code == 200
    assert client.post("/setup", data=FIRST).headers["Location"] == "/login"  # from the server itself
    with empty_app.app_context():
        anna = db.session.scalar(sa.select(User).where(User.username == "anna"))
        assert anna.role is Role.MANAGER
    assert client.get("/setup").status_code == 404
    assert client.get("/login").status_code == 200


def test_from_a_tablet_only_with_the_one_time_code(empty_app):
    code = _code(empty_app)
    assert re.fullmatch(r"[0-9A-F]{5}-[0-9A-F]{5}", code)
    tablet = empty_app.test_client()
    page = tablet.get("/setup", environ_base=TABLET, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "One-time code" in page
    for wrong in ("", "00000-00000", code[:-1] + ("0" if code[-1] != "0" else "1")):
        refused = tablet.post("/setup", data={**FIRST, "code": wrong}, environ_base=TABLET)
        assert refused.status_code == 401
    # A proxy on the server itself does not make a request local.
    proxied = tablet.post("/setup", data=FIRST, headers={"X-Forwarded-For": "192.0.2.20"})
    assert proxied.status_code == 401
    with empty_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert tablet.post("/setup", data={**FIRST, "code": code.lower()}, environ_base=TABLET).status_code == 302
    assert not (Path(empty_app.instance_path) / "first_run_code").exists()


def test_guessing_the_one_time_code_is_slowed_down(empty_app):
    _code(empty_app)
    tablet = empty_app.test_client()
    answers = [tablet.post("/setup", data={**FIRST, "code": f"{n:05d}-00000"}, environ_base=TABLET).status_code
               for n in range(7)]
    assert answers == [401] * 5 + [429] * 2


def test_the_first_manager_gets_no_common_password(empty_app):
    answer = empty_app.test_client().post("/setup", data={**FIRST, "password": "password1", "repeat_password":
                                                          "password1"}, headers={"Accept-Language": "nl"})
    assert answer.status_code == 422
    assert "veelgebruikte wachtwoorden" in answer.get_data(as_text=True)


def test_the_demo_band_shows_while_a_demo_login_works(app):
    from hostdesk.demo import seed_users

    with app.app_context():
        seed_users()
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "manager", "password": "demo-manager"})
    page = client.get("/host/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Demo data." in page and "(host, manager, staff)" in page
    assert "Demo data." in app.test_client().get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for name in ("host", "staff"):
        user_id = _user_id(app, name)
        assert client.post(f"/manager/users/{user_id}/password", data={"new_password": "a-new-pass-phrase"}
                           ).status_code == 302
    page = client.get("/host/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "(manager)" in page
    assert client.post("/manager/me/password", data={"current_password": "demo-manager",
                                                      "new_password": "another-pass-phrase",
                                                      "repeat_password": "another-pass-phrase"}).status_code == 302
    assert "Demo data." not in app.test_client().get("/login").get_data(as_text=True)
    assert app.test_cli_runner().invoke(args=["demo-logins"]).exit_code == 1


def _user_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == name))
