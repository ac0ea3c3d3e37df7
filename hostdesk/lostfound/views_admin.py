"""Lost reports, the retention queue and disposal, the outbox, and the managers' default questions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..audit import record
from ..auth.access import allow
from ..errors import ValidationFailed
from ..extensions import db
from ..settings import get_settings
from . import operations as ops
from . import queries
from .forms import DisposeForm, ReportForm
from .models import ActionKind, Category, DisposalMethod, LostReport, QuestionKind, ReportState
from .questions import QuestionTemplate, default_questions, set_default_questions
from .views import bp, get_item_or_404, item_context, refusal


@bp.route("/reports", methods=["GET", "POST"])
def reports():
    form = ReportForm()
    error = refusal()
    if request.method == "GET":
        form.lost_on.data = clock.utcnow().astimezone(get_settings().zone).date()
    elif error is None and form.validate_on_submit():
        report = ops.report_lost(current_user, category=Category(form.category.data), what=form.what.data,
                                 lost_on=form.lost_on.data, where=form.where.data or "", name=form.name.data,
                                 phone=form.phone.data or "", email=form.email.data or "",
                                 language=form.language.data)  # refused: keep_input shows the form again
        db.session.commit()
        return redirect(url_for("lostfound.report", report_id=report.id))
    status = 422 if (form.errors or error) else 200
    return render_template("lostfound/reports.html", form=form, error=error,
                           reports=queries.open_reports()), status


def _report_or_404(report_id: int) -> LostReport:
    report = db.session.get(LostReport, report_id)
    if report is None:
        abort(404)
    return report


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    report = _report_or_404(report_id)
    suggestions = queries.suggested_items(report) if report.state is ReportState.OPEN else []
    return render_template("lostfound/report.html", report=report, suggestions=suggestions)


@bp.post("/reports/<int:report_id>/link/<int:item_id>")
def link_report(report_id: int, item_id: int):
    report, item = _report_or_404(report_id), get_item_or_404(item_id)
    if report.state is not ReportState.OPEN:
        raise ValidationFailed(_("This lost report is already linked or closed."))
    report.state, report.item_id = ReportState.MATCHED, item.id
    record(current_user, "lostfound.report_matched", report, item=item.reference)
    ops.add_action_point(current_user, ActionKind.CONTACT_GUEST, item=item, report=report, due_at=clock.utcnow(),
                         owner=current_user, note=_("Lost report of %(day)s: %(what)s",
                                                    day=report.lost_on.isoformat(), what=report.what))
    db.session.commit()
    flash(_("Linked. Contact the guest: the action point is on the list."), "success")
    return redirect(url_for("lostfound.item", item_id=item.id, _anchor="actions"))


@bp.post("/reports/<int:report_id>/close")
def close_report(report_id: int):
    ops.close_report(current_user, _report_or_404(report_id))
    db.session.commit()
    flash(_("Lost report closed."), "success")
    return redirect(url_for("lostfound.reports"))


@bp.get("/retention")
def retention():
    today = clock.utcnow().astimezone(get_settings().zone).date()
    return render_template("lostfound/retention.html", items=queries.retention_queue(),
                           dispose_form=DisposeForm(formdata=None, disposed_on=today))


@bp.post("/item/<int:item_id>/dispose")
def dispose(item_id: int):
    item = get_item_or_404(item_id)
    form = DisposeForm()
    if refusal() is not None or not form.validate_on_submit():
        db.session.rollback()
        return render_template("lostfound/item.html", **item_context(item, dispose_form=form, error=refusal())), 422
    ops.dispose_item(current_user, item, DisposalMethod(form.method.data), form.disposed_on.data, form.witness.data)
    db.session.commit()
    flash(_("Disposal recorded."), "success")
    return redirect(url_for("lostfound.retention") if request.form.get("next") == "retention"
                    else url_for("lostfound.item", item_id=item.id))


@bp.get("/outbox")
def outbox():
    from .mail import smtp_configured

    return render_template("lostfound/outbox.html", mails=queries.outbox(), smtp=smtp_configured())


@bp.route("/questions", methods=["GET", "POST"])
@allow()
def questions():
    category = request.values.get("category", Category.BANK_CARD.value)
    if category not in Category._value2member_map_:
        abort(404)
    category = Category(category)
    if request.method == "POST":
        rows = []
        for index in range(40):
            prompt = request.form.get(f"q{index}_prompt", "")[:200]
            kind = request.form.get(f"q{index}_kind", "text")
            if prompt.strip() and kind in QuestionKind._value2member_map_ and not request.form.get(f"q{index}_remove"):
                rows.append(QuestionTemplate(prompt, QuestionKind(kind)))
        set_default_questions(current_user, category, rows)
        db.session.commit()
        flash(_("Default questions saved."), "success")
        return redirect(url_for("lostfound.questions", category=category.value))
    return render_template("lostfound/questions.html", category=category, categories=list(Category),
                           rows=default_questions(category), kinds=list(QuestionKind), extra=3)

