"""htmx 2 does not swap 4xx/5xx answers by default; ours are configured so a refusal is shown."""
from hostdesk.auth.models import Role


def test_refused_htmx_request_shows_its_message(tablet, live_server, screenshot):
    page = tablet(Role.HOST, locale="en-GB")
    page.goto(f"{live_server}/host/")
    page.evaluate("() => htmx.ajax('GET', '/manager/', {target: '#main', swap: 'innerHTML'})")
    toast = page.locator("#toasts .toast-error")
    toast.wait_for()
    assert "Your role does not give access to this page." in toast.inner_text()
    screenshot(page, "htmx-refused-403")


def test_expired_session_sends_the_tablet_to_login_and_back(tablet, live_server):
    page = tablet(Role.HOST, locale="en-GB")
    page.goto(f"{live_server}/host/")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()  # as when the session ended elsewhere; the board's next poll notices
    page.wait_for_url(f"{live_server}/login?next=/host/")
    page.fill("input[name=username]", "host")
    page.fill("input[name=password]", "host-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/host/")


def test_offline_tap_fails_visibly_and_the_banner_clears_when_back(tablet, live_server, screenshot):
    page = tablet(Role.HOST, locale="en-GB")
    page.goto(f"{live_server}/host/")
    page.context.set_offline(True)  # the board's next poll fails
    banner = page.locator("#offline-banner")
    banner.wait_for(state="visible")
    assert "No connection to the server" in banner.inner_text()
    screenshot(page, "offline-banner")
    page.context.set_offline(False)  # the next poll succeeds and clears the banner by itself
    banner.wait_for(state="hidden")
    page.hostdesk_errors.clear()  # the failed fetch while offline is logged by Chromium on purpose
