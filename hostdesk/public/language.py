"""The language a guest's messages are written in."""
from __future__ import annotations

from flask import current_app

from ..settings import get_settings


def guest_language(language: str | None) -> str:
    """`language` when the app speaks it (config LANGUAGES), else the restaurant's default language."""
    return language if language in current_app.config["LANGUAGES"] else get_settings().default_language
