"""url_for for many rows of one page: the URL is built once with a stand-in id and then filled in
with each row's id (hundreds of url_for calls cost more than the rest of a row)."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, has_request_context, request, url_for

STAND_IN = 987654321


def url_with_id(endpoint: str, id_name: str, **values) -> Callable[[int], str]:
    """A function id -> url_for(endpoint, **values, <id_name>=id)."""
    parts = url_for(endpoint, **{**values, id_name: STAND_IN}).split(str(STAND_IN))
    if len(parts) != 2:  # the stand-in turns up elsewhere in the URL too
        return lambda ident: url_for(endpoint, **{**values, id_name: ident})
    return lambda ident: f"{parts[0]}{ident}{parts[1]}"


class UrlsWithIds:
    """url_for(endpoint, <id_name>=id, **values) for many rows: each endpoint and values built once
    per app and script root (url_with_id: the routes do not change while the app runs), then only
    filled in; a tap's answer, which renders one card, built its URLs anew each time (issue 7)."""

    def __init__(self, id_name: str):
        self.id_name = id_name

    def __call__(self, endpoint: str, ident: int, **values) -> str:
        if not has_request_context():
            return url_for(endpoint, **{**values, self.id_name: ident})
        built = current_app.extensions.setdefault("hostdesk_urls_with_ids", {})
        key = (request.script_root, self.id_name, endpoint, *sorted(values.items()))
        build = built.get(key)
        if build is None:
            build = built[key] = url_with_id(endpoint, self.id_name, **values)
        return build(ident)


KEPT_URLS = 4096  # fixed links (menus, static files) are a few dozen; past this, url_for as usual


def kept_url_for(endpoint: str, **values) -> str:
    """Templates' url_for: a page's fixed links (menu, scripts, styles, forms) are the same on every
    request, so each is built once per app and script root (the host page built 14 on every request:
    issue 7). URLs with `_external`, `_anchor` and the like, that a url_defaults hook could change,
    or built outside a request (no script root to key them by), are built every time."""
    app = current_app._get_current_object()
    if app.url_default_functions or any(name.startswith("_") for name in values) or not has_request_context():
        return url_for(endpoint, **values)
    kept = app.extensions.setdefault("hostdesk_kept_urls", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = kept.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(kept) < KEPT_URLS:
            kept[key] = url
    return url
