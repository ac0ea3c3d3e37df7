"""The host board: the page, its 2-second poll, and one route per transition."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..auth.access import public
from ..auth.session import passive
from ..database import MAX_ID, get_or_404
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..floor.models import Table
from ..htmx import dialog, is_htmx
from ..security import generated
from . import bookings, door, fragments, live, operations, queries, seating, walkins
from .board import card_for, door_alerts, load_board, tally
from .labels import OCCASION_LABELS, STATE_LABELS, ordinal
from .models import MessageKind, ShiftNote

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


def done(problems: list[str] | None = None):
    """After a change: the board (or floor) again; `problems` (messages that did not go out) as
    error toasts, so the host sees them at once."""
    db.session.commit()
    for problem in problems or []:
        if not is_htmx():
            flash(problem, "error")
    if request.values.get("view") == "floor":  # the tap came from the floor view
        from ..floor.views import floor_response

        return with_toasts(floor_response(), problems) if is_htmx() else redirect(url_for("floor.floor"))
    if is_htmx():
        return with_toasts(board_response(clear_dialog=True), problems)
    return redirect(url_for("reservations.board"))


def with_toasts(answer, problems: list[str] | None):
    """An htmx answer with an error toast out of band for each problem."""
    if not problems:
        return answer
    response = make_response(answer)
    toasts = "".join(render_template("_out_of_band.html", oob_target="#toasts", oob_swap="beforeend",
                                     oob_template="_toast.html", message=problem, level="error")
                     for problem in problems)
    response.set_data(response.get_data(as_text=True) + toasts)
    return response


def send_after_commit(res, kind) -> list:
    """Commit the change that calls for a message to the waitlist guest, then send it (messages.py)."""
    from .messages import send

    db.session.commit()
    return send(current_user._get_current_object(), res, kind)


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


def parse_ids(raw: str | list[str] | None) -> list[int]:
    """Table ids from "3,4" or from several checked boxes."""
    if isinstance(raw, list):
        raw = ",".join(raw)
    if not raw:
        return []
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        ids = []
    if not ids or len(ids) > 8 or any(not 0 < i <= MAX_ID for i in ids):
        raise ValidationFailed(_l("Choose a table."))
    ids = list(dict.fromkeys(ids))
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


def _whole_number(raw: str | None, field: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(_l("Give a whole number."), field=field) from None


@bp.post("/reservations/<int:reservation_id>/<any(arrive, greet, leave, 'no-show', cancel, call, undo):action>")
def transition(reservation_id: int, action: str):
    res = reservation_or_404(reservation_id)
    actor = current_user._get_current_object()
    problems: list[str] = []
    if action == "arrive":
        operations.arrive(res, actor, _whole_number(request.form.get("guests"), "guests"))
    else:
        TRANSITIONS[action](res, actor)
    if action == "call":  # "table ready": the guest hears it by text and e-mail
        from .messages import failures

        problems = failures(send_after_commit(res, MessageKind.READY))
    if request.values.get("view") == "bookings":  # cancelled or undone on the Bookings page
        db.session.commit()
        flash(str(_l("%(name)s: %(state)s.", name=res.display_name, state=STATE_LABELS[res.state])), "success")
        return redirect(url_for("reservations.bookings_of_day", day=res.service_day.isoformat()))
    return done() if action == "undo" else with_toasts(changed(res), problems)


@bp.get("/reservations/<int:reservation_id>/ask/<any(arrive, cancel, size):step>")
def ask(reservation_id: int, step: str):
    """The dialog before a tap that needs a number or a confirmation: how many are here, cancel
    really, the new party size."""
    res = reservation_or_404(reservation_id)
    return dialog("reservations/_ask_dialog.html", "reservations/ask.html", res=res, step=step,
                  view=request.args.get("view", ""))


@bp.post("/reservations/<int:reservation_id>/rest-arrived")
def rest_arrived(reservation_id: int):
    res = reservation_or_404(reservation_id)
    operations.rest_arrived(res, current_user._get_current_object())
    return changed(res)


@bp.post("/reservations/<int:reservation_id>/size")
def change_size(reservation_id: int):
    res = reservation_or_404(reservation_id)
    size = _whole_number(request.form.get("party_size"), "party_size")
    if size is None:
        raise ValidationFailed(_l("Give the number of guests."), field="party_size")
    door.change_party_size(res, current_user._get_current_object(), size)
    return done()


@bp.get("/reservations/<int:reservation_id>/tables")
def tables_of(reservation_id: int):
    """A seated party's tables: move to free tables that fit, pick several, or release one."""
    res = reservation_or_404(reservation_id)
    board = load_board()
    options = queries.seating_options(board.floor, res.party_size, res.preferred_area_id, own_id=res.id,
                                      minutes=res.duration_minutes)
    own = {t.id for t in res.tables}
    options = [o for o in options if not own.issuperset(t.id for t in o.tables)]
    return dialog("reservations/_move_dialog.html", "reservations/move.html", res=res, options=options,
                  free=free_tables(board, res.id), view=request.args.get("view", ""))


