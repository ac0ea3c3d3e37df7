"""The history of accounts and settings: who signed in, failed, was locked, reset, changed or deactivated."""
from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _

from ..auth.models import User
from ..extensions import db
from ..htmx import render
from .forms import HistoryFilterForm, options
from .history import KINDS, history_page
from .views import bp


@bp.get("/history")
def history():
    form = HistoryFilterForm(formdata=request.args)
    people = db.session.execute(sa.select(User.id, User.display_name).order_by(User.display_name)).all()
    form.kind.choices = options([("", _("Everything"))] + [(key, str(label)) for key, (label, _a) in KINDS.items()])
    form.person.choices = options([("", _("Anyone"))] + [(str(uid), name) for uid, name in people])
    if not form.validate():
        for name in form.errors:
            form[name].data = None
    start, end, message = form.start.data, form.end.data, None
    if start and end and start > end:
        message, start, end = _("The from-date is after the until-date. Swap them or choose other dates."), None, None
    person = int(form.person.data) if (form.person.data or "").isdigit() else None
    result = history_page(form.kind.data or None, person, start, end, form.page.data or 1)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render("manager/history.html", "manager/_history_table.html", form=form, result=result, args=args,
                  message=message)
