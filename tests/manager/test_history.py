"""The account and settings history (from the audit trail) and "last sign-in" on the users list."""
from datetime import timedelta

from hostdesk import clock
from hostdesk.auth.models import Role
from tests.conftest import PASSWORDS, login

EN = {"Accept-Language": "en"}


def history(client, **query) -> str:
    """The table only (as htmx asks it), so the filter's option labels are not in it."""
    response = client.get("/manager/history", query_string=query, headers={"HX-Request": "true", **EN})
    return response.get_data(as_text=True)


def test_history_shows_who_did_what(app, manager_client, users, frozen):
    host = users[Role.HOST]
    other = app.test_client()
    assert login(other, "host", "wrong password").status_code != 302
    assert manager_client.post(f"/manager/users/{host}", data={"display_name": "Host", "role": "staff",
                                                                "language": "nl"}).status_code == 302
    assert manager_client.post(f"/manager/users/{host}/pin", data={"new_pin": "5829"}).status_code == 302
    assert manager_client.post(f"/manager/users/{host}/active").status_code == 302
    everything = history(manager_client)
    for text in ("Signed in", "Sign-in failed", "User changed", "role: Staff", "PIN reset", "Deactivated"):
        assert text in everything, text
    failed = history(manager_client, kind="failed")
    assert "Sign-in failed" in failed and "PIN reset" not in failed
    secrets = history(manager_client, kind="secrets", person=str(host))
    assert "PIN reset" in secrets and "Entries: 1" in secrets and "Manager" in secrets  # done by the manager


def test_history_of_settings_changes_names_the_setting(manager_client, frozen):
    from tests.manager.helpers import settings_form_data

    assert manager_client.post("/manager/settings", data=settings_form_data(greet_red_seconds="90")).status_code \
        == 302
    page = history(manager_client, kind="settings")
    assert "Settings changed" in page and "Greeting turns red after (seconds): 90" in page


def test_history_dates_filter_and_refuse_backwards(frozen, manager_client):
    assert "Signed in" in history(manager_client, start="2026-11-20", end="2026-11-20")
    assert "Entries: 0" in history(manager_client, start="2026-11-01", end="2026-11-19")
    backwards = history(manager_client, start="2026-11-21", end="2026-11-01")
    assert "The from-date is after the until-date" in backwards and "Signed in" in backwards


def test_users_list_shows_the_last_sign_in(app, manager_client, users, frozen):
    page = manager_client.get("/manager/users", headers=EN).get_data(as_text=True)
    assert "Last sign-in" in page and "never" in page  # host and staff have not signed in
    clock.advance(timedelta(hours=2))
    assert login(app.test_client(), "host", PASSWORDS[Role.HOST]).status_code == 302
    page = manager_client.get("/manager/users", headers=EN).get_data(as_text=True)
    assert "20 Nov 2026 21:00" in page  # 20:00 UTC in Amsterdam
