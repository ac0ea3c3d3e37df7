"""Secrets kept in the instance folder, each written once, private to the app's user from the start
(0600, never chmodded after): the session key and the verification answers' key.

The answers' key is apart from the session key: stored answers are HMACs keyed with it, so it
travels with every backup (`flask backup` writes it beside the copy) and two app servers on one
PostgreSQL share it through configuration (HOSTDESK_ANSWERS_KEY).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app

ANSWERS_KEY_FILE = "answers_key"


def write_private(path: Path, text: str) -> bool:
    """Create `path` with `text`, readable by this user only; False when it exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as file:
        file.write(text)
    return True


def kept_secret(path: Path, make) -> str:
    """The secret in `path`, made with make() on first use (two workers starting at once agree:
    the first one's file wins)."""
    if not path.exists():
        write_private(path, make())
    return path.read_text().strip()


def _first_answers_key(instance: Path, session_key: str) -> str:
    """A new install gets a random key. An install upgraded from the time answers were keyed with
    the session key gets that key's value, so every stored answer keeps verifying; from then on
    the two are apart (the session key may change, the answers' key stays)."""
    from sqlalchemy import func, select

    from .extensions import db
    from .lostfound.models import Question

    if db.session.scalar(select(func.count(Question.id))):
        return session_key
    return secrets.token_hex(32)


def answers_key() -> bytes:
    """HOSTDESK_ANSWERS_KEY from the configuration, else instance/answers_key (made on first use)."""
    app = current_app
    configured = app.config.get("HOSTDESK_ANSWERS_KEY")
    if configured:
        return configured.encode()
    instance = Path(app.instance_path)
    return kept_secret(instance / ANSWERS_KEY_FILE,
                       lambda: _first_answers_key(instance, app.config["SECRET_KEY"])).encode()
