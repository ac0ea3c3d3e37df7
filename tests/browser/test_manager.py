"""The manager's pages in Chromium at tablet size: screenshots to look at, and axe-core clean."""
import pytest

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.lostfound.models import AttemptOutcome, Category, ItemState
from hostdesk.reservations.models import Source, State
from tests.manager import factories as f


@pytest.fixture
def seeded(app, frozen, make_user):
    anna, bram = make_user(Role.HOST, "anna"), make_user(Role.HOST, "bram")
    with app.app_context():
        for day in range(24, 32):
            f.reservation(f.at(day, 18, month=10), 4, State.LEFT, greet=20 + day, seat=200, greeter=anna, seater=anna)
        for day in range(1, 21):
            for n in range(3):
                f.reservation(f.at(day, 17, 15 * n), 2 + n, State.LEFT, greet=15 * (n + 1) + day, seat=240,
                              greeter=anna if n % 2 else bram, seater=bram)
        f.reservation(f.at(20, 18), 3, State.NO_SHOW)
        f.reservation(f.at(20, 19, 30), 6, State.BOOKED)
        f.reservation(f.at(20, 17, 5), 2, State.SEATED, source=Source.WALK_IN, created=f.at(20, 17, 5), quoted=15,
                      called=f.at(20, 17, 20), arrived=f.at(20, 17, 20), greet=12, seat=90, greeter=anna, seater=anna)
        descriptions = ["Black umbrella", "Blue scarf", "iPhone in a green case", "Keys on a red ring",
                        "Reading glasses"]
        for n in range(40):
            month = 11 - n // 8
            state = [ItemState.IN_STORAGE, ItemState.RETURNED, ItemState.DISPOSED][n % 3]
            it = f.item(f.at(1 + n % 20, 20, month=month), state=state,
                        closed=f.at(1 + n % 20, 21, month=month) if state is not ItemState.IN_STORAGE else None,
                        category=[Category.UMBRELLA, Category.CLOTHING, Category.PHONE, Category.KEYS,
                                  Category.GLASSES][n % 5],
                        description=descriptions[n % 5], location=["Cloakroom", "Safe"][n % 2],
                        locked=f.at(2, 12) if n == 4 else None)
            f.audit(it.id, it.found_at, "lostfound.register", reference=it.reference)
            if n == 4:
                f.attempt(it.id, f.at(20, 11), AttemptOutcome.FAILED)
                f.audit(it.id, f.at(20, 11), "lostfound.claim_failed", matched=1, of=3)
        db.session.commit()


def test_dashboard_and_log_at_1024x768(tablet, live_server, seeded, check_axe, screenshot):
    page = tablet(Role.MANAGER)
    page.goto(f"{live_server}/manager/?period=day&day=2026-11-20")
    assert page.locator("#chart-greet svg").is_visible()
    check_axe(page, "dashboard")
    screenshot(page, "manager-dashboard-landscape")
    page.locator("#theme-toggle").click()
    screenshot(page, "manager-dashboard-toggled-theme")
    check_axe(page, "dashboard toggled theme")
    page.goto(f"{live_server}/manager/lost-found")
    assert page.locator("a.ref").count() == 40
    check_axe(page, "log")
    screenshot(page, "manager-log-landscape")
    page.select_option("#state", "in_storage")
    page.click("form.log-filters button[type=submit]")
    page.wait_for_url("**state=in_storage**")
    assert page.locator("a.ref").count() == 14
    page.locator("a.ref").first.click()
    page.wait_for_selector("#timeline")
    check_axe(page, "item")
    screenshot(page, "manager-item-landscape")


def test_settings_and_users_pages(tablet, live_server, seeded, check_axe, screenshot):
    page = tablet(Role.MANAGER, viewport=(768, 1024))
    page.goto(f"{live_server}/manager/settings")
    check_axe(page, "settings")
    page.fill("#greet_red_seconds", "10")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#settings-form .banner-error")
    screenshot(page, "manager-settings-refused-portrait")
    page.goto(f"{live_server}/manager/users")
    check_axe(page, "users")
    screenshot(page, "manager-users-portrait")
    page.goto(f"{live_server}/manager/me")
    check_axe(page, "me")


@pytest.mark.parametrize(("viewport", "name"), [((1024, 768), "landscape"), ((768, 1024), "portrait")])
def test_settings_test_email(app, tablet, live_server, check_axe, screenshot, viewport, name):
    """The test e-mail button: a bad address is refused in Dutch and stores
    nothing; a good one, with no mail server set up, goes to the outbox."""
    import sqlalchemy as sa

    from hostdesk.lostfound.models import OutboxMail

    def outbox() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(OutboxMail.id)))

    page = tablet(Role.MANAGER, viewport=viewport)
    page.goto(f"{live_server}/manager/settings")
    page.fill("#test-email input[name=to_address]", "geen adres")
    page.click("#test-email button[type=submit]")
    page.wait_for_selector("#test-email .banner-error")
    assert page.locator("#test-email .banner-error").inner_text() == "Dat e-mailadres lijkt niet te kloppen."
    check_axe(page, "test e-mail refused")
    screenshot(page, f"manager-test-email-refused-{name}")
    assert outbox() == 0
    page.fill("#test-email input[name=to_address]", "manager@example.org")
    page.click("#test-email button[type=submit]")
    page.wait_for_selector("#test-email .banner-info")
    assert "postvak-uit" in page.locator("#test-email .banner-info").inner_text()
    check_axe(page, "test e-mail sent")
    screenshot(page, f"manager-test-email-outbox-{name}")
    assert outbox() == 1
