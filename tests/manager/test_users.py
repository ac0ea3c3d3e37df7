import sqlalchemy as sa

from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Role, User
from hostdesk.auth.passwords import verify_secret
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, login

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def get_user(app, username):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        db.session.expunge_all()
        return user


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


NEW = {"username": "lotte", "display_name": "Lotte", "role": "staff", "password": "lotte-pass-1", "pin": "4867",
       "language": "en"}


def test_list_and_create_user(app, manager_client):
    page = manager_client.get("/manager/users", headers=EN).get_data(as_text=True)
    assert "Host" in page and "Staff" in page
    response = manager_client.post("/manager/users", data=NEW)
    lotte = get_user(app, "lotte")
    assert response.status_code == 302 and response.headers["Location"] == "/manager/users"
    assert (lotte.role, lotte.language, lotte.active) == (Role.STAFF, "en", True)
    assert verify_secret(lotte.pin_hash, "4867")
    assert "user.create" in actions(app)
    assert login(app.test_client(), "lotte", "lotte-pass-1").status_code == 302


def test_create_user_refusals_keep_input_and_store_nothing(app, manager_client):
    cases = [
        ({"username": "host"}, "The user name host is taken.", "De gebruikersnaam host is al in gebruik."),
        ({"username": "Bad Name!"}, "A user name is 2 to 40", "Een gebruikersnaam"),
        ({"password": "short"}, "A password needs at least 8 characters.",
         "Een wachtwoord heeft minstens 8 tekens nodig."),
        ({"pin": "12a"}, "A PIN is 4 to 6 digits.", "Een pincode bestaat uit 4 tot 6 cijfers."),
        ({"role": "admin"}, "Not a valid choice", "Ongeldige keuze"),
        ({"display_name": ""}, "This field is required.", "Dit veld is vereist."),
    ]
    for change, english, dutch in cases:
        for headers, message in ((EN, english), (NL, dutch)):
            response = manager_client.post("/manager/users", data={**NEW, **change}, headers=headers)
            assert response.status_code == 422, change
            page = response.get_data(as_text=True)
            assert message in page, (change, message)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 3
    assert actions(app).count("user.create") == 3  # only the fixtures


def test_edit_role_name_and_language(app, manager_client, users):
    host_id = users[Role.HOST]
    response = manager_client.post(f"/manager/users/{host_id}",
                                   data={"display_name": "Sanne", "role": "staff", "language": "nl"})
    assert response.status_code == 302 and response.headers["Location"] == f"/manager/users/{host_id}"
    host = get_user(app, "host")
    assert (host.display_name, host.role, host.language) == ("Sanne", Role.STAFF, "nl")
    assert "user.update" in actions(app)
    assert manager_client.get("/manager/users/99999").status_code == 404


def test_deactivate_and_activate(app, manager_client, users):
    host_id = users[Role.HOST]
    off = manager_client.post(f"/manager/users/{host_id}/active")
    assert off.status_code == 302 and off.headers["Location"] == f"/manager/users/{host_id}"
    assert get_user(app, "host").active is False
    assert login(app.test_client(), "host", PASSWORDS[Role.HOST]).status_code == 401
    manager_client.post(f"/manager/users/{host_id}/active")
    assert get_user(app, "host").active is True
    assert [a for a in actions(app) if a.startswith("user.")][-2:] == ["user.deactivate", "user.activate"]


def test_manager_cannot_deactivate_self(app, manager_client, users):
    manager_id = users[Role.MANAGER]
    response = manager_client.post(f"/manager/users/{manager_id}/active", headers={"Referer": "/manager/users", **EN})
    assert response.status_code == 302
    assert get_user(app, "manager").active is True
    page = manager_client.get("/manager/users", headers=EN).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page


def test_reset_password_and_pin(app, manager_client, users):
    host_id = users[Role.HOST]
    response = manager_client.post(f"/manager/users/{host_id}/password", data={"new_password": "brand-new-pass"})
    assert response.status_code == 302 and response.headers["Location"] == f"/manager/users/{host_id}"
    response = manager_client.post(f"/manager/users/{host_id}/pin", data={"new_pin": "98145"})
    assert response.status_code == 302 and response.headers["Location"] == f"/manager/users/{host_id}"
    host = get_user(app, "host")
    assert verify_secret(host.password_hash, "brand-new-pass") and verify_secret(host.pin_hash, "98145")
    bad = manager_client.post(f"/manager/users/{host_id}/password", data={"new_password": "x"}, headers=EN)
    assert bad.status_code == 422 and "at least 8 characters" in bad.get_data(as_text=True)
    bad = manager_client.post(f"/manager/users/{host_id}/pin", data={"new_pin": "12"}, headers=EN)
    assert bad.status_code == 422 and "A PIN is 4 to 6 digits." in bad.get_data(as_text=True)
    assert verify_secret(get_user(app, "host").pin_hash, "98145")


def test_host_cannot_manage_users(host_client, users):
    assert host_client.get("/manager/users").status_code == 403
    assert host_client.post(f"/manager/users/{users[Role.STAFF]}/active").status_code == 403


def test_own_page_for_every_role(app, client_for):
    for role in Role:
        page = client_for(role).get("/manager/me", headers=EN)
        assert page.status_code == 200
        assert f"<h1>My account: {role.value.title()}</h1>" in page.get_data(as_text=True)


def test_change_own_password_pin_and_language(app, host_client):
    def change(current, new, repeat, headers=EN):
        return host_client.post("/manager/me/password", headers=headers, data={
            "current_password": current, "new_password": new, "repeat_password": repeat})

    wrong = change("nope-nope", "new-host-pass", "new-host-pass")
    assert wrong.status_code == 422 and "Your current password is not right." in wrong.get_data(as_text=True)
    differ = change(PASSWORDS[Role.HOST], "new-host-pass", "other", headers=NL)
    assert differ.status_code == 422 and "De twee nieuwe wachtwoorden verschillen." in differ.get_data(as_text=True)
    assert change(PASSWORDS[Role.HOST], "new-host-pass", "new-host-pass").status_code == 302
    assert verify_secret(get_user(app, "host").password_hash, "new-host-pass")
    response = host_client.post("/manager/me/pin", data={"current_password": "new-host-pass", "new_pin": "5827"})
    assert response.status_code == 302
    assert verify_secret(get_user(app, "host").pin_hash, "5827")
    assert host_client.post("/manager/me/language", data={"language": "en"}).status_code == 302
    assert get_user(app, "host").language == "en"
    page = host_client.get("/manager/me").get_data(as_text=True)
    assert "Change my password" in page
    assert host_client.post("/manager/me/language", data={"language": "fr"}).status_code == 422


def test_name_in_the_top_bar_links_to_the_own_page(staff_client):
    page = staff_client.get("/manager/me", headers=EN).get_data(as_text=True)
    assert 'href="/manager/me"' in page
    assert "My account" in page
