"""Service figures with charts for a chosen day, week, month, year or range; compared, as CSV, printable."""
from __future__ import annotations

from datetime import timedelta

from flask import Response, request
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from .. import clock
from ..htmx import render
from ..settings import get_settings
from . import planning
from .charts import bar_chart
from .figures import service_figures
from .forms import PeriodForm
from .lf_figures import lost_found_figures
from .report import Comparison, compare, figures_csv, plain, source_label, turn_label
from .stats import MAX_YEARS, RangeTooLong, make_period, previous_period, year_earlier
from .trends import items_trend
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


@bp.app_template_filter("manager_figure")
def format_figure(value: float | None, kind: str = "count") -> str:
    """A count, percentage, seconds or minutes in the reader's locale ("" for no data)."""
    if kind == "seconds":
        return format_seconds(value)
    if kind == "percent":
        return format_share(value)
    return plain(value, kind)


@bp.app_template_filter("manager_signed")
def format_difference(value: float | None, kind: str = "count") -> str:
    return plain(value, kind, signed=True)


def step_label(day, step: str, long: bool = False) -> str:
    """A step of a chart: a day or a week's Monday as "9 Nov", a month as "Nov 2026" (never "Nov 26")."""
    if step == "month":
        return format_date(day, "LLLL yyyy" if long else "LLL yyyy")
    if step == "week":
        return _("week of %(day)s", day=format_date(day, "d MMM yyyy")) if long else format_date(day, "d MMM")
    return format_date(day, "EEE d MMM yyyy" if long else "d MMM")


def _number(value: float) -> str:
    return format_decimal(round(value, 1))


def _charts(period, settings, figures):
    step, greet = figures.trend
    items = items_trend(period, settings)[1]
    hours = [(hour, group) for hour, group in figures.hours]
    hour_labels = [f"{hour:02d}:00" for hour, _group in hours]
    red = settings.greet_red_seconds
    return {
        "step": step,
        "greet": (greet, [step_label(p.key, step, True) for p in greet],
                  bar_chart([step_label(p.key, step) for p in greet], [[p.values[0] for p in greet]],
                            y_title=_("seconds"), x_title=_("service day") if step == "day" else
                            _("week (from Monday)") if step == "week" else _("month"),
                            number=_number, reference=(red, _("%(n)s s", n=format_decimal(red))))),
        "hours": (hours, hour_labels,
                  bar_chart(hour_labels, [[float(g.covers_arrived) for _hour, g in hours]], y_title=_("covers"),
                            x_title=_("hour of the booked time"), number=_number)),
        "items": (items, [step_label(p.key, step, True) for p in items],
                  bar_chart([step_label(p.key, step) for p in items],
                            [[p.values[0] for p in items], [p.values[1] for p in items]], y_title=_("items"),
                            x_title=_("service day") if step == "day" else _("week (from Monday)")
                            if step == "week" else _("month"), number=_number)),
    }


def _period_from_request(today):
    """The form, the period (None when refused) and the refusal's message."""
    form = PeriodForm(formdata=request.args)
    form.validate()
    for field in (form.day, form.start, form.end, form.compare):
        if field.errors:
            field.data = None  # said beside the field; the figures fall back to a sensible period
    try:
        period = make_period(form.period.data or "day", form.day.data, form.start.data, form.end.data, today)
    except RangeTooLong:
        return form, None, _("A date range can be at most %(n)d years. Choose a shorter range.", n=MAX_YEARS)
    form.period.data = period.kind
    form.day.data, form.start.data, form.end.data = period.start, period.start, period.end
    return form, period, None


def _shortcuts(today):
    month_ago = today.replace(day=1) - timedelta(days=1)
    return [
        (_("Today"), {"period": "day", "day": today.isoformat()}),
        (_("Yesterday"), {"period": "day", "day": (today - timedelta(days=1)).isoformat()}),
        (_("This week"), {"period": "week", "day": today.isoformat()}),
        (_("Last week"), {"period": "week", "day": (today - timedelta(days=7)).isoformat()}),
        (_("This month"), {"period": "month", "day": today.isoformat()}),
        (_("Last month"), {"period": "month", "day": month_ago.isoformat()}),
        (_("This year"), {"period": "year", "day": today.isoformat()}),
        (_("Last 5 years"), {"period": "range", "start": (today.replace(year=today.year - MAX_YEARS)
                                                          + timedelta(days=1)).isoformat(),
                             "end": today.isoformat()}),
    ]


def _context(printing: bool = False) -> tuple[dict, int]:
    settings = get_settings()
    today = clock.service_day(clock.utcnow(), settings.zone, settings.boundary)
    form, period, refused = _period_from_request(today)
    context = {"form": form, "period": period, "refused": refused, "shortcuts": _shortcuts(today),
               "target": settings.greet_red_seconds, "printing": printing, "comparison": None,
               "late_minutes": settings.late_after_minutes, "turn_label": turn_label, "source_label": source_label,
               "query": {k: v for k, v in request.args.items() if v}}
    if period is None:
        return context, 422
    figures = service_figures(period, settings)
    lf = lost_found_figures(period, settings)
    context.update(figures=figures, lf=lf, charts=_charts(period, settings, figures),
                   quotes=figures.quotes,
                   pacing_overrides=planning.pacing_overrides(*period.bounds(settings.zone, settings.boundary)))
    if form.compare.data == "1":
        before, earlier = previous_period(period), year_earlier(period)
        context["comparison"] = Comparison(
            period, before, earlier, compare(figures.total, lf, service_figures(before, settings, False).total,
                                             lost_found_figures(before, settings),
                                             service_figures(earlier, settings, False).total,
                                             lost_found_figures(earlier, settings)))
    return context, 200


@bp.get("/")
def dashboard():
    context, status = _context()
    return render("manager/dashboard.html", "manager/_figures.html", status=status, **context)


@bp.get("/figures/print")
def dashboard_print():
    context, status = _context(printing=True)
    return render("manager/dashboard_print.html", status=status, printed_at=clock.utcnow(), **context)


@bp.get("/figures/export.csv")
def dashboard_csv():
    context, status = _context()
    if context["period"] is None:
        return Response(context["refused"], status=status, mimetype="text/plain")
    period = context["period"]
    body = figures_csv(context["figures"], context["lf"], context["comparison"])
    name = f"figures-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Content-Type": "text/csv; charset=utf-8"})
