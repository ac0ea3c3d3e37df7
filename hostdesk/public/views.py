"""The guest's language switch: a cookie that public pages' language follows before the browser's."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, request

bp = Blueprint("public", __name__)

COOKIE = "hostdesk_guest_lang"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@bp.get("/language/<lang>")
def language_set(lang: str):
    """Set the guest's language (nl or en) and go back to the page the switch was on."""
    response = redirect(_safe_next(request.args.get("next")))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
