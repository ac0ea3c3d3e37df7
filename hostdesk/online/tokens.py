"""The manage link's token."""
from __future__ import annotations

import secrets


def new_token() -> str:
    return secrets.token_urlsafe(24)
