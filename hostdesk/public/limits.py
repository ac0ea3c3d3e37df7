"""Per-address limits for public pages, counted in the storage Flask-Limiter uses for the sign-in
limits (ratelimits.py: the database or Redis, shared by every worker and server)."""
from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

from flask import current_app, render_template, request
from flask_babel import gettext as _

from ..extensions import db
from ..ratelimits import address, hit


def limit_per_address(scope: str, setting: str = "PUBLIC_FORM_LIMIT",
                      methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Count each `methods` request of the view per address under `scope`; the config `setting` is
    (allowed, seconds). Over it: 429 with a translated page and Retry-After, nothing done."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods:
                allowed, seconds = current_app.config[setting]
                # The counter lives on its own connection: end what this request read so far, so
                # counting never waits for this request's own SQLite lock.
                db.session.commit()
                if not hit(f"public:{scope}|{address()}", allowed, seconds):
                    return too_many(seconds)
            return view(*args, **kwargs)

        return limited

    return decorate


def too_many(seconds: int):
    minutes = max(1, math.ceil(seconds / 60))
    message = _("Too many forms have been sent from this connection. Please try again in %(minutes)d minutes.",
                minutes=minutes)
    response = current_app.make_response(
        (render_template("public/message.html", title=_("Too many attempts"), message=message), 429))
    response.headers["Retry-After"] = str(seconds)
    return response
