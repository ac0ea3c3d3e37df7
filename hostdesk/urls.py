"""url_for for many rows of one page: the URL is built once with a stand-in id and then filled in
with each row's id (hundreds of url_for calls cost more than the rest of a row)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_request_context, request, url_for

STAND_IN = 987654321
T = TypeVar("T")


def url_with_id(endpoint: str, id_name: str, **values) -> Callable[[int], str]:
    """A function id -> url_for(endpoint, **values, <id_name>=id)."""
    parts = url_for(endpoint, **{**values, id_name: STAND_IN}).split(str(STAND_IN))
    if len(parts) != 2:  # the stand-in turns up elsewhere in the URL too
        return lambda ident: url_for(endpoint, **{**values, id_name: ident})
    return lambda ident: f"{parts[0]}{ident}{parts[1]}"


KEPT_URLS = 4096  # per kind; fixed links and card URLs are a few dozen; past this, built each time


def _kept(store: str, key: tuple, build: Callable[[], T]) -> T:
    """`build()` once per app and script root for `key` (the routes do not change while the app
    runs), kept in the app's `store`. Built every time outside a request (no script root to key it
    by), or when a url_defaults hook could change what url_for builds."""
    app = current_app._get_current_object()
    if app.url_default_functions or not has_request_context():
        return build()
    kept = app.extensions.setdefault(store, {})
    key = (request.script_root, *key)
    value = kept.get(key)
    if value is None:
        value = build()
        if len(kept) < KEPT_URLS:
            kept[key] = value
    return value


class UrlsWithIds:
    """url_for(endpoint, <id_name>=id, **values) for many rows: each endpoint and values built once
    (url_with_id, kept by _kept), then only filled in; a tap's answer, which renders one card,
    built its URLs anew each time (issue 7)."""

    def __init__(self, id_name: str):
        self.id_name = id_name

    def __call__(self, endpoint: str, ident: int, **values) -> str:
        build = _kept("hostdesk_urls_with_ids", (self.id_name, endpoint, *sorted(values.items())),
                      lambda: url_with_id(endpoint, self.id_name, **values))
        return build(ident)


def kept_url_for(endpoint: str, **values) -> str:
    """Templates' url_for: a page's fixed links (menu, scripts, styles, forms) are the same on every
    request, so each is built once (_kept; the host page built 14 on every request: issue 7). URLs
    with `_external`, `_anchor` and the like are built every time."""
    if any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    return _kept("hostdesk_kept_urls", (endpoint, *sorted(values.items())), lambda: url_for(endpoint, **values))
