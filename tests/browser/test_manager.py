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


def test_dashboard_and_log_at_1024x768(tablet_page, live_server, seeded, check_axe, screenshot):
    page = tablet_page(Role.MANAGER)
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


def test_settings_and_users_pages(tablet_page, live_server, seeded, check_axe, screenshot):
    page = tablet_page(Role.MANAGER, viewport=(768, 1024))
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
def test_settings_test_email(app, tablet_page, live_server, check_axe, screenshot, viewport, name):
    """The test e-mail button: a bad address is refused in Dutch and stores
    nothing; a good one, with no mail server set up, goes to the outbox."""
    import sqlalchemy as sa

    from hostdesk.lostfound.models import OutboxMail

    def outbox() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(OutboxMail.id)))

    page = tablet_page(Role.MANAGER, viewport=viewport)
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


SIZES = [((1024, 768), "landscape"), ((768, 1024), "portrait"), ((1440, 900), "desktop")]


@pytest.mark.parametrize(("viewport", "size"), SIZES)
@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_figures_history_and_log_at_every_size(tablet_page, live_server, seeded, check_axe, screenshot, viewport, size,
                                               locale):
    page = tablet_page(Role.MANAGER, viewport=viewport, locale=locale)
    page.goto(f"{live_server}/manager/?period=month&day=2026-11-20&compare=1")
    assert page.locator("#chart-greet svg").is_visible() and page.locator("#chart-hours svg").is_visible()
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.chart-svg text')].map(
        t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))""")
    assert smallest >= 14, smallest  # chart text at least 14 px as drawn
    check_axe(page, f"figures {size} {locale}")
    screenshot(page, f"manager-figures-month-{size}-{locale}")
    page.goto(f"{live_server}/manager/?period=range&start=2020-01-01&end=2026-11-20")
    assert page.locator("#figures .banner-error").is_visible()
    page.goto(f"{live_server}/manager/history")
    check_axe(page, f"history {size} {locale}")
    screenshot(page, f"manager-history-{size}-{locale}")
    page.goto(f"{live_server}/manager/lost-found?sort=longest")
    check_axe(page, f"log {size} {locale}")
    cut = page.evaluate("""() => { const box = document.querySelector('#log-table .table-scroll');
        return box.scrollWidth - box.clientWidth; }""")
    assert cut <= 1, cut  # every column shows without scrolling sideways
    screenshot(page, f"manager-log-{size}-{locale}")


def test_printable_figures(tablet_page, live_server, seeded, check_axe, screenshot):
    page = tablet_page(Role.MANAGER, viewport=(1024, 768))
    page.goto(f"{live_server}/manager/figures/print?period=range&start=2026-10-24&end=2026-11-20")
    check_axe(page, "print page")
    page.emulate_media(media="print")
    rows = page.locator("#chart-greet").locator("xpath=../..").locator("tbody tr")
    assert rows.count() == 28 and rows.last.is_visible()
    box = page.evaluate("""() => { const t = document.querySelector('.chart-table');
        return [t.scrollHeight, t.clientHeight]; }""")
    assert box[0] <= box[1] + 1, box  # no scroll box on paper: every row printed
    screenshot(page, "manager-figures-print")


def test_refused_settings_focus_the_first_error(tablet_page, live_server, seeded):
    page = tablet_page(Role.MANAGER, viewport=(768, 1024))
    page.goto(f"{live_server}/manager/settings")
    page.fill("#late_after_minutes", "0")
    page.fill("#greet_red_seconds", "10")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#settings-form .banner-error")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'greet_red_seconds'")
    in_view = page.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight; }""")
    assert in_view
