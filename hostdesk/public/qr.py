"""A QR code of a link, as inline SVG for a page (segno: pure Python, no image files)."""
from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, title: str = "", scale: int = 4) -> Markup:
    """The SVG element alone (no XML declaration), dark on light whatever the page's theme."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=2, dark="#000", light="#fff",
                                                title=title or None, svgclass="qr")
    return Markup(svg)  # noqa: S704  (segno's own markup; the title is escaped by segno)
