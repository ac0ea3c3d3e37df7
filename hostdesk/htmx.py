"""The one place that knows htmx's request headers.

A view renders its page; when htmx asks, the same data renders only the fragment
(`_thing.html`, which the page itself includes).
"""
from __future__ import annotations

from flask import render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render `fragment` for an htmx request, `page` otherwise."""
    template = fragment if fragment and is_htmx() else page
    return render_template(template, **context), status


def elsewhere(target: str, swap: str, template: str, **context) -> tuple[str, dict[str, str]]:
    """`template` rendered for the page's element `target` (`#id`) as an out-of-band swap, and the
    header that turns the response's own swap off. Not HX-Retarget: htmx looks that up from the
    element that asked, which the board's poll may have replaced meanwhile."""
    html = render_template("_out_of_band.html", oob_target=target, oob_swap=swap, oob_template=template, **context)
    return html, {"HX-Reswap": "none"}


def dialog(fragment: str, page: str, **context):
    """A dialog: for htmx, the fragment swapped into the page's #dialog; otherwise a page around it."""
    if is_htmx():
        body, headers = elsewhere("#dialog", "innerHTML", fragment, **context)
        return body, 200, headers
    return render_template(page, fragment=fragment, **context)  # the page includes the fragment
