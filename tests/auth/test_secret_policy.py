"""New passwords are not common ones; new PINs are not easy to guess and nobody else's."""
from __future__ import annotations

import pytest

from hostdesk.auth.models import Role, User
from hostdesk.auth.passwords import verify_secret
from hostdesk.auth.policy import is_common_password, is_weak_pin
from hostdesk.extensions import db
from tests.conftest import PINS

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("password", ["password1", "qwertyuiop", "iloveyou", "Welkom01", "Football!", "sunshine"])
def test_common_passwords_are_refused_for_new_users_and_new_passwords(manager_client, users, password):
    new = {"username": "lotte", "display_name": "Lotte", "role": "staff", "password": password, "language": ""}
    refused = manager_client.post("/manager/users", data=new, headers=EN)
    assert refused.status_code == 422 and "list of common passwords" in refused.get_data(as_text=True)
    host = users[Role.HOST]
    refused = manager_client.post(f"/manager/users/{host}/password", data={"new_password": password}, headers=EN)
    assert refused.status_code == 422 and "list of common passwords" in refused.get_data(as_text=True)


def test_an_uncommon_password_is_accepted():
    assert not is_common_password("tafel-zeven-bij-het-raam")
    assert is_common_password("PASSWORD") and is_common_password("monkey123")


EASY_PINS = ["1234", "0000", "4321", "123456", "987654", "1990", "2026", "1900", "2099", "1212", "123123", "5555"]


@pytest.mark.parametrize("pin", EASY_PINS)
def test_easy_pins_are_refused(manager_client, users, pin):
    assert is_weak_pin(pin)
    refused = manager_client.post(f"/manager/users/{users[Role.HOST]}/pin", data={"new_pin": pin}, headers=EN)
    assert refused.status_code == 422 and "too easy to guess" in refused.get_data(as_text=True)


@pytest.mark.parametrize("pin", ["4826", "80514", "1357", "2468", "7391", "1899", "2100"])
def test_other_pins_are_not_easy(pin):
    assert not is_weak_pin(pin)


def test_two_people_may_not_share_a_pin(app, manager_client, host_client, users):
    staff_pin = PINS[Role.STAFF]
    refused = manager_client.post(f"/manager/users/{users[Role.HOST]}/pin", data={"new_pin": staff_pin}, headers=EN)
    assert refused.status_code == 422 and "Someone else already has this PIN" in refused.get_data(as_text=True)
    own = host_client.post("/manager/me/pin", data={"current_password": "host-pass-1", "new_pin": staff_pin},
                           headers=EN)
    assert own.status_code == 422
    new = {"username": "lotte", "display_name": "Lotte", "role": "staff", "password": "lotte-pass-1",
           "pin": PINS[Role.MANAGER], "language": ""}
    assert manager_client.post("/manager/users", data=new, headers=EN).status_code == 422
    # Keeping one's own PIN is no clash.
    assert manager_client.post(f"/manager/users/{users[Role.HOST]}/pin", data={"new_pin": PINS[Role.HOST]}
                               ).status_code == 302
    with app.app_context():
        host = db.session.get(User, users[Role.HOST])
        assert verify_secret(host.pin_hash, PINS[Role.HOST])
