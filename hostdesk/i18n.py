"""Languages: Dutch and English, one catalogue per feature package plus the shared one.

Each feature keeps its own `translations/` folder beside its code, so features can be
translated independently; Flask-Babel merges them all. The language follows the user's
setting, else the browser's, else the restaurant's default.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, g, has_app_context, request
from flask_babel import Domain
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
}


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    match = request.accept_languages.best_match(languages) if request else None
    if match:
        return match
    from .settings import get_settings

    return get_settings().default_language


class RequestDomain(Domain):
    """Flask-Babel's message domain, keeping the catalogue it found in the request's Flask-Babel
    namespace for the locale it was found for. A page translates dozens of strings (templates,
    lazy labels, messages), and each lookup walked Flask-Babel's context proxies and spelled out the
    locale's name (about 15 µs). A changed locale (force_locale, for a guest's e-mail in their
    language) looks it up anew."""

    def get_translations(self):
        context = g.get("_flask_babel") if has_app_context() else None
        kept = getattr(context, "hostdesk_translations", None)
        if kept is not None and kept[0] is getattr(context, "babel_locale", None):
            return kept[1]
        found = super().get_translations()
        context = g.get("_flask_babel") if has_app_context() else None
        if context is not None:
            context.hostdesk_translations = (getattr(context, "babel_locale", None), found)
        return found


DOMAIN = RequestDomain()


def register_i18n(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(folder) for folder, _ in CATALOGUES.values())
    babel.init_app(app, locale_selector=select_locale)
    # The domain Flask-Babel's gettext and lazy_gettext use when a request names none (its own is a
    # cached property of the Babel object, made on first use).
    babel.domain_instance = DOMAIN
    app.jinja_env.install_gettext_callables(  # Flask-Babel's own, through RequestDomain
        gettext=lambda s: DOMAIN.get_translations().ugettext(s),
        ngettext=lambda s, p, n: DOMAIN.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: DOMAIN.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: DOMAIN.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
