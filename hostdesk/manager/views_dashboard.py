"""Service figures with charts, for a chosen day, week or date range."""
from __future__ import annotations

from datetime import timedelta

from flask import request
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from .. import clock
from ..htmx import render
from ..settings import get_settings
from .charts import bar_chart
from .figures import GREET_TARGET_SECONDS, service_figures
from .forms import PeriodForm
from .lf_figures import lost_found_figures
from .stats import make_period
from .trends import covers_tonight, greet_trend, items_per_month
from .views import bp


@bp.app_template_filter("manager_seconds")
def format_seconds(value: float | None) -> str:
    if value is None:
        return ""
    if value < 120:
        return _("%(n)s s", n=format_decimal(round(value)))
    minutes, rest = divmod(round(value), 60)
    return _("%(m)s min %(s)s s", m=minutes, s=f"{rest:02d}")


@bp.app_template_filter("manager_minutes")
def format_minutes(value: float | None) -> str:
    return "" if value is None else _("%(n)s min", n=format_decimal(round(value, 1)))


@bp.app_template_filter("manager_days")
def format_days(value: float | None) -> str:
    return "" if value is None else _("%(n)s days", n=format_decimal(round(value, 1)))


@bp.app_template_filter("manager_percent")
def format_share(value: float | None) -> str:
    return "" if value is None else format_percent(value)


def _charts(now, today, settings):
    greet = greet_trend(today, settings)
    service, tonight, slots = covers_tonight(now, settings)
    months = items_per_month(today, settings)
    short = [format_date(p.key, "d MMM") for p in greet]
    return {
        "greet": (greet, short, bar_chart(short, [[p.values[0] for p in greet]], label_every=7,
                                          reference=(GREET_TARGET_SECONDS, _("60 s")), fmt=lambda v: f"{v:.0f}")),
        "covers": (slots, service, tonight, bar_chart([p.label for p in slots], [[p.values[0] for p in slots]],
                                                      label_every=4, fmt=lambda v: f"{v:.0f}")),
        "items": (months, [format_date(p.key, "MMM yy") for p in months],
                  bar_chart([format_date(p.key, "MMM") for p in months],
                            [[p.values[0] for p in months], [p.values[1] for p in months]], label_every=1,
                            fmt=lambda v: f"{v:.0f}")),
    }


@bp.get("/")
def dashboard():
    settings = get_settings()
    now = clock.utcnow()
    today = clock.service_day(now, settings.zone, settings.boundary)
    form = PeriodForm(formdata=request.args)
    form.validate()
    for field in (form.day, form.start, form.end):
        if field.errors:
            field.data = None  # said beside the field; the figures fall back to a sensible period
    period = make_period(form.period.data or "day", form.day.data, form.start.data, form.end.data, today)
    form.period.data = period.kind
    form.day.data, form.start.data, form.end.data = period.start, period.start, period.end
    shortcuts = [
        (_("Today"), {"period": "day", "day": today.isoformat()}),
        (_("Yesterday"), {"period": "day", "day": (today - timedelta(days=1)).isoformat()}),
        (_("This week"), {"period": "week", "day": today.isoformat()}),
        (_("Last week"), {"period": "week", "day": (today - timedelta(days=7)).isoformat()}),
        (_("Last 4 weeks"), {"period": "range", "start": (today - timedelta(days=27)).isoformat(),
                             "end": today.isoformat()}),
    ]
    return render("manager/dashboard.html", "manager/_figures.html", form=form, period=period, shortcuts=shortcuts,
                  figures=service_figures(period, settings), lf=lost_found_figures(period, settings),
                  charts=_charts(now, today, settings), target=GREET_TARGET_SECONDS)
