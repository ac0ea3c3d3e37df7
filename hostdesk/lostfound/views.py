"""Lost-and-found screens: the list with due action points, registering, the item page, label, photo."""
from __future__ import annotations

import hashlib
import io
from datetime import date, datetime

import segno
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from .. import cards, clock
from ..auth.session import passive
from ..errors import ValidationFailed
from ..extensions import db
from ..htmx import is_htmx, render
from ..settings import get_settings
from . import queries
from .forms import CallbackForm, DoneForm, RegisterForm, category_choices
from .matching import COLOUR_LABELS
from .models import Category, ItemState, QuestionKind
from .operations import NewItem, NewQuestion, register_found_item
from .photos import MAX_BYTES, photo_path, read_upload
from .questions import default_questions

bp = Blueprint("lostfound", __name__, url_prefix="/lost-found")

EXTRA_QUESTIONS = 2
# Forms whose page comes back with what was typed when a rule refuses the input (a card number,
# a photo, a missing claimant name): every other field kept, the refused one emptied.
KEEPS_INPUT = {"lostfound.register", "lostfound.reports", "lostfound.aftercare", "lostfound.verify",
               "lostfound.add_callback", "lostfound.arrived", "lostfound.agree_post", "lostfound.pickup",
               "lostfound.posted", "lostfound.dispose"}


def refusal() -> str | None:
    """The message of the rule that refused this request's input, when its form is shown again."""
    return g.get("lf_refused")


@bp.errorhandler(ValidationFailed)
def keep_input(error: ValidationFailed):
    """Show the form again with its input, the offending values left out, instead of a bare redirect."""
    from ..web import _message_response

    db.session.rollback()
    if request.method != "POST" or request.endpoint not in KEEPS_INPUT or refusal() is not None:
        if not is_htmx() and request.method == "POST" and request.referrer:  # as the app's own handler does
            flash(str(error.message), "error")
            return redirect(request.referrer)
        return _message_response(str(error.message), error.status)
    g.lf_refused = str(error.message)
    request.form = MultiDict([(key, value) for key, value in request.form.items(multi=True)
                              if "\x00" not in value and not cards.holds_card_number(value)])
    request.files = MultiDict()
    response = current_app.make_response(current_app.view_functions[request.endpoint](**request.view_args))
    if response.status_code < 400:
        response.status_code = error.status
    return response


@bp.app_template_filter("lf_date")
def lf_date(value: date | None) -> str:
    return format_date(value, "d MMM yyyy") if value else ""


def local_now() -> datetime:
    return clock.utcnow().astimezone(get_settings().zone).replace(second=0, microsecond=0, tzinfo=None)


def to_utc(naive: datetime) -> datetime:
    return naive.replace(tzinfo=get_settings().zone)


def get_item_or_404(item_id: int):
    item = queries.item_by_id(item_id)
    if item is None:
        abort(404)
    return item


def _parse_filter() -> queries.ItemFilter:
    args = request.args

    def day(name):
        return clock.parse_day(args.get(name))

    state = args.get("state", "")
    category = args.get("category", "")
    return queries.ItemFilter(
        state=ItemState(state) if state in ItemState._value2member_map_ else None,
        category=Category(category) if category in Category._value2member_map_ else None,
        found_from=day("from"), found_until=day("until"), search=args.get("q", "")[:100],
        open_only=args.get("all") != "1" and not state,
        past_retention=args.get("past_retention") == "1", claims_locked=args.get("locked") == "1",
        open_actions=args.get("actions") == "1", storage_location=args.get("storage") or None,
    )


@bp.get("/due/count")
@passive
def due_count():
    """The header's count of due action points, fetched by every page for staff and managers."""
    return render_template("lostfound/_due_badge.html", lf_due=queries.due_count())


