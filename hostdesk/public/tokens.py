"""Status-link tokens: 192 random bits, URL-safe, in a fixed shape the `<token:...>` converter
checks, so anything else is a 404 before a view or a query sees it."""
from __future__ import annotations

import secrets

from werkzeug.routing import BaseConverter

TOKEN_BYTES = 24
TOKEN_LENGTH = 32  # characters of token_urlsafe(24)


def new_token() -> str:
    """A fresh unguessable token for a guest's status link (stored as is, unique, indexed)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class TokenConverter(BaseConverter):
    regex = rf"[A-Za-z0-9_\-]{{{TOKEN_LENGTH}}}"
