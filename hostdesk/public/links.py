"""Full addresses of guests' pages, for a text, an e-mail or a QR code."""
from __future__ import annotations

from flask import current_app, has_request_context, request


def public_url(endpoint: str, base: str | None = None, **values) -> str:
    """`endpoint`'s address under `base`, else the configured PUBLIC_BASE_URL (the address guests'
    phones reach), else the address this request came to; outside a request without either, the path."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    base = (base or current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base and has_request_context():
        base = request.url_root.rstrip("/")
    return f"{base}{path}"