@bp.get("/due")
@passive
def due():
    """The "to do now" list and the header's count, fetched again by the page every 30 seconds; 204
    while nothing changed, so a note being typed into the list is not swapped away."""
    due, upcoming = queries.due_action_points(), queries.upcoming_action_points()
    version = due_version(due, upcoming)
    if request.args.get("v") == version:
        return "", 204
    return render_template("lostfound/_due.html", due=due, upcoming=upcoming, done_form=DoneForm(formdata=None),
                           refreshed=True, due_version=version, lf_due=len(due))


def due_version(due, upcoming) -> str:
    """A fingerprint of the lists: which points are due now and which later."""
    ids = ",".join(str(p.id) for p in due) + "|" + ",".join(str(p.id) for p in upcoming)
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


@bp.get("/")
def index():
    filters = _parse_filter()
    due, upcoming = queries.due_action_points(), queries.upcoming_action_points()
    context = dict(items=queries.items(filters), filters=filters, due=due, upcoming=upcoming,
                   due_version=due_version(due, upcoming), states=list(ItemState), categories=category_choices(),
                   retention_count=len(queries.retention_queue()), reports=queries.open_reports(limit=5),
                   storage_places=queries.storage_locations(), done_form=DoneForm(formdata=None))
    return render("lostfound/index.html", "lostfound/_items.html", **context)


@bp.get("/new")
def choose_category():
    return render_template("lostfound/choose_category.html", categories=list(Category))


def _question_rows(category: Category) -> list[dict]:
    rows = [dict(prompt=q.prompt, kind=q.kind, fixed=True) for q in default_questions(category)]
    rows += [dict(prompt="", kind=QuestionKind.TEXT, fixed=False) for _ in range(EXTRA_QUESTIONS)]
    return rows


def _submitted_questions(rows: list[dict]) -> list[NewQuestion]:
    questions = []
    for index, row in enumerate(rows):
        prompt = row["prompt"] if row["fixed"] else request.form.get(f"q{index}_prompt", "")
        kind = row["kind"]
        if not row["fixed"]:
            raw_kind = request.form.get(f"q{index}_kind", "text")
            kind = QuestionKind(raw_kind) if raw_kind in QuestionKind._value2member_map_ else QuestionKind.TEXT
        answer = request.form.get(f"q{index}_answer", "")[:200]
        questions.append(NewQuestion(prompt=prompt[:200], kind=kind, answer=answer))
    return questions


@bp.route("/new/<category>", methods=["GET", "POST"])
def register(category: str):
    if category not in Category._value2member_map_:
        abort(404)
    category = Category(category)
    form = RegisterForm()
    if request.method == "GET":
        form.found_at.data = local_now()
    rows = _question_rows(category)
    error = refusal()
    if error is None and form.validate_on_submit():
        upload = form.photo.data
        photo = read_upload(upload)  # over the limit: refused, keep_input shows the form again
        new = NewItem(category=category, description=form.description.data, where_found=form.where_found.data or "",
                      found_at=to_utc(form.found_at.data), storage_location=form.storage_location.data,
                      questions=_submitted_questions(rows), photo=photo,
                      photo_filename=getattr(upload, "filename", "") or "" if photo else "")
        item = register_found_item(current_user, new)  # refused: keep_input shows the form again
        db.session.commit()
        return redirect(url_for("lostfound.item", item_id=item.id, registered=1))
    if request.method == "POST":  # keep the own questions and their kinds; never the expected answers
        for index, row in enumerate(rows):
            if not row["fixed"]:
                row["prompt"] = request.form.get(f"q{index}_prompt", "")[:200]
                raw_kind = request.form.get(f"q{index}_kind", "text")
                row["kind"] = QuestionKind(raw_kind) if raw_kind in QuestionKind._value2member_map_ else row["kind"]
    status = 422 if (form.errors or error) else 200
    return render_template("lostfound/register.html", form=form, category=category, rows=rows, error=error,
                           colours=COLOUR_LABELS, kinds=list(QuestionKind), places=_places(),
                           storage_places=queries.storage_locations(), max_photo_bytes=MAX_BYTES), status


