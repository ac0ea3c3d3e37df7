"""Lost reports, the retention queue and disposal, the outbox, and the managers' default questions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..auth.access import allow
from ..errors import ValidationFailed
from ..extensions import db
from ..settings import get_settings
from . import operations as ops
from . import queries
from .forms import DisposeForm, ReportForm
from .models import Category, DisposalMethod, LostReport, OutboxMail, QuestionKind, ReportState
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
    ops.link_report(current_user, report, item)
    db.session.commit()
    flash(_("Linked. Contact the guest: the action point is on the list."), "success")
    return redirect(url_for("lostfound.item", item_id=item.id, _anchor="actions"))


@bp.post("/reports/<int:report_id>/unlink")
def unlink_report(report_id: int):
    report = _report_or_404(report_id)
    matched = ops.unlink_report(current_user, report)
    db.session.commit()
    if matched is not None:
        flash(_("Unlinked. The report found another item that may be it: %(ref)s.", ref=report.item.reference),
              "success")
    else:
        flash(_("Unlinked. The report is open again and looks for matches."), "success")
    return redirect(url_for("lostfound.report", report_id=report.id))


@bp.post("/reports/<int:report_id>/close")
def close_report(report_id: int):
    ops.close_report(current_user, _report_or_404(report_id))
    db.session.commit()
    flash(_("Lost report closed."), "success")
    return redirect(url_for("lostfound.reports"))


@bp.get("/retention")
def retention():
    today = clock.utcnow().astimezone(get_settings().zone).date()
    from ..jobs import PURGE, last_run

    return render_template("lostfound/retention.html", items=queries.retention_queue(),
                           dispose_form=DisposeForm(formdata=None, disposed_on=today),
                           last_purge=last_run(PURGE) if current_user.is_manager else None,
                           erasure_days=get_settings().personal_data_erasure_days)


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
    from .mail import mail_ready, smtp_configured

    return render_template("lostfound/outbox.html", mails=queries.outbox(), smtp=smtp_configured(),
                           ready=mail_ready())


def _mail_or_404(mail_id: int) -> OutboxMail:
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None:
        abort(404)
    return mail


@bp.post("/outbox/<int:mail_id>/cancel")
def cancel_mail(mail_id: int):
    from .mail import cancel_mail as cancel

    cancel(current_user, _mail_or_404(mail_id))
    db.session.commit()
    flash(_("The e-mail is cancelled: it will not be sent."), "success")
    return redirect(url_for("lostfound.outbox"))


@bp.post("/outbox/<int:mail_id>/retry")
def retry_mail(mail_id: int):
    from .mail import retry_now, send_outbox

    retry_now(current_user, _mail_or_404(mail_id))
    db.session.commit()
    send_outbox()
    db.session.commit()
    flash(_("Tried again: the state below says how it went."), "info")
    return redirect(url_for("lostfound.outbox"))


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



@bp.route("/aliases", methods=["GET", "POST"])
@allow()
def aliases():
    """Managers' own answer aliases per category, beside the ones the app ships (docs/lostfound.md)."""
    from .matching import builtin_aliases, own_aliases, set_answer_aliases

    category = request.values.get("category", Category.BANK_CARD.value)
    if category not in Category._value2member_map_:
        abort(404)
    category = Category(category)
    error = None
    text = "\n".join(", ".join(group) for group in own_aliases(category.value))
    if request.method == "POST":
        text = request.form.get("groups", "")[:5000]
        try:
            set_answer_aliases(current_user, category, text)
        except ValidationFailed as refused:
            db.session.rollback()
            error = str(refused.message)
        else:
            db.session.commit()
            flash(_("Answer aliases saved."), "success")
            return redirect(url_for("lostfound.aliases", category=category.value))
    return render_template("lostfound/aliases.html", category=category, categories=list(Category), text=text,
                           builtin=builtin_aliases().get(category.value, ()), error=error), 422 if error else 200
