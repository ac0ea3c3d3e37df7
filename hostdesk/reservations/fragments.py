"""The board's fragment, rendered once per board version, language and minute, then reused.

Dozens of tablets fetch the same board after each change; rendering 300 reservations takes tens
of milliseconds, reading the version one indexed query. The key is the board's token (version and
minute, see live.py), so a change anywhere, on any worker or server, makes a new key: nothing is
ever served stale beyond what the minute-token already allows (minutes-late labels tick once a
minute). Each worker keeps its last few renders; the state itself stays in the database.

A render itself is quicker too: the action forms' CSRF field is rendered once, not per button, and
the buttons' URLs are built once per kind and filled with each reservation's id.

Two parts of the fragment belong to the request, not the board, and are filled in on each use:
the CSRF token of this session (in every action form) and `data-now` (the server time the
tablet's greet timers align with).
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, render_template, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .. import clock
from . import live

CSRF_MARK = "\x00hostdesk-csrf\x00"
NOW_MARK = "\x00hostdesk-now\x00"
KEEP = 8


def _store() -> tuple[OrderedDict, threading.Lock]:
    """This app's cache (each app its own: tests make several in one process)."""
    store = current_app.extensions.get("board_fragments")
    if store is None:
        store = current_app.extensions.setdefault("board_fragments", (OrderedDict(), threading.Lock()))
    return store


def _csrf() -> str:
    return generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else ""


def _fill(html: str) -> str:
    csrf = _csrf()
    if csrf:
        html = html.replace(CSRF_MARK, csrf)
    return html.replace(NOW_MARK, clock.utcnow().isoformat())


def enabled() -> bool:
    """On unless BOARD_FRAGMENT_CACHE says otherwise; off by default under TESTING, where tests
    change rows without bumping the version and empty the database between tests."""
    return current_app.config.get("BOARD_FRAGMENT_CACHE", not current_app.testing)


class _OnceField:
    """The CSRF field of the action buttons' empty form, rendered once per set of arguments
    instead of once per button (hundreds on a busy board)."""

    def __init__(self, field):
        self.field = field
        self.rendered: dict[tuple, Markup] = {}

    def __call__(self, **kwargs) -> Markup:
        key = tuple(sorted(kwargs.items()))
        if key not in self.rendered:
            self.rendered[key] = self.field(**kwargs) if self.field is not None else Markup("")
        return self.rendered[key]

    def __html__(self) -> str:
        return self()


class _RenderedForm:
    def __init__(self):
        from ..auth.forms import EmptyForm

        self.csrf_token = _OnceField(getattr(EmptyForm(), "csrf_token", None))


class _UrlPatterns:
    """url_for for one render: a URL that differs only by its reservation id is built by url_for
    once (with a stand-in id) and then filled in; hundreds of buttons, a handful of url_for calls."""

    STAND_IN = 987654321

    def __init__(self):
        self.patterns: dict[tuple, list[str]] = {}

    def __call__(self, endpoint: str, **values) -> str:
        rid = values.get("reservation_id")
        if type(rid) is not int or any(k.startswith("_") for k in values):
            return url_for(endpoint, **values)
        key = (endpoint, tuple(sorted((k, v) for k, v in values.items() if k != "reservation_id")))
        pattern = self.patterns.get(key)
        if pattern is None:
            pattern = url_for(endpoint, **{**values, "reservation_id": self.STAND_IN}).split(str(self.STAND_IN))
            if len(pattern) != 2:
                return url_for(endpoint, **values)
            self.patterns[key] = pattern
        return f"{pattern[0]}{rid}{pattern[1]}"


def _render(board, clear_dialog: bool) -> str:
    return render_template("reservations/_board.html", board=board, clear_dialog=clear_dialog,
                           empty_form=_RenderedForm(), url_for=_UrlPatterns())


def board_fragment(clear_dialog: bool = False, token: str | None = None) -> str:
    """The rendered _board.html for this request (from the cache when the board did not change):
    HTML Jinja rendered with autoescape, which the page includes as it is (board.html)."""
    from .board import load_board

    if not enabled():
        return _render(load_board(), clear_dialog)
    token = token or live.token()
    locale = str(get_locale())
    cache, lock = _store()
    with lock:
        cached = cache.get((token, locale, clear_dialog))
    if cached is not None:
        return _fill(cached)
    board = load_board()
    html = _render(board, clear_dialog)
    template = html.replace(f'data-now="{board.now.isoformat()}"', f'data-now="{NOW_MARK}"')
    csrf = _csrf()
    if csrf:
        template = template.replace(csrf, CSRF_MARK)
    with lock:
        cache[(board.token, locale, clear_dialog)] = template
        while len(cache) > KEEP:
            cache.popitem(last=False)
    return html


def clear() -> None:
    cache, lock = _store()
    with lock:
        cache.clear()