def _places() -> list[str]:
    """Table and area names from the floor plan, as suggestions for "where found"."""
    return queries.floor_places()


@bp.get("/item/<int:item_id>")
def item(item_id: int):
    item = get_item_or_404(item_id)
    return render_template("lostfound/item.html", **item_context(item))


def item_context(item, **extra) -> dict:
    from .claims import attempts_left
    from .forms import ArrivalForm, DisposeForm, HandOverForm, PickupForm, PostAgreeForm, PostedForm, VerifyForm

    today = clock.utcnow().astimezone(get_settings().zone).date()
    posted = PostedForm(formdata=None, posted_on=today)
    dispose = DisposeForm(formdata=None, disposed_on=today)
    callback = CallbackForm(formdata=None, owner=getattr(current_user, "id", None))
    context = dict(
        item=item, claim=item.claim, attempts=queries.attempts_for(item), actions=queries.action_points_for(item),
        timeline=timeline_rows(queries.timeline(item), queries.mails_for(item)), reports=queries.reports_for(item),
        verify_form=VerifyForm(formdata=None),
        pickup_form=PickupForm(formdata=None, prefix="pickup"),
        post_form=PostAgreeForm(formdata=None, prefix="post"), posted_form=posted,
        handover_form=HandOverForm(formdata=None), arrival_form=ArrivalForm(formdata=None),
        done_form=DoneForm(formdata=None),
        dispose_form=dispose, callback_form=callback, past_retention=item.dispose_after <= clock.utcnow(),
        result=None, ItemState=ItemState, QuestionKind=QuestionKind, colours=COLOUR_LABELS,
        attempts_left=attempts_left(item), error=None, claim_error=None,
    )
    context.update(extra)
    return context


def timeline_rows(entries, mails=()) -> list[dict]:
    """What happened, oldest first, in the reader's language: each audit entry with its changes (ids and
    flags left out; which answers matched for a manager only), and each e-mail with its text and state."""
    from .labels import ACTION_LABELS, HIDDEN_CHANGES, MANAGER_CHANGES, change_rows

    hidden = HIDDEN_CHANGES if current_user.is_manager else HIDDEN_CHANGES | MANAGER_CHANGES
    rows = [dict(at=entry.at, label=ACTION_LABELS.get(entry.action, entry.action), who=entry.actor_name,
                 changes=change_rows(entry.changes, hidden), mail=None) for entry in entries]
    for mail in mails:
        rows.append(dict(at=mail.sent_at or mail.created_at, label=_("E-mail: %(subject)s", subject=mail.subject),
                         who=None, changes=[], mail=mail))
    rows.sort(key=lambda row: row["at"])
    return rows


@bp.get("/item/<int:item_id>/photo")
def photo(item_id: int):
    item = get_item_or_404(item_id)
    path = photo_path(item.photo_name or "")
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, download_name=f"{item.reference}.jpg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f'inline; filename="{item.reference}.jpg"'
    return response


def item_url(item) -> str:
    return url_for("lostfound.item", item_id=item.id, _external=True)


@bp.get("/item/<int:item_id>/label")
def label(item_id: int):
    item = get_item_or_404(item_id)
    qr = segno.make(item_url(item), error="m")
    svg = qr.svg_inline(scale=5, border=2, dark="#000", light="#fff",
                        title=_("Item page of %(ref)s", ref=item.reference))
    return render_template("lostfound/label.html", item=item, qr_svg=svg, url=item_url(item))


@bp.get("/item/<int:item_id>/label-qr.png")
def label_qr(item_id: int):
    item = get_item_or_404(item_id)
    out = io.BytesIO()
    segno.make(item_url(item), error="m").save(out, kind="png", scale=6, border=4)
    out.seek(0)
    return send_file(out, mimetype="image/png", max_age=0)


from . import views_admin, views_claims  # noqa: E402,F401  (routes on the same blueprint)
