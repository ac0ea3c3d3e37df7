"""Browser tests: Playwright driving Debian's Chromium against the app on a live local server.

Fixtures
- live_server: base URL of the app served from a thread (same database as the `app` fixture,
  CSRF on, as in production).
- tablet_page(role, viewport=(1024, 768), locale="nl-NL"): a new browser context at tablet size,
  logged in through the login form as that role (users are created for you); returns the page.
- check_axe(page, name): runs axe-core in the page; fails on serious or critical violations.
- screenshot(page, name): saves tests/browser/screenshots/<name>.png (git-ignored) to look at.
Every page also fails its test on a CSP violation or a JavaScript error (see `page.hostdesk_errors`).
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORDS, served_app

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"landscape": (1024, 768), "portrait": (768, 1024)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app, database_url):
    live_app = served_app(database_url, SECRET_KEY="live-secret", UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"])
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def playwright_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watch(page) -> None:
    page.hostdesk_errors = []
    page.on("pageerror", lambda error: page.hostdesk_errors.append(f"js error: {error}"))

    def on_console(message):
        text = message.text
        expected = "status of 4" in text or text.startswith("Response Status Error Code")  # refusals we show
        if "Content Security Policy" in text or message.type == "error" and not expected:
            page.hostdesk_errors.append(f"console {message.type}: {text}")

    page.on("console", on_console)


@pytest.fixture
def new_context(playwright_browser):
    contexts = []

    def make(viewport=(1024, 768), locale="nl-NL"):
        context = playwright_browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                                 locale=locale, has_touch=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tablet_page(live_server, new_context, users):
    pages = []

    def make(role, viewport=(1024, 768), locale="nl-NL"):
        page = new_context(viewport, locale).new_page()
        _watch(page)
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", role.value)
        page.fill("input[name=password]", PASSWORDS[role])
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login" not in page.url, "login failed"
        pages.append(page)
        return page

    yield make
    errors = [e for page in pages for e in page.hostdesk_errors]
    assert not errors, errors


@pytest.fixture
def check_axe():
    source = AXE.read_text()

    def run(page, name: str = "") -> list:
        page.evaluate(source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, [(name, v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
                             for v in serious]
        return result["violations"]

    return run


@pytest.fixture
def screenshot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial", animations="allow")
        # Playwright can leave empty style="" attributes behind, which htmx would then copy into
        # swapped content and the CSP would report: remove them so the page is as it was.
        page.evaluate("() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")
        return path

    return take
