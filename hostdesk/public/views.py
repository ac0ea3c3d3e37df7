"""The guest's language switch: a cookie that public pages' language follows before the browser's."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, request

from ..security import safe_path

bp = Blueprint("public", __name__)

COOKIE = "hostdesk_guest_lang"


@bp.get("/language/<lang>")
def language_set(lang: str):
    """Set the guest's language (nl or en) and go back to the page the switch was on."""
    response = redirect(safe_path(request.args.get("next"), "/"))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
