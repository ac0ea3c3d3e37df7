"""Walk-ins: party size, the free tables that fit (one tap seats), or the waitlist with a quote."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import ValidationFailed
from ..htmx import dialog
from . import messages, queries, walkins
from .board import load_board
from .forms import WaitlistForm
from .models import MessageKind
from .operations import check_party_size
from .views import bp, done, free_tables, parse_ids, send_after_commit, tables_by_ids


def _party_size(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    try:
        size = int(raw)
    except ValueError:
        size = 0
    check_party_size(size)
    return size


def _dialog(template: str, **context):
    return dialog(template, "reservations/walk_in.html", **context)


@bp.get("/walk-in")
def walk_in():
    """Step 1: how many? Step 2 (party_size given): the tables that fit, or the waitlist."""
    size = _party_size(request.args.get("party_size"))
    if size is None:
        return _dialog("reservations/_walkin_dialog.html", size=None)
    board = load_board()
    options = queries.seating_options(board.floor, size)
    quote = walkins.quote_wait(size, [c.res for c in board.waiting])
    form = WaitlistForm(formdata=None, party_size=size, quoted_wait=min(quote, 240), computed_wait=quote)
    return _dialog("reservations/_walkin_dialog.html", size=size, options=options, quote=quote, form=form,
                   free=free_tables(board, None))


@bp.post("/walk-in/seat")
def seat_walk_in():
    size = _party_size(request.form.get("party_size"))
    if size is None:
        raise ValidationFailed(_l("Give the number of guests (a whole number from 1)."))
    tables = tables_by_ids(parse_ids(request.form.getlist("table_ids")))
    walkins.seat_walk_in(current_user, size, tables, request.form.get("name", ""))
    return done()


@bp.post("/walk-in/wait")
def add_to_waitlist():
    form = WaitlistForm()
    if not form.validate():
        message = next(iter(e for errors in form.errors.values() for e in errors), _l("Check the form."))
        raise ValidationFailed(message)
    res = walkins.add_to_waitlist(current_user, form.party_size.data, form.quoted_wait.data, form.name.data or "",
                                  form.phone.data or "", form.email.data or "", form.language.data,
                                  computed_wait_minutes=form.computed_wait.data)
    return done(messages.failures(send_after_commit(res, MessageKind.JOINED)))
