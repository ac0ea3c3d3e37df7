"""How a test tells where an htmx answer lands on the page (hostdesk.htmx.elsewhere)."""
from __future__ import annotations

import re


def lands_in(response, target: str) -> bool:
    """The answer is swapped out of band into the page's `target` (`#toasts`, `#dialog`), and
    nothing into the element that asked."""
    body = response.get_data(as_text=True)
    oob = re.match(r'<div hx-swap-oob="(beforeend|innerHTML):' + re.escape(target) + '">', body)
    return response.headers.get("HX-Reswap") == "none" and oob is not None and body.endswith("</div>")
