"""The chime when a greeting turns red is the manager's setting, off by default: the host screen and
the PIN screen carry the sound only when it is on, and no tablet has a switch of its own."""
from __future__ import annotations

from datetime import timedelta

from hostdesk.auth.models import Role
from hostdesk.reservations.models import State
from hostdesk.settings import Settings, get_settings, update_settings
from tests.conftest import PASSWORDS, login

SOUND = "sounds/greet-red.wav"


def _door(app):
    tablet = app.test_client()
    login(tablet, "host", PASSWORDS[Role.HOST], shared_tablet="y", device_name="Host stand")
    board = tablet.get("/host/").get_data(as_text=True)
    tablet.post("/switch/leave")
    return board, tablet.get("/host/door").get_data(as_text=True)


def test_the_sound_is_off_by_default_and_no_tablet_can_turn_it_on(frozen, floor, make_res, app, users):
    assert Settings().greet_red_sound is False
    make_res("Dekker", 2, frozen, State.ARRIVED, arrived_at=frozen - timedelta(minutes=2))
    board, door = _door(app)
    assert SOUND not in board and SOUND not in door
    assert "sound-toggle" not in board and "data-audio" not in board and "data-audio" not in door


def test_the_managers_setting_puts_the_sound_on_the_host_and_pin_screens(frozen, floor, make_res, app, users):
    update_settings(users[Role.MANAGER], greet_red_sound=True)
    make_res("Dekker", 2, frozen, State.ARRIVED, arrived_at=frozen - timedelta(minutes=2))
    board, door = _door(app)
    assert f'data-audio="/static/{SOUND}"' in board and f'data-audio="/static/{SOUND}"' in door
    assert "sound-toggle" not in board


def test_a_manager_turns_the_sound_on_in_the_settings(app, client_for, frozen):
    from tests.manager.helpers import settings_form_data

    client = client_for(Role.MANAGER)
    page = client.get("/manager/settings", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sound when a greeting turns red" in page
    assert client.post("/manager/settings", data=settings_form_data(greet_red_sound="y")).status_code in (200, 302,
                                                                                                         303)
    with app.app_context():
        assert get_settings().greet_red_sound is True
    assert client.post("/manager/settings", data=settings_form_data()).status_code in (200, 302, 303)
    with app.app_context():
        assert get_settings().greet_red_sound is False
