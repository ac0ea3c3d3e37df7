"""The claim flow on an item's page: verify, unlock, pickup or post, hand-over, arrival, aftercare,
and action points."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.access import allow
from ..auth.models import User
from ..errors import ValidationFailed
from ..extensions import db
from ..htmx import is_htmx, render
from . import operations as ops
from .claims import attempts_left
from .forms import (
    AftercareForm,
    ArrivalForm,
    CallbackForm,
    DoneForm,
    HandOverForm,
    PickupForm,
    PostAgreeForm,
    PostedForm,
    VerifyForm,
)
from .mail import aftercare_draft, send_aftercare, send_note
from .models import ActionKind, ActionPoint, AttemptOutcome, Channel, MailState
from .views import bp, get_item_or_404, item_context, refusal, to_utc


def _back(item, message: str | None = None, anchor: str = "claim"):
    if message:
        flash(message, "success")
    return redirect(url_for("lostfound.item", item_id=item.id, _anchor=anchor))


def _invalid(item, form, **extra):
    """A form with input errors or refused input: the item page again, with what was typed, status 422."""
    db.session.rollback()
    return render_template("lostfound/item.html", **item_context(item, error=refusal(), **extra)), 422


def _refused_or_invalid(form) -> bool:
    return refusal() is not None or not form.validate_on_submit()


@bp.post("/item/<int:item_id>/verify")
def verify(item_id: int):
    item = get_item_or_404(item_id)
    form = VerifyForm()
    if _refused_or_invalid(form):
        db.session.rollback()
        context = item_context(item, verify_form=form, claim_error=refusal())
        return render("lostfound/item.html", "lostfound/_claim.html", status=422, **context)
    answers = {q.id: request.form.get(f"answer_{q.id}", "")[:200] for q in item.questions}
    attempt = ops.verify_claim(current_user, item, claimant_name=form.claimant_name.data,
                               channel=Channel(form.channel.data), answers=answers)
    db.session.commit()
    item = get_item_or_404(item_id)
    # Only verified or not, and the attempts left: which questions matched would tell a caller which
    # answers were right. The per-question result is in the audit, for a manager.
    if attempt.outcome is AttemptOutcome.VERIFIED:
        message = _("Verified. Record how it goes back.")
    elif attempt.outcome is AttemptOutcome.FAILED and not item.claims_locked:
        message = ngettext("Not verified. Do not hand anything over. %(num)d attempt left.",
                           "Not verified. Do not hand anything over. %(num)d attempts left.", attempts_left(item))
    else:
        message = _("Not verified. Claims on this item are now locked: ask a manager to unlock it.")
    kept = VerifyForm(formdata=None, claimant_name=form.claimant_name.data, channel=form.channel.data)
    context = item_context(item, result=attempt, result_message=message, oob=is_htmx(), verify_form=kept)
    return render("lostfound/item.html", "lostfound/_claim.html", **context)


@bp.post("/item/<int:item_id>/unlock")
@allow()
def unlock(item_id: int):
    item = get_item_or_404(item_id)
    ops.unlock_claims(current_user, item)
    db.session.commit()
    return _back(item, _("Claims unlocked. The count of failed attempts starts again."))


@bp.post("/item/<int:item_id>/pickup")
def pickup(item_id: int):
    item = get_item_or_404(item_id)
    form = PickupForm(prefix="pickup")
    if _refused_or_invalid(form):
        return _invalid(item, form, pickup_form=form)
    claim = ops.choose_pickup(current_user, item, phone=form.phone.data or "", email=form.email.data or "",
                              language=form.language.data)
    db.session.commit()
    return _back(item, _("Held for pickup. Give the claimant the pickup code %(code)s.", code=claim.pickup_code))


@bp.post("/item/<int:item_id>/agree-post")
def agree_post(item_id: int):
    item = get_item_or_404(item_id)
    form = PostAgreeForm(prefix="post")
    if _refused_or_invalid(form):
        return _invalid(item, form, post_form=form)
    ops.choose_post(current_user, item, postal_address=form.postal_address.data, phone=form.phone.data or "",
                    email=form.email.data or "", language=form.language.data,
                    due_at=to_utc(form.due_at.data) if form.due_at.data else None)
    db.session.commit()
    return _back(item, _("Address saved. The action point “post the item” is on the list."))


@bp.post("/item/<int:item_id>/posted")
def posted(item_id: int):
    item = get_item_or_404(item_id)
    form = PostedForm()
    if _refused_or_invalid(form):
        return _invalid(item, form, posted_form=form)
    cents = int((form.postage.data * 100).to_integral_value()) if isinstance(form.postage.data, Decimal) else None
    ops.post_item(current_user, item, posted_on=form.posted_on.data, carrier=form.carrier.data or "",
                  tracking=form.tracking.data or "", postage_cents=cents)
    db.session.commit()
    return redirect(url_for("lostfound.aftercare", item_id=item.id))


@bp.post("/item/<int:item_id>/hand-over")
def hand_over(item_id: int):
    item = get_item_or_404(item_id)
    form = HandOverForm()
    if _refused_or_invalid(form):
        return _invalid(item, form, handover_form=form)
    ops.hand_over(current_user, item, pickup_code=form.pickup_code.data, id_checked=form.id_checked.data)
    db.session.commit()
    return _back(item, _("Handed over. The item is returned."))


@bp.post("/item/<int:item_id>/arrived")
def arrived(item_id: int):
    item = get_item_or_404(item_id)
    form = ArrivalForm()
    if _refused_or_invalid(form):
        return _invalid(item, form, arrival_form=form)
    ops.confirm_arrival(current_user, item, reply_note=form.reply_note.data or "")
    mail = send_note(current_user, item, form.personal_note.data or "")
    db.session.commit()
    if mail is None and (form.personal_note.data or "").strip():
        return _back(item, _("Reply noted. The item is returned and closed. There is no e-mail address, so the "
                             "personal note was not sent."))
    return _back(item, _("Reply noted. The item is returned and closed.") + (" " + _mail_outcome(mail) if mail else ""))


def _mail_outcome(mail) -> str:
    if mail.state is MailState.SENT:
        return _("E-mail sent.")
    if mail.state is MailState.RETRYING:
        return _("The mail server could not be reached: the e-mail, as written, waits in the outbox and is tried "
                 "again until it is sent.")
    return _("No mail server is set up: the e-mail waits in the outbox.")


@bp.route("/item/<int:item_id>/aftercare", methods=["GET", "POST"])
def aftercare(item_id: int):
    item = get_item_or_404(item_id)
    if item.claim is None or item.claim.posted_on is None:
        abort(404)
    form = AftercareForm()
    error = refusal()
    if request.method == "GET":
        form.subject.data, form.body.data = aftercare_draft(item)
    elif error is None and form.validate_on_submit():
        mail = send_aftercare(current_user, item, form.subject.data, form.body.data)  # refused: form shown again
        db.session.commit()
        flash(_mail_outcome(mail), "success" if mail.state is MailState.SENT else "info")
        return redirect(url_for("lostfound.item", item_id=item.id, _anchor="claim"))
    status = 422 if (form.errors or error) else 200
    return render_template("lostfound/aftercare.html", item=item, form=form, error=error), status


@bp.post("/item/<int:item_id>/callback")
def add_callback(item_id: int):
    item = get_item_or_404(item_id)
    form = CallbackForm()
    if _refused_or_invalid(form):
        return _invalid(item, form, callback_form=form)
    ops.add_action_point(current_user, ActionKind.CALLBACK, item=item, due_at=to_utc(form.due_at.data),
                         owner=db.session.get(User, form.owner.data or current_user.id), note=form.note.data or "")
    db.session.commit()
    return _back(item, _("Call-back planned."), anchor="actions")


@bp.post("/action/<int:point_id>/done")
def action_done(point_id: int):
    point = db.session.get(ActionPoint, point_id)
    if point is None:
        abort(404)
    form = DoneForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("A note is at most 300 characters."))
    ops.complete_action_point(current_user, point, form.note.data or "")
    db.session.commit()
    if is_htmx():
        return render_template("lostfound/_action.html", point=point, done_form=DoneForm(formdata=None))
    if request.form.get("next") == "index" or point.item_id is None:
        flash(_("Done."), "success")
        return redirect(url_for("lostfound.index"))
    return _back(point.item, _("Done."), anchor="actions")

