"""The pages the security work added or changed, in Chromium at tablet size, with axe-core: the demo
band, the first-run page, the 429 page and the PIN lock message."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from hostdesk import clock, create_app
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from tests.browser.conftest import VIEWPORTS
from tests.conftest import PASSWORDS, PINS


@pytest.fixture
def demo_users(app):
    from hostdesk.demo import seed_users

    with app.app_context():
        seed_users()
        db.session.commit()


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_demo_band_on_the_login_and_the_host_screen(orientation, live_server, new_context, demo_users, check_axe,
                                                   screenshot):
    page = new_context(VIEWPORTS[orientation]).new_page()
    page.goto(f"{live_server}/login")
    band = page.locator(".banner-demo")
    assert band.is_visible() and "Demogegevens." in band.inner_text() and "host, manager, staff" in band.inner_text()
    check_axe(page, "login with demo band")
    screenshot(page, f"demo-band-login-{orientation}")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo-manager")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/host/**")
    assert page.locator(".banner-demo").is_visible()
    check_axe(page, "host screen with demo band")
    screenshot(page, f"demo-band-board-{orientation}")


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_too_many_failed_sign_ins_page(orientation, live_server, new_context, users, check_axe, screenshot):
    page = new_context(VIEWPORTS[orientation]).new_page()
    page.goto(f"{live_server}/login")
    for n in range(6):
        page.fill("input[name=username]", "manager")
        page.fill("input[name=password]", f"guess-{n}")
        with page.expect_navigation() as navigation:
            page.click("button[type=submit]")
    assert navigation.value.status == 429
    alert = page.get_by_role("alert").first.inner_text()
    assert "Te veel mislukte pogingen vanaf dit apparaat" in alert and "15 minuten" in alert
    check_axe(page, "429")
    screenshot(page, f"too-many-attempts-{orientation}")


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_pin_lock_message_on_the_switch_page(orientation, app, live_server, new_context, users, check_axe,
                                             screenshot):
    page = new_context(VIEWPORTS[orientation]).new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "host")
    page.fill("input[name=password]", PASSWORDS[Role.HOST])
    page.check("input[name=shared_tablet]")
    page.fill("input[name=device_name]", "Ontvangstbalie")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/host/**")
    with app.app_context():
        staff = db.session.get(User, users[Role.STAFF])
        staff.pin_failures, staff.pin_locked_at = 5, clock.utcnow()
        db.session.commit()
    page.get_by_role("button", name="Wissel van persoon").click()
    page.wait_for_url(f"{live_server}/switch")
    page.get_by_text("Staff", exact=True).click()
    page.fill("input[name=pin]", PINS[Role.STAFF])
    page.get_by_role("button", name="Wisselen").click()
    assert "Deze pincode is geblokkeerd" in page.get_by_role("alert").first.inner_text()
    check_axe(page, "pin locked")
    screenshot(page, f"pin-locked-{orientation}")


@pytest.fixture
def empty_server(app, database_url, tmp_path, monkeypatch):
    """A new app on the empty test database, as a clean start serves it (no user yet)."""
    monkeypatch.setenv("HOSTDESK_INSTANCE_PATH", str(tmp_path / "instance"))
    fresh = create_app({"SECRET_KEY": "first-run", "SQLALCHEMY_DATABASE_URI": database_url,
                        "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with fresh.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    server = make_server("127.0.0.1", 0, fresh, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_first_run_page(orientation, empty_server, new_context, check_axe, screenshot):
    remote = new_context(VIEWPORTS[orientation])
    remote.set_extra_http_headers({"X-Forwarded-For": "192.0.2.30"})  # as from a tablet through a proxy
    page = remote.new_page()
    page.goto(f"{empty_server}/")
    assert page.url.endswith("/setup")
    assert page.get_by_label("Eenmalige code (staat op het scherm van de server)").is_visible()
    check_axe(page, "first run from a tablet")
    screenshot(page, f"first-run-tablet-{orientation}")
    page = new_context(VIEWPORTS[orientation]).new_page()
    page.goto(f"{empty_server}/setup")
    assert page.locator("input[name=code]").count() == 0
    page.fill("input[name=username]", "anna")
    page.fill("input[name=display_name]", "Anna")
    page.fill("input[name=password]", "a-long-pass-phrase")
    page.fill("input[name=repeat_password]", "another-pass-phrase")
    page.click("button[type=submit]")
    assert "De twee wachtwoorden verschillen." in page.locator(".error").first.inner_text()
    check_axe(page, "first run with an error")
    screenshot(page, f"first-run-error-{orientation}")
    page.fill("input[name=password]", "a-long-pass-phrase")
    page.fill("input[name=repeat_password]", "a-long-pass-phrase")
    page.click("button[type=submit]")
    page.wait_for_url(f"{empty_server}/login")
    assert "Anna is de eerste manager" in page.locator("#toasts").inner_text()
    screenshot(page, f"first-run-done-{orientation}")
