"""htmx 2 does not swap 4xx/5xx answers by default; ours are configured so a refusal is shown."""
from hostdesk.auth.models import Role


def test_refused_htmx_request_shows_its_message(tablet, live_server, screenshot):
    page = tablet(Role.HOST, locale="en-GB")
    page.goto(f"{live_server}/login")  # any page on the base template will do
    page.evaluate("() => htmx.ajax('GET', '/manager/', {target: '#main', swap: 'innerHTML'})")
    toast = page.locator("#toasts .toast-error")
    toast.wait_for()
    assert "Your role does not give access to this page." in toast.inner_text()
    screenshot(page, "htmx-refused-403")


def test_expired_session_sends_the_tablet_to_login(tablet, live_server):
    page = tablet(Role.HOST, locale="en-GB")
    page.goto(f"{live_server}/login")  # any page on the base template will do
    page.context.clear_cookies()
    page.evaluate("() => htmx.ajax('GET', '/host/', {target: '#main'})")
    page.wait_for_url(f"{live_server}/login?next=**")
    assert page.locator("input[name=username]").is_visible()


def test_offline_tap_fails_visibly_and_the_banner_clears_when_back(tablet, live_server, screenshot):
    page = tablet(Role.HOST, locale="en-GB")
    page.goto(f"{live_server}/login")  # any page on the base template will do
    page.context.set_offline(True)
    page.evaluate("() => htmx.ajax('GET', '/healthz', {target: '#toasts', swap: 'none'}).catch(() => null)")
    banner = page.locator("#offline-banner")
    banner.wait_for(state="visible")
    assert "No connection to the server" in banner.inner_text()
    screenshot(page, "offline-banner")
    page.context.set_offline(False)
    page.evaluate("() => htmx.ajax('GET', '/healthz', {target: '#toasts', swap: 'none'})")
    banner.wait_for(state="hidden")
    page.hostdesk_errors.clear()  # the failed fetch while offline is logged by Chromium on purpose
