"""Languages: Dutch and English, one catalogue per feature package plus the shared one.

Each feature keeps its own `translations/` folder beside its code, so features can be
translated independently; Flask-Babel merges them all. The language follows the user's
setting, else a guest's own choice on a public page, else the browser's, else the restaurant's default.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_login import current_user

from .extensions import babel

PACKAGE = Path(__file__).parent
# (catalogue folder, sources extracted into it)
CATALOGUES = {
    "core": (PACKAGE / "translations",
             ["hostdesk/*.py", "hostdesk/auth", "templates/*.html", "templates/auth", "templates/errors"]),
    "floor": (PACKAGE / "floor" / "translations", ["hostdesk/floor", "templates/floor"]),
    "reservations": (PACKAGE / "reservations" / "translations", ["hostdesk/reservations", "templates/reservations"]),
    "lostfound": (PACKAGE / "lostfound" / "translations", ["hostdesk/lostfound", "templates/lostfound"]),
    "manager": (PACKAGE / "manager" / "translations", ["hostdesk/manager", "templates/manager"]),
    "public": (PACKAGE / "public" / "translations", ["hostdesk/public", "templates/public"]),
    "online": (PACKAGE / "online" / "translations", ["hostdesk/online", "templates/online"]),
}


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    if request and request.cookies.get("hostdesk_guest_lang") in languages:  # a guest's switch (public/views.py)
        return request.cookies["hostdesk_guest_lang"]
    match = request.accept_languages.best_match(languages) if request else None
    if match:
        return match
    from .settings import get_settings

    return get_settings().default_language


def register_i18n(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(folder) for folder, _ in CATALOGUES.values())
    babel.init_app(app, locale_selector=select_locale)
