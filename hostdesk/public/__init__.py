"""Pages for guests, without a login: the shared parts every public form and status page uses.

Names other features rely on (keep them stable):
- `GuardedForm` (forms.py): a Flask-WTF form mixin with a honeypot field `website` and a signed
  fill-time stamp `started`; refuses a filled honeypot or a form sent faster than
  `PUBLIC_MIN_FILL_SECONDS` (or older than `PUBLIC_MAX_FORM_AGE`) with one translated message.
  `PublicForm` is AppForm with it; templates render both with the macro `guard_fields(form)` from
  `templates/public/_macros.html`, and its `guard_errors` at the top of the form.
- `limit_per_address(scope, setting)` (limits.py): a view decorator counting requests per address
  in the Flask-Limiter storage every worker shares (ratelimits.hit); over the limit: a translated 429.
- `new_token()` and the `<token:...>` URL converter (tokens.py): unguessable status-link tokens.
- `public_url(endpoint, base=None, **values)` (links.py): a guests' page as a full address, under
  the public base URL when one is set, else this request's address.
- `qr_svg(url)` (qr.py): an inline SVG QR code (segno) of a link for a phone to scan; `|safe` in
  templates, inside an element with role="img" and an aria-label.
- `guest_language(language)` (language.py): a guest's stored language when the app speaks it,
  else the restaurant's default: the language of their texts and e-mails.
- `templates/public/base.html`: the mobile-first page of every public page, language from the
  browser with a Dutch/English switch (views.py, the cookie `hostdesk_guest_lang`).
- `register_public(app)`: the converter and the language switch; before the other blueprints.

No public page says whether a phone number or e-mail address is known: each answers the same.
"""
from __future__ import annotations

from flask import Flask

from .forms import GuardedForm, PublicForm
from .language import guest_language
from .limits import limit_per_address
from .links import public_url
from .qr import qr_svg
from .tokens import TokenConverter, new_token

__all__ = ["GuardedForm", "PublicForm", "guest_language", "limit_per_address", "new_token", "public_url", "qr_svg",
           "register_public"]


def register_public(app: Flask) -> None:
    """The `<token:...>` converter (before any blueprint adds a rule) and the language switch."""
    from .views import bp

    app.url_map.converters["token"] = TokenConverter
    app.register_blueprint(bp)
