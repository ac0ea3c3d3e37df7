import pytest

from hostdesk.auth.models import Role
from tests.browser.conftest import VIEWPORTS
from tests.conftest import PINS


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_login_at_tablet_size(orientation, live_server, new_context, users, check_axe, screenshot):
    page = new_context(VIEWPORTS[orientation]).new_page()
    page.goto(f"{live_server}/login")
    check_axe(page, "login")
    screenshot(page, f"login-{orientation}")
    page.fill("input[name=username]", "host")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").first.inner_text() == "Onbekende gebruikersnaam of verkeerd wachtwoord." or \
        "wachtwoord" in page.get_by_role("alert").first.inner_text()
    screenshot(page, f"login-refused-{orientation}")
    page.fill("input[name=username]", "host")
    page.fill("input[name=password]", "host-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/host/**")
    assert page.locator(".who").inner_text() == "Host"
    screenshot(page, f"after-login-{orientation}")


def test_host_cannot_open_manager_pages(tablet_page, live_server):
    page = tablet_page(Role.HOST)
    response = page.goto(f"{live_server}/manager/")
    assert response.status == 403


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_shared_tablet_switches_person_by_pin(orientation, live_server, new_context, users, check_axe, screenshot):
    page = new_context(VIEWPORTS[orientation], locale="nl-NL").new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "host")
    page.fill("input[name=password]", "host-pass-1")
    page.check("input[name=shared_tablet]")
    page.fill("input[name=device_name]", "Ontvangstbalie")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/host/**")
    page.get_by_role("button", name="Wissel van persoon").click()
    page.wait_for_url(f"{live_server}/switch")
    check_axe(page, "switch")
    page.get_by_text("Staff", exact=True).click()
    page.fill("input[name=pin]", "9999")
    page.get_by_role("button", name="Wisselen").click()
    assert "Verkeerde pincode." in page.get_by_role("alert").first.inner_text()
    screenshot(page, f"pin-switch-wrong-{orientation}")
    page.get_by_text("Staff", exact=True).click()
    page.fill("input[name=pin]", PINS[Role.STAFF])
    page.get_by_role("button", name="Wisselen").click()
    page.wait_for_url(f"{live_server}/lost-found/**")
    assert "Staff" in page.locator(".who").inner_text()
    screenshot(page, f"pin-switch-done-{orientation}")
