"""url_for for many rows of one page: the URL is built once with a stand-in id and then filled in
with each row's id (hundreds of url_for calls cost more than the rest of a row)."""
from __future__ import annotations

from collections.abc import Callable

from flask import url_for

STAND_IN = 987654321


def url_with_id(endpoint: str, id_name: str, **values) -> Callable[[int], str]:
    """A function id -> url_for(endpoint, **values, <id_name>=id)."""
    parts = url_for(endpoint, **{**values, id_name: STAND_IN}).split(str(STAND_IN))
    if len(parts) != 2:  # the stand-in turns up elsewhere in the URL too
        return lambda ident: url_for(endpoint, **{**values, id_name: ident})
    return lambda ident: f"{parts[0]}{ident}{parts[1]}"


class UrlsWithIds:
    """url_for(endpoint, <id_name>=id, **values) for the many cards of one render: each endpoint and
    values built once (url_with_id), then only filled in."""

    def __init__(self, id_name: str):
        self.id_name = id_name
        self.built: dict[tuple, Callable[[int], str]] = {}

    def __call__(self, endpoint: str, ident: int, **values) -> str:
        key = (endpoint, *sorted(values.items()))
        build = self.built.get(key)
        if build is None:
            build = self.built[key] = url_with_id(endpoint, self.id_name, **values)
        return build(ident)
