"""The guest's side of lost and found, without a login: the /lost form and the report's status page.

The status page shows the guest's own report only (what they wrote, its state in their words),
never found items, photos or verification questions.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale

from ..auth.access import public
from ..errors import ValidationFailed
from ..extensions import db
from ..public import limit_per_address
from . import queries
from .forms import GuestLostForm
from .models import Category
from .reports import local_today, report_lost

bp = Blueprint("lost_public", __name__)


@bp.route("/lost", methods=["GET", "POST"])
@public
@limit_per_address("lost-report")
def lost_form():
    form = GuestLostForm()
    error = None
    if not form.is_submitted():
        form.lost_on.data = local_today()
    elif form.validate():
        try:
            report = report_lost(None, category=Category(form.category.data), what=form.what.data,
                                 lost_on=form.lost_on.data, where=form.where.data or "", name=form.name.data,
                                 phone=form.phone.data or "", email=form.email.data or "",
                                 language=str(get_locale() or "nl"), details=form.details.data or "",
                                 online=True)
        except ValidationFailed as refused:
            db.session.rollback()
            error = str(refused.message)
        else:
            db.session.commit()
            return redirect(url_for("lost_public.status", token=report.token, new=1))
    status = 422 if (form.errors or error) else 200
    return render_template("lostfound/guest_lost.html", form=form, error=error), status


@bp.get("/lost/<token:token>")
@public
@limit_per_address("lost-status", "PUBLIC_PAGE_LIMIT", methods=("GET",))
def status(token: str):
    report = queries.report_by_token(token)
    if report is None:
        abort(404)
    return render_template("lostfound/guest_status.html", report=report)
