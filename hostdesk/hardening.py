"""The app-wide safeguards that are no feature of their own: ids in URLs, pages never cached."""
from __future__ import annotations

from flask import Flask, request

from .ids import register_ids


def no_store(response):
    """Pages and fragments hold personal data: no browser or proxy keeps a copy (static files may)."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def register_hardening(app: Flask) -> None:
    """Called before the blueprints are registered (the id converter must be known to their rules)."""
    register_ids(app)
    app.after_request(no_store)
