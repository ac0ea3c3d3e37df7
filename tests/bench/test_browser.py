"""The bench's two-tablet measurement keeps going when a tablet misses a change, and says so."""
from __future__ import annotations

from types import SimpleNamespace

from bench import browser


class FakePage:
    def __init__(self):
        self.visits = 0

    def on(self, *_args):
        pass

    def goto(self, *_args, **_kwargs):
        self.visits += 1

    def evaluate(self, *_args):
        return None

    def wait_for_timeout(self, _ms):
        pass


class FakeBrowser:
    def __init__(self):
        self.pages = []

    def new_context(self, **_kwargs):
        def new_page():
            self.pages.append(FakePage())
            return self.pages[-1]

        return SimpleNamespace(add_cookies=lambda _cookies: None, new_page=new_page, close=lambda: None)


def test_a_missed_change_is_an_error_and_the_tablets_start_again(monkeypatch):
    calls = []

    def one_change(_a, _b, result):
        calls.append(1)
        if len(calls) == 2:
            raise TimeoutError("waited 15 s for () => window.__wanted['699680'] !== null")
        result.other_ms.append(100.0)
        return True

    monkeypatch.setattr(browser, "_one_change", one_change)
    result = browser.BrowserResult()
    fake = FakeBrowser()
    login = SimpleNamespace(cookie="session=x")
    browser.two_tablets(fake, "http://127.0.0.1:1", login, login, changes=4, result=result)
    assert len(calls) == 4 and len(result.other_ms) == 3
    assert result.errors == ["tablet left the board or missed a change: "
                             "waited 15 s for () => window.__wanted['699680'] !== null"]
    assert [page.visits for page in fake.pages] == [2, 2]  # each tablet opened the board again
