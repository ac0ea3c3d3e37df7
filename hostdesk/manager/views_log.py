"""The lost-and-found log."""
from __future__ import annotations

from .views import bp


@bp.get("/lost-found")
def log():
    return "log"