def free_tables(board, own_id: int | None) -> list:
    """Tables free now for picking by hand (combining): not occupied, not to clear, not held for
    another party at the door."""
    return [v for v in board.floor.tables if v.state in ("free", "reserved")
            and (v.at_door is None or v.at_door.id == own_id)]


@bp.post("/reservations/<int:reservation_id>/move")
def move(reservation_id: int):
    res = reservation_or_404(reservation_id)
    seen = parse_ids(request.form.get("seen")) if request.form.get("seen") else None
    seating.move(res, current_user._get_current_object(), tables_by_ids(parse_ids(request.form.getlist("table_ids"))),
                 seen)
    return done()


@bp.post("/reservations/<int:reservation_id>/release/<int:table_id>")
def release(reservation_id: int, table_id: int):
    res = reservation_or_404(reservation_id)
    seating.release(res, current_user._get_current_object(), tables_by_ids([table_id])[0])
    return done()


@bp.get("/search")
def search():
    """Today's parties by name, phone or table, from every section of the board."""
    query = request.args.get("q", "")[:80]
    found = door.today_matches(query) if query.strip() else []
    return render_template("reservations/_search.html", query=query, found=found)


@bp.get("/door")
@public
@passive
def door_status():
    """For an enrolled tablet on the PIN screen: how many wait to be greeted and the longest wait.
    Counts only, no names: nobody is signed in."""
    from ..auth.session import current_device

    if current_device() is None:
        return "", 204
    return render_template("reservations/_door.html", alerts=door_alerts())


@bp.route("/reservations/<int:reservation_id>/seat", methods=["GET", "POST"])
def seat(reservation_id: int):
    """Seat at the chosen (or assigned) tables; with none free, offer the tables that fit."""
    res = reservation_or_404(reservation_id)
    chosen = parse_ids(request.form.getlist("table_ids")) if request.method == "POST" else []
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
    options = queries.seating_options(board.floor, res.party_size, res.preferred_area_id, own_id=res.id,
                                      minutes=res.duration_minutes)
    return dialog("reservations/_seat_dialog.html", "reservations/seat.html", res=res, options=options, board=board,
                  booked_free=queries.booked_tables_free(board.floor, res), free=free_tables(board, res.id),
                  view=request.values.get("view", ""))


@bp.post("/waitlist/next")
def call_next():
    chosen = parse_ids(request.form.get("table_id"))
    table = tables_by_ids(chosen)[0] if chosen else None
    party = walkins.call_next(current_user, table)
    from .messages import failures

    return done(failures(send_after_commit(party, MessageKind.READY)))


@bp.post("/shift-note")
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


from . import views_bookings, views_timeline, views_walkins  # noqa: E402,F401  (routes on the same blueprint)


@bp.get("/reservations/<int:reservation_id>/guest-link")
def guest_link(reservation_id: int):
    """The waitlist guest's link as a QR code to scan at the door, and as text to read out."""
    from ..public import qr_svg
    from .messages import guest_link as link_of

    res = reservation_or_404(reservation_id)
    if not res.guest_token:
        raise NotFound(_l("This party has no waitlist link."))
    link = link_of(res)
    return dialog("reservations/_guest_link_dialog.html", "reservations/ask.html", res=res, link=link,
                  qr=qr_svg(link, scale=6), view="board")
