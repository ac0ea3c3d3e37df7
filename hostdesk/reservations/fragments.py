"""The board's fragment, shared by every tablet and person, rendered once per board token, language
and settings and kept in Flask-Caching's cache (each process its own by default, Redis when set).

The token (version and minute, live.py) changes with every change on any worker or server, and the
settings' fingerprint with every setting, so a kept fragment is never older than what it is asked for.
It holds nothing of the request or the person: its buttons submit the page's form `#board-actions`,
which carries the CSRF field, and role-dependent controls live on the page, not in the fragment.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json

from flask import make_response, render_template
from flask_babel import get_locale

from ..extensions import cache
from ..settings import get_settings
from . import live

KEEP_SECONDS = 120  # a token names one minute: after that nobody asks for it again

CLEAR_DIALOG = '<div id="dialog" hx-swap-oob="innerHTML"></div>'


def _key(token: str) -> str:
    settings = json.dumps(dataclasses.asdict(get_settings()), sort_keys=True, default=str)
    return f"board:{token}:{get_locale()}:{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


def board_html(token: str | None = None) -> str:
    """This board token's fragment, from the cache when it was rendered before."""
    from .board import load_board

    key = _key(token or live.token())
    html = cache.get(key)
    if html is None:
        html = render_template("reservations/_board.html", board=load_board())
        cache.set(key, html, timeout=KEEP_SECONDS)
    return html


def fragment_response(token: str | None = None, clear_dialog: bool = False):
    """The fragment as an htmx answer; after a dialog's action, with the dialog closed out of band."""
    html = board_html(token)
    return make_response(html + CLEAR_DIALOG if clear_dialog else html)
