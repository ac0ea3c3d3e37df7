"""The one place that knows htmx's request headers.

A view renders its page; when htmx asks, the same data renders only the fragment
(`_thing.html`, which the page itself includes).
"""
from __future__ import annotations

from flask import render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def htmx_target() -> str | None:
    return request.headers.get("HX-Target")


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render `fragment` for an htmx request, `page` otherwise."""
    template = fragment if fragment and is_htmx() else page
    return render_template(template, **context), status


def dialog(fragment: str, page: str, **context):
    """A dialog: for htmx, the fragment swapped into the page's #dialog; otherwise a page around it."""
    if is_htmx():
        return render_template(fragment, **context), 200, {"HX-Retarget": "#dialog", "HX-Reswap": "innerHTML"}
    return render_template(page, fragment=fragment, **context)  # the page includes the fragment
