"""The floor: every table as a tile with its state; tap to seat an arrived party or clear it.
Managers edit areas and tables here too (/host/floor/tables)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.access import allow
from ..auth.session import passive
from ..database import MAX_ID, get_or_404
from ..errors import ValidationFailed
from ..extensions import db
from ..htmx import dialog, is_htmx
from ..security import generated
from . import operations
from .forms import AreaForm, TableForm
from .models import Area, Table

bp = Blueprint("floor", __name__, url_prefix="/host/floor")


def _floor_context() -> dict:
    from ..reservations.board import load_board

    board = load_board()
    areas: dict[str, list] = {}
    for view in sorted(board.floor.tables, key=lambda v: (v.table.area.position, v.table.area.name, v.table.position)):
        areas.setdefault(view.table.area.name, []).append(view)
    return {"board": board, "areas": areas}


def floor_response():
    context = _floor_context()
    if is_htmx():
        return render_template("floor/_floor.html", clear_dialog=request.method == "POST", **context)
    return render_template("floor/floor.html", **context)


@bp.get("/")
def floor():
    return floor_response()


@bp.get("/poll")
@passive
@generated("v")
def poll():
    from ..reservations import live

    if request.args.get("v", "") == live.token():
        return "", 204
    return render_template("floor/_floor.html", **_floor_context())


@bp.get("/tile/<int:table_id>")
def tile(table_id: int):
    context = _floor_context()
    view = context["board"].floor.by_id().get(table_id)
    if view is None:
        abort(404)
    parties = [c.res for c in context["board"].greet + context["board"].walk]
    waiting = [c.res for c in context["board"].waiting if not c.closed]
    return dialog("floor/_tile_dialog.html", "floor/tile.html", view=view, parties=parties, waiting=waiting)


@bp.post("/tile/<int:table_id>/clear")
def clear(table_id: int):
    table = get_or_404(Table, table_id)
    operations.clear_table(table, current_user)
    db.session.commit()
    if is_htmx():
        return floor_response()
    return redirect(url_for("floor.floor"))


# Managers: areas and tables ------------------------------------------------------------

@bp.get("/tables")
@allow()
def tables():
    areas = db.session.scalars(sa.select(Area).order_by(Area.position, Area.name)).unique().all()
    return render_template("floor/tables.html", areas=areas)


def _save(form, save):
    if not form.validate_on_submit():
        return False
    try:
        save()
    except ValidationFailed as error:
        db.session.rollback()
        target = getattr(form, error.details.get("field", "name"), form.name)
        target.errors = [*target.errors, str(error.message)]
        return False
    db.session.commit()
    return True


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@allow()
def edit_area(area_id: int | None = None):
    area = db.session.get(Area, area_id) if area_id and area_id <= MAX_ID else None
    if area_id and area is None:
        abort(404)
    form = AreaForm(obj=area)
    if _save(form, lambda: operations.save_area(current_user, form.name.data, form.position.data, area)):
        flash(_("Area saved."), "success")
        return redirect(url_for("floor.tables"))
    return render_template("floor/edit.html", form=form, kind="area", item=area), 422 if form.errors else 200


@bp.route("/tables/new", methods=["GET", "POST"])
@bp.route("/tables/<int:table_id>", methods=["GET", "POST"])
@allow()
def edit_table(table_id: int | None = None):
    table = db.session.get(Table, table_id) if table_id and table_id <= MAX_ID else None
    if table_id and table is None:
        abort(404)
    form = TableForm(obj=table)
    areas = db.session.scalars(sa.select(Area).order_by(Area.position))
    form.area_id.choices = [SelectChoice(a.id, a.name) for a in areas]

    def save():
        area = db.session.get(Area, form.area_id.data)
        if area is None:
            raise ValidationFailed(_("Choose an area."), field="area_id")
        operations.save_table(current_user, name=form.name.data, area=area, min_seats=form.min_seats.data,
                              max_seats=form.max_seats.data, combinable=form.combinable.data,
                              position=form.position.data, active=form.active.data, table=table)

    if _save(form, save):
        flash(_("Table saved."), "success")
        return redirect(url_for("floor.tables"))
    return render_template("floor/edit.html", form=form, kind="table", item=table), 422 if form.errors else 200
