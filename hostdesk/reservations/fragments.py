"""The board's fragment, rendered once per board version and language, then reused.

Dozens of tablets fetch the same board after each change; rendering 300 reservations takes tens
of milliseconds, reading the version one indexed query. The key is the board's token (version and
minute, see live.py), so a change anywhere, on any worker or server, makes a new key: nothing is
ever served stale beyond what the minute-token already allows (minutes-late labels tick once a
minute). Each worker keeps its last few renders; the state itself stays in the database.

The fragment holds nothing of the request or the session (the buttons submit the page's form
`#board-actions`, which carries the CSRF field; the server's time goes in the `X-Server-Now`
header), so the very same bytes, compressed once per encoding, answer every tablet.
A render itself is quicker too: the cards' button URLs are built once per kind and filled with
each reservation's id (`card_url`, urls.UrlsWithIds).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from flask import current_app, make_response, render_template
from flask_babel import get_locale
from markupsafe import Markup

from ..compression import around_once, encode_once
from . import live

KEEP = 8


@dataclass
class Rendered:
    html: str
    encoded: dict[str, bytes] = field(default_factory=dict)  # algorithm -> compressed html

    @cached_property
    def body(self) -> bytes:
        return self.html.encode()


def _store() -> tuple[OrderedDict, threading.Lock]:
    """This app's cache (each app its own: tests make several in one process)."""
    store = current_app.extensions.get("board_fragments")
    if store is None:
        store = current_app.extensions.setdefault("board_fragments", (OrderedDict(), threading.Lock()))
    return store


def enabled() -> bool:
    """On unless BOARD_FRAGMENT_CACHE says otherwise; off by default under TESTING, where tests
    change rows without bumping the version and empty the database between tests."""
    return current_app.config.get("BOARD_FRAGMENT_CACHE", not current_app.testing)


def _render(board) -> str:
    return render_template("reservations/_board.html", board=board)


def rendered(token: str | None = None) -> Rendered:
    """This board version's fragment, from this worker's cache when it was rendered before. One
    thread renders a new version while the worker's other threads wait for it (a change, or the
    minute turning, would otherwise start a render in every thread at once)."""
    from .board import load_board

    if not enabled():
        return Rendered(_render(load_board()))
    token = token or live.token()
    key = (token, str(get_locale()))
    cache, lock = _store()
    with lock:
        found = cache.get(key)
        rendering = None if found is not None else _rendering().setdefault(key, threading.Lock())
    if found is not None:
        return found
    with rendering:
        with lock:
            found = cache.get(key)
        if found is None:
            board = load_board()
            found = Rendered(_render(board))
            with lock:
                cache[key] = cache[(board.token, key[1])] = found
                while len(cache) > KEEP:
                    cache.popitem(last=False)
                _rendering().pop(key, None)
    return found


def _rendering() -> dict:
    """Keys being rendered now, each with the lock its render holds (inside the cache's lock)."""
    return current_app.extensions.setdefault("board_fragments_rendering", {})


PLACE = Markup("<!--hostdesk:board-->")


def page_response(render_page: Callable[[Markup], str]):
    """The host page around this version's fragment: the page is rendered with a placeholder where
    the board goes and sent as head + the fragment's shared bytes + tail (compression.around_once),
    so the 160 KB board is neither copied into each page nor compressed again for it."""
    found = rendered()
    head, tail = render_page(PLACE).split(PLACE, 1)
    return around_once(head, found.body, found.encoded, tail)


def fragment_response(token: str | None = None, clear_dialog: bool = False):
    """The fragment as an htmx response, compressed once per encoding and reused."""
    found = rendered(token)
    if clear_dialog:  # after a dialog's action: one extra out-of-band piece, compressed as usual
        response = make_response(found.html + CLEAR_DIALOG)
    else:
        algorithm, body = encode_once(found.body, found.encoded)
        response = make_response(body)
        response.headers["Vary"] = "Accept-Encoding"
        if algorithm:
            response.headers["Content-Encoding"] = algorithm
    return response


CLEAR_DIALOG = '<div id="dialog" hx-swap-oob="innerHTML"></div>'


def clear() -> None:
    cache, lock = _store()
    with lock:
        cache.clear()
