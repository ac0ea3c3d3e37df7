"""The lost-and-found log: search and filters, an item's timeline, CSV export, a printable list."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..errors import DomainError
from ..extensions import db
from ..htmx import render
from ..lostfound.claims import unlock_claims
from ..lostfound.forms import DisposeForm
from ..lostfound.models import Category, DisposalMethod, ItemState
from ..lostfound.operations import dispose_item, ensure_disposable
from ..lostfound.queries import ItemFilter, item_by_id, timeline
from ..settings import get_settings
from .forms import LogFilterForm, options
from .log import SORTS, all_locations, csv_lines, event_label, log_page, print_rows, visible_changes
from .views import bp

PRINT_LIMIT = 2000
OPEN = "open"  # the state filter's "all open items": neither returned nor disposed of


def _member(enum_class, value):
    """The enum member for a submitted value, or None (Optional() lets blank-looking junk through)."""
    return enum_class._value2member_map_.get(value) if value else None


def _filter_form() -> tuple[LogFilterForm, ItemFilter]:
    form = LogFilterForm(formdata=request.args)
    form.state.choices = options([("", _("Any")), (OPEN, _("All open items"))]
                                 + [(s.value, str(s.label)) for s in ItemState])
    form.category.choices = options([("", _("Any"))] + [(c.value, str(c.label)) for c in Category])
    form.sort.choices = options([(key, str(label)) for key, (label, _order) in SORTS.items()])
    if not form.validate():
        for name in form.errors:
            form[name].data = None  # a bad value filters nothing rather than failing the page
    found_from, found_until = form.found_from.data, form.found_until.data
    form.date_message = None
    if found_from and found_until and found_from > found_until:
        form.date_message = _("The from-date is after the until-date. Swap them or choose other dates.")
        found_from = found_until = None
    f = ItemFilter(
        state=_member(ItemState, form.state.data), category=_member(Category, form.category.data),
        open_only=form.state.data == OPEN, found_from=found_from, found_until=found_until,
        storage_location=(form.location.data or "").strip() or None,
        past_retention=form.past_retention.data == "1", claims_locked=form.locked.data == "1",
        open_actions=form.open_actions.data == "1", search=(form.q.data or "").strip()[:100],
    )
    return form, f


def _query_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k != "page" and v}


@bp.get("/lost-found")
def log():
    form, f = _filter_form()
    result = log_page(f, form.page.data or 1, sort=form.sort.data or "newest")
    args = _query_args()
    return render("manager/log.html", "manager/_log_table.html", form=form, result=result, args=args,
                  locations=all_locations)  # read only when the page shows the form


@bp.get("/lost-found/export.csv")
def log_csv():
    _, f = _filter_form()
    body = "".join(csv_lines(f, request.args.get("sort", "newest")))
    stamp = clock.utcnow().astimezone(get_settings().zone).strftime("%Y%m%d-%H%M")
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="lost-and-found-{stamp}.csv"',
                             "Content-Type": "text/csv; charset=utf-8"})


@bp.get("/lost-found/print")
def log_print():
    form, f = _filter_form()
    rows, truncated = print_rows(f, PRINT_LIMIT, request.args.get("sort", "newest"))
    return render("manager/log_print.html", form=form, rows=rows, truncated=truncated, limit=PRINT_LIMIT,
                  args=_query_args(), printed_at=clock.utcnow())


def _item_page(found, status: int = 200, dispose_form=None, error=None):
    today = clock.utcnow().astimezone(get_settings().zone).date()
    fragment = "manager/_timeline.html" if request.method == "GET" else None  # a refused action: the whole page
    return render("manager/item.html", fragment, status=status, item=found,
                  entries=timeline(found), event_label=event_label, visible_changes=visible_changes,
                  now=clock.utcnow(), args=_query_args(), error=error,
                  dispose_form=dispose_form or DisposeForm(formdata=None, disposed_on=today))


def _item_or_404(item_id: int):
    found = item_by_id(item_id)
    if found is None:
        abort(404)
    return found


@bp.get("/lost-found/<int:item_id>")
def item(item_id: int):
    return _item_page(_item_or_404(item_id))


@bp.post("/lost-found/<int:item_id>/unlock")
def item_unlock(item_id: int):
    found = _item_or_404(item_id)
    unlock_claims(current_user._get_current_object(), found)
    db.session.commit()
    flash(_("Claims unlocked. The count of failed attempts starts again."), "success")
    return redirect(url_for(".item", item_id=found.id, **_query_args()))


@bp.post("/lost-found/<int:item_id>/dispose")
def item_dispose(item_id: int):
    found = _item_or_404(item_id)
    form = DisposeForm()
    try:
        ensure_disposable(found)
    except DomainError as refused:  # the page has no disposal form to show the form's errors in
        return _item_page(found, refused.status, error=str(refused.message))
    if not form.validate_on_submit():
        return _item_page(found, 422, dispose_form=form)
    try:
        dispose_item(current_user._get_current_object(), found, DisposalMethod(form.method.data),
                     form.disposed_on.data, form.witness.data)
    except DomainError as refused:
        db.session.rollback()
        return _item_page(_item_or_404(item_id), refused.status, dispose_form=form, error=str(refused.message))
    db.session.commit()
    flash(_("Disposal recorded."), "success")
    return redirect(url_for(".item", item_id=found.id, **_query_args()))
