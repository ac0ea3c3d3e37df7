import pytest

from hostdesk.auth.models import Role
from tests.browser.conftest import VIEWPORTS


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


def test_host_cannot_open_manager_pages(tablet, live_server):
    page = tablet(Role.HOST)
    response = page.goto(f"{live_server}/manager/")
    assert response.status == 403
