"""The lost-and-found log: search and filters, an item's timeline, CSV export, a printable list."""
from __future__ import annotations

from flask import Response, abort, request
from flask_babel import gettext as _

from .. import clock
from ..htmx import render
from ..lostfound.models import Category, ItemState
from ..lostfound.queries import ItemFilter, item_by_id, timeline
from ..settings import get_settings
from .forms import LogFilterForm, options
from .log import all_locations, csv_lines, event_label, log_page, print_rows, visible_changes
from .views import bp

PRINT_LIMIT = 2000


def _member(enum_class, value):
    """The enum member for a submitted value, or None (Optional() lets blank-looking junk through)."""
    return enum_class._value2member_map_.get(value) if value else None


def _filter_form() -> tuple[LogFilterForm, ItemFilter]:
    form = LogFilterForm(formdata=request.args)
    form.state.choices = options([("", _("Any"))] + [(s.value, str(s.label)) for s in ItemState])
    form.category.choices = options([("", _("Any"))] + [(c.value, str(c.label)) for c in Category])
    if not form.validate():
        for name in form.errors:
            form[name].data = None  # a bad value filters nothing rather than failing the page
    f = ItemFilter(
        state=_member(ItemState, form.state.data), category=_member(Category, form.category.data),
        found_from=form.found_from.data, found_until=form.found_until.data,
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
    result = log_page(f, form.page.data or 1)
    args = _query_args()
    return render("manager/log.html", "manager/_log_table.html", form=form, result=result, args=args,
                  locations=all_locations)  # read only when the page shows the form


@bp.get("/lost-found/export.csv")
def log_csv():
    _, f = _filter_form()
    body = "".join(csv_lines(f))
    stamp = clock.utcnow().astimezone(get_settings().zone).strftime("%Y%m%d-%H%M")
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="lost-and-found-{stamp}.csv"',
                             "Content-Type": "text/csv; charset=utf-8"})


@bp.get("/lost-found/print")
def log_print():
    form, f = _filter_form()
    rows, truncated = print_rows(f, PRINT_LIMIT)
    return render("manager/log_print.html", form=form, rows=rows, truncated=truncated, limit=PRINT_LIMIT,
                  args=_query_args(), printed_at=clock.utcnow())


@bp.get("/lost-found/<int:item_id>")
def item(item_id: int):
    found = item_by_id(item_id)
    if found is None:
        abort(404)
    now = clock.utcnow()
    return render("manager/item.html", "manager/_timeline.html", item=found, entries=timeline(found),
                  event_label=event_label, visible_changes=visible_changes, now=now,
                  args=_query_args())
