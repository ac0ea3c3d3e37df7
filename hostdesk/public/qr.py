"""A QR code of a link, as inline SVG for a page (segno: pure Python, no image files)."""
from __future__ import annotations

import segno


def qr_svg(url: str, title: str = "", scale: int = 4) -> str:
    """The SVG element alone (no XML declaration), dark on light whatever the page's theme; segno
    writes it and escapes the title, so a template outputs it with `|safe` (as the item label does)."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, dark="#000", light="#fff",
                                                 title=title or None, svgclass="qr")
