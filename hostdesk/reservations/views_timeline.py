"""The timeline page (/host/timeline): its poll, a block's party panel, and moving a booking by
tapping its block and then a table at a time."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..auth.session import passive
from ..errors import ValidationFailed
from ..extensions import db
from ..htmx import is_htmx
from ..security import generated
from . import bookings, queries, timeline
from .views import bp, parse_ids, reservation_or_404, tables_by_ids


def _day():
    return clock.parse_day(request.values.get("day")) or queries.today()


@bp.get("/timeline")
def timeline_page():
    tl = timeline.load(_day())
    if is_htmx():
        return render_template("reservations/_timeline.html", tl=tl)
    return render_template("reservations/timeline.html", tl=tl, prev_day=tl.day - timedelta(days=1),
                           next_day=tl.day + timedelta(days=1))


@bp.get("/timeline/poll")
@passive
@generated("v")
def timeline_poll():
    from . import live

    if request.args.get("v", "") == live.token():
        return "", 204
    return render_template("reservations/_timeline.html", tl=timeline.load(_day()))


@bp.get("/timeline/party/<int:reservation_id>")
def timeline_party(reservation_id: int):
    res = reservation_or_404(reservation_id)
    return render_template("reservations/_timeline_party.html", res=res, tables=queries.all_tables(),
                           day=res.service_day, pacing=False, reason="", **_may(res))


def _may(res) -> dict:
    """What the party panel offers: open the booking form, move on the timeline."""
    return {"editable": bookings.editable(res), "movable": bookings.movable(res)}


def _start(day, raw: str) -> datetime:
    """The moment a "HH:MM" means on a service day: before the day boundary it is past midnight."""
    try:
        at = time.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(_("Give a time.")) from None
    return queries.moment_on(day, at)


@bp.post("/timeline/move/<int:reservation_id>")
def timeline_move(reservation_id: int):
    res = reservation_or_404(reservation_id)
    day = _day()
    tables = tables_by_ids(parse_ids(request.form.getlist("table_ids")))
    start = _start(day, request.form.get("time", ""))
    try:
        seen_start = datetime.fromisoformat(request.form.get("seen_start", ""))
    except ValueError:
        raise ValidationFailed(_("This form has expired. Please reload the page and try again.")) from None
    seen_tables = parse_ids(request.form.get("seen_tables", "")) if request.form.get("seen_tables") else []
    reason = request.form.get("pacing_reason", "")
    try:
        bookings.move_booking(res, current_user, tables, start, seen_start=seen_start, seen_tables=seen_tables,
                              pacing_reason=reason)
    except bookings.OverPacing as error:
        db.session.rollback()
        res = reservation_or_404(reservation_id)
        return render_template("reservations/_timeline_party.html", res=res, tables=queries.all_tables(), day=day,
                               pacing=True, message=str(error.message), wanted=[t.id for t in tables],
                               wanted_time=request.form.get("time", ""), reason=reason, **_may(res)), 422
    tl = timeline.load(day)
    moved = _("Moved: %(name)s to table %(table)s at %(time)s.", name=res.display_name, table=res.table_names,
              time=bookings.local_hhmm(res.start_at))
    body = render_template("reservations/_timeline_moved.html", tl=tl, res=res, moved=moved)
    db.session.commit()
    return body
