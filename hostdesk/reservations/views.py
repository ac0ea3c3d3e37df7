"""The host board: the page, its 2-second poll, and one route per transition."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..auth.access import allow
from ..auth.session import passive
from ..database import MAX_ID, get_or_404
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..floor.models import Table
from ..htmx import dialog, is_htmx
from ..security import generated
from . import bookings, fragments, live, operations, queries, walkins
from .board import card_for, load_board, tally
from .labels import OCCASION_LABELS, STATE_LABELS, ordinal
from .models import ShiftNote

bp = Blueprint("reservations", __name__, url_prefix="/host")

TRANSITIONS = {
    "arrive": operations.arrive,
    "greet": operations.greet,
    "leave": operations.leave,
    "no-show": operations.no_show,
    "cancel": operations.cancel,
    "call": operations.call,
    "undo": operations.undo,
}



@bp.app_context_processor
def host_helpers():
    return {"occasion_labels": OCCASION_LABELS, "state_labels": STATE_LABELS, "ordinal": ordinal,
            "lang": str(get_locale() or "nl")}


@bp.app_template_filter("format_day")
def format_day(day) -> str:
    from flask_babel import format_date

    return format_date(day, "EEEE d MMMM yyyy")


def board_response(status: int = 200, clear_dialog: bool = False):
    """The board: the page, or for htmx its fragment."""
    if is_htmx():
        return fragments.fragment_response(clear_dialog=clear_dialog), status
    return render_page(), status


def render_page():
    return render_template("reservations/board.html", board_html=fragments.board_html(),
                           now_iso=clock.utcnow().isoformat())


def done():
    db.session.commit()
    if request.values.get("view") == "floor":  # the tap came from the floor view
        from ..floor.views import floor_response

        return floor_response() if is_htmx() else redirect(url_for("floor.floor"))
    if is_htmx():
        return board_response(clear_dialog=True)
    return redirect(url_for("reservations.board"))


def changed(res):
    """After one party's transition: for htmx only that change (the tablet sees it at once, the
    server renders one card, not the board); the whole board otherwise."""
    if not is_htmx() or request.values.get("view") == "floor":
        return done()
    section, card = card_for(res)
    response = make_response(render_template("reservations/_board_change.html", board=tally(), card=card,
                                             reservation_id=res.id, section=section))
    response.headers["HX-Reswap"] = "none"  # only the out-of-band pieces: the board stays
    db.session.commit()
    return response


@bp.after_request
def server_time(response):
    """Every board answer with content says the server's time: the greet timers align with it (host.js)."""
    if response.status_code != 204:
        response.headers["X-Server-Now"] = clock.utcnow().isoformat()
    return response


def reservation_or_404(reservation_id: int):
    res = queries.get_reservation(reservation_id) if reservation_id <= MAX_ID else None
    if res is None:
        raise NotFound(_not_found())
    return res


def _not_found():
    return _l("This reservation does not exist (any more).")


def parse_ids(raw: str | None) -> list[int]:
    if not raw:
        return []
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        ids = []
    if not ids or len(ids) > 8 or any(not 0 < i <= MAX_ID for i in ids):
        raise ValidationFailed(_l("Choose a table."))
    return ids


def tables_by_ids(ids: list[int]) -> list[Table]:
    tables = list(db.session.scalars(sa.select(Table).where(Table.id.in_(ids), Table.active.is_(True))))
    if len(tables) != len(set(ids)):
        raise NotFound(_l("That table does not exist (any more)."))
    return tables


@bp.get("/")
def board():
    return board_response()


@bp.get("/board/poll")
@passive
@generated("v")
def poll():
    """204 when the tablet's version is current (one indexed read), the fresh fragment otherwise."""
    token = live.token()
    if request.args.get("v", "") == token:
        return "", 204
    return fragments.fragment_response(token=token)


@bp.post("/reservations/<int:reservation_id>/<any(arrive, greet, leave, 'no-show', cancel, call, undo):action>")
def transition(reservation_id: int, action: str):
    res = reservation_or_404(reservation_id)
    TRANSITIONS[action](res, current_user._get_current_object())
    return done() if action == "undo" else changed(res)


@bp.route("/reservations/<int:reservation_id>/seat", methods=["GET", "POST"])
def seat(reservation_id: int):
    """Seat at the chosen (or assigned) tables; with none free, offer the tables that fit."""
    res = reservation_or_404(reservation_id)
    chosen = parse_ids(request.form.get("table_ids")) if request.method == "POST" else []
    if request.method == "POST":
        try:
            operations.seat(res, current_user, tables_by_ids(chosen) if chosen else None)
            return changed(res)
        except operations.NeedsTable:
            db.session.rollback()
            res = reservation_or_404(reservation_id)
    return seat_chooser(res)


def seat_chooser(res):
    board = load_board()
    options = queries.seating_options(board.floor, res.party_size, res.preferred_area_id, own_id=res.id)
    return dialog("reservations/_seat_dialog.html", "reservations/seat.html", res=res, options=options, board=board)


@bp.post("/waitlist/next")
def call_next():
    walkins.call_next(current_user)
    return done()


@bp.post("/shift-note")
@allow()
def post_note():
    try:
        bookings.post_note(current_user, request.form.get("text", ""))
    except ValidationFailed:
        db.session.rollback()
        raise
    return done()


@bp.post("/shift-note/<int:note_id>/dismiss")
def dismiss_note(note_id: int):
    note = get_or_404(ShiftNote, note_id)
    bookings.dismiss_note(note, current_user)
    return done()


from . import views_bookings, views_walkins  # noqa: E402,F401  (routes on the same blueprint)
