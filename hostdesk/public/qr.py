"""A QR code of a link, as inline SVG for a page (segno: pure Python, no image files)."""
from __future__ import annotations

import segno


def qr_svg(url: str, scale: int = 4) -> str:
    """The SVG element alone (no XML declaration, no title), dark on light whatever the page's theme.
    segno writes it from the link alone, so a template outputs it with `|safe` (as the item label
    does) inside an element that names it: `<div role="img" aria-label="…">`."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, dark="#000", light="#fff", svgclass="qr")
