"""In Chromium (Playwright): two tablets on the host board. Tablet B taps "arrived" twenty times;
we time how long until tablet A's poll shows each change and how long B waits for its own screen
to show it. Also the host page's first load: the bytes transferred (compressed) and that all come
from us.

Times are taken inside the pages with Date.now() (one browser, one clock): a MutationObserver
notes when the tapped party's card first stands in "Greet now" on each tablet.
"""
from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run", "--disable-renderer-backgrounding",
        "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"]
VIEWPORT = {"width": 1024, "height": 768}

WATCH = """() => {
  window.__wanted = {};  // reservation id -> when its card first stood in Greet now (or null)
  const note = () => {
    for (const id of Object.keys(window.__wanted)) {
      if (window.__wanted[id] === null && document.querySelector('#cards-greet #res-' + id)) {
        window.__wanted[id] = Date.now();
      }
    }
  };
  new MutationObserver(note).observe(document.body, {childList: true, subtree: true});
}"""
OPEN_ALL = "() => document.querySelectorAll('#board details').forEach(d => { d.open = true; })"
TAP = """() => {
  const buttons = [...document.querySelectorAll('#board button[data-action="arrive"]')]
    .filter(b => b.offsetParent !== null);
  if (!buttons.length) { return null; }
  // a board just swapped in is live once htmx has processed it (a moment after the swap)
  const button = buttons.find(b => b['htmx-internal-data'] && b['htmx-internal-data'].initHash);
  if (!button) { return 'wait'; }
  const id = button.closest('article').dataset.reservationId;
  window.__wanted[id] = null;
  const at = Date.now();
  button.click();
  return [at, id];
}"""
WANT = "id => { window.__wanted[id] = document.querySelector('#cards-greet #res-' + id) ? Date.now() : null; }"


@dataclass
class BrowserResult:
    other_ms: list[float] = field(default_factory=list)
    acting_ms: list[float] = field(default_factory=list)
    first_load_bytes: int = 0
    first_load_requests: int = 0
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def pct(values: list[float], p: float) -> float:
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def _cookie(login, base: str) -> list[dict]:
    from .client import COOKIE

    return [{"name": COOKIE, "value": login.cookie, "url": base}]


def _new_page(browser, base: str, login, errors: list[str]):
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    context.add_cookies(_cookie(login, base))
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"js error: {e}"))
    return context, page


def first_load(browser, base: str, login, result: BrowserResult) -> None:
    """A fresh tablet (empty cache) opening the host page: every byte it transfers, and from where."""
    context, page = _new_page(browser, base, login, result.errors)
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(base + "/host/", wait_until="networkidle")
    sizes = page.evaluate("""() => performance.getEntries()
        .filter(e => e.entryType === 'navigation' || e.entryType === 'resource')
        .map(e => e.transferSize)""")
    result.first_load_bytes = int(sum(sizes))
    result.first_load_requests = len(urls)
    ours = urlsplit(base).netloc
    result.outside = [u for u in urls if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != ours]
    context.close()


def _wait(page, predicate: str, seconds: float) -> None:
    """Poll `predicate` from outside (the page's CSP forbids the eval wait_for_function needs);
    the time itself is taken inside the page, so the polling step does not count."""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {seconds} s for {predicate}")
        page.wait_for_timeout(10)


def _one_change(a, b, result: BrowserResult) -> bool:
    """B taps "arrived" on a party; the time until B's and then A's screen show its card in Greet now."""
    tapped = b.evaluate(TAP)
    while tapped == "wait":
        b.wait_for_timeout(10)
        tapped = b.evaluate(TAP)
    if tapped is None:
        result.errors.append("no booked party left to mark arrived on tablet B")
        return False
    at, rid = tapped
    a.evaluate(WANT, rid)
    seen = f"() => window.__wanted[{rid!r}] !== null"
    _wait(b, seen, 10)
    result.acting_ms.append(b.evaluate(f"window.__wanted[{rid!r}]") - at)
    _wait(a, seen, 15)
    result.other_ms.append(a.evaluate(f"window.__wanted[{rid!r}]") - at)
    b.evaluate(OPEN_ALL)
    return True


def two_tablets(browser, base: str, login_a, login_b, changes: int, result: BrowserResult, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311 (timing jitter, not secrets)
    context_a, a = _new_page(browser, base, login_a, result.errors)
    context_b, b = _new_page(browser, base, login_b, result.errors)
    for page in (a, b):
        page.goto(base + "/host/", wait_until="networkidle")
        page.evaluate(OPEN_ALL)
        page.evaluate(WATCH)
        page.on("framenavigated", lambda frame, page=page: result.errors.append(f"a tablet went to {frame.url}")
                if frame == page.main_frame else None)
    for _ in range(changes):
        a.wait_for_timeout(rng.uniform(300, 2300))  # tap at any moment of A's poll cycle
        try:
            if not _one_change(a, b, result):
                break
        except (PlaywrightError, TimeoutError) as error:  # a tablet sent elsewhere, or one that never
            # showed the change (a refused poll): say so, start again; the error row fails the run
            result.errors.append(f"tablet left the board or missed a change: {str(error).splitlines()[0]}")
            for page in (a, b):
                page.goto(base + "/host/", wait_until="networkidle")
                page.evaluate(OPEN_ALL)
                page.evaluate(WATCH)
    context_a.close()
    context_b.close()


def measure(base: str, login_a, login_b, changes: int = 20) -> BrowserResult:
    from playwright.sync_api import sync_playwright

    result = BrowserResult()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            first_load(browser, base, login_a, result)
            two_tablets(browser, base, login_a, login_b, changes, result)
        finally:
            browser.close()
    return result
