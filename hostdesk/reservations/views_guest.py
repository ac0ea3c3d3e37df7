"""The waitlist guest's own live page, without a login: their place, the quote counting down, a
button to leave the list, and "your table is ready" once the host calls them. The page polls its
fragment (`_guest_wait.html`) every few seconds while the party waits."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from .. import clock
from ..auth.access import public
from ..errors import AlreadyDone, InvalidTransition
from ..extensions import db
from ..htmx import is_htmx
from ..public import limit_per_address
from . import queries, walkins
from .models import Reservation

bp = Blueprint("waitlist_public", __name__)


def _party(token: str) -> Reservation:
    res = queries.by_guest_token(token)
    if res is None:
        abort(404)
    return res


def _context(res: Reservation) -> dict:
    now = clock.utcnow()
    return {"res": res, "token": res.guest_token, "now": now, "wait": queries.guest_wait(res, now)}


@bp.get("/w/<token:token>")
@public
def page(token: str):
    res = _party(token)
    template = "reservations/_guest_wait.html" if is_htmx() else "reservations/guest_wait.html"
    return render_template(template, **_context(res))


@bp.post("/w/<token:token>/leave")
@public
@limit_per_address("waitlist-leave")
def leave(token: str):
    res = _party(token)
    try:
        walkins.leave_waitlist(res)
    except (AlreadyDone, InvalidTransition):  # called or gone meanwhile: the page says where they stand
        db.session.rollback()
    else:
        db.session.commit()
    return redirect(url_for("waitlist_public.page", token=token))
