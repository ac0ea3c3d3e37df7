"""The period's figures side by side with the previous period and a year earlier, and as CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from ..settings import get_settings
from .figures import Group, ServiceFigures
from .lf_figures import LostFoundFigures
from .log import neutralise
from .stats import Period


@dataclass(frozen=True)
class CompareRow:
    label: str
    kind: str  # "count", "percent", "seconds"
    now: float | None
    before: float | None
    earlier: float | None

    @staticmethod
    def _difference(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    @property
    def versus_before(self) -> float | None:
        return self._difference(self.now, self.before)

    @property
    def versus_earlier(self) -> float | None:
        return self._difference(self.now, self.earlier)


@dataclass(frozen=True)
class Comparison:
    period: Period
    before: Period
    earlier: Period
    rows: list[CompareRow]


def _rows() -> list[tuple[str, str, Callable[[Group, LostFoundFigures], float | None]]]:
    target = get_settings().greet_red_seconds
    return [
        (_("Parties"), "count", lambda g, lf: g.parties),
        (_("Covers arrived"), "count", lambda g, lf: g.covers_arrived),
        (_("Covers booked (not cancelled, no-shows included)"), "count", lambda g, lf: g.covers_booked),
        (_("Walk-in covers"), "count", lambda g, lf: g.covers_walk_in),
        (_("No-show rate"), "percent", lambda g, lf: g.no_show_rate),
        (_("Cancellations"), "count", lambda g, lf: g.cancellations),
        (_("Late arrivals"), "count", lambda g, lf: g.late_arrivals),
        (_("Time to greet, median"), "seconds", lambda g, lf: g.greet_median),
        (_("Greeted within %(n)d seconds", n=target), "percent", lambda g, lf: g.greeted_within_target),
        (_("Arrival to seated, median"), "seconds", lambda g, lf: g.seat_median),
        (_("Items registered"), "count", lambda g, lf: lf.registered),
        (_("Items returned"), "count", lambda g, lf: lf.returned),
    ]


def compare(now: Group, lf_now: LostFoundFigures, before: Group, lf_before: LostFoundFigures, earlier: Group,
            lf_earlier: LostFoundFigures) -> list[CompareRow]:
    return [CompareRow(label, kind, get(now, lf_now), get(before, lf_before), get(earlier, lf_earlier))
            for label, kind, get in _rows()]


def plain(value: float | None, kind: str, signed: bool = False) -> str:
    """A figure for a CSV cell or a comparison: percent in points for a difference, seconds whole."""
    if value is None:
        return ""
    if kind == "percent":
        if signed:
            return _("%(n)s pt", n=format_decimal(round(value * 100, 1), format="+#,##0.#;-#,##0.#"))
        return format_percent(value)
    number = round(value) if kind in ("seconds", "count") else round(value, 1)
    text = format_decimal(number, format="+#,##0.#;-#,##0.#") if signed else format_decimal(number)
    return _("%(n)s s", n=text) if signed and kind == "seconds" else text


def figures_csv(figures: ServiceFigures, lf: LostFoundFigures, comparison: Comparison | None) -> str:
    """The dashboard's tables as CSV: a BOM (Excel then reads UTF-8), the settings' delimiter, and no
    cell a spreadsheet would run as a formula."""
    settings = get_settings()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=settings.csv_delimiter, lineterminator="\r\n")

    def row(*cells) -> None:
        writer.writerow([neutralise(cell) for cell in cells])

    period = figures.period
    row(_("Service figures"), settings.restaurant_name, format_date(period.start, "yyyy-MM-dd"),
        format_date(period.end, "yyyy-MM-dd"))
    groups = [(_("All services"), figures.total)] + [(name or _("Outside service hours"), g)
                                                     for name, g in figures.services]
    row(_("Figure"), *[name for name, _g in groups])
    table = [
        (_("Parties"), lambda g: plain(g.parties, "count")),
        (_("Time to greet, median (seconds)"), lambda g: plain(g.greet_median, "seconds")),
        (_("Time to greet, 90th percentile (seconds)"), lambda g: plain(g.greet_p90, "seconds")),
        (_("Greeted within %(n)d seconds", n=settings.greet_red_seconds),
         lambda g: plain(g.greeted_within_target, "percent")),
        (_("Parties greeted"), lambda g: plain(g.greeted, "count")),
        (_("Arrival to seated, median (seconds)"), lambda g: plain(g.seat_median, "seconds")),
        (_("Arrival to seated, 90th percentile (seconds)"), lambda g: plain(g.seat_p90, "seconds")),
        (_("Covers booked (not cancelled, no-shows included)"), lambda g: plain(g.covers_booked, "count")),
        (_("Covers expected (as on the host board)"), lambda g: plain(g.covers_expected, "count")),
        (_("Covers arrived"), lambda g: plain(g.covers_arrived, "count")),
        (_("Walk-in covers"), lambda g: plain(g.covers_walk_in, "count")),
        (_("No-shows (bookings)"), lambda g: plain(g.no_shows, "count")),
        (_("No-show rate"), lambda g: plain(g.no_show_rate, "percent")),
        (_("Cancellations"), lambda g: plain(g.cancellations, "count")),
        (_("Late arrivals"), lambda g: plain(g.late_arrivals, "count")),
        (_("Waitlist: quoted wait, median (minutes)"), lambda g: plain(g.quoted_wait_median, "minutes")),
        (_("Waitlist: actual wait, median (minutes)"), lambda g: plain(g.actual_wait_median, "minutes")),
        (_("Waitlist: called within the quote"), lambda g: plain(g.waited_within_quote, "percent")),
    ]
    for label, get in table:
        row(label, *[get(g) for _n, g in groups])
    row()
    row(_("Host"), _("Parties greeted"), _("Time to greet, median (seconds)"), _("Parties seated"),
        _("Arrival to seated, median (seconds)"))
    for host in figures.hosts:
        row(host.name, plain(host.greeted.greeted, "count"), plain(host.greeted.greet_median, "seconds"),
            plain(host.seated.seated, "count"), plain(host.seated.seat_median, "seconds"))
    row()
    row(_("Party size"), _("Parties"), _("Seated to left, median (minutes)"), _("Planned (minutes)"))
    for turn in figures.turns:
        row(turn_label(turn), plain(turn.spread.count, "count"), plain(turn.spread.median, "minutes"),
            plain(turn.expected_minutes, "count"))
    row()
    row(_("Hour"), _("Parties"), _("Covers arrived"))
    for hour, g in figures.hours:
        row(f"{hour:02d}:00", plain(g.parties, "count"), plain(g.covers_arrived, "count"))
    row()
    row(_("Source"), _("Parties"), _("Covers arrived"), _("Cancellations"))
    for source, g in figures.sources:
        row(str(source_label(source)), plain(g.parties, "count"), plain(g.covers_arrived, "count"),
            plain(g.cancellations, "count"))
    row()
    row(_("Lost and found"), _("Number"))
    for label, value in ((_("Items registered"), lf.registered), (_("Items returned"), lf.returned),
                         (_("Items disposed of"), lf.disposed), (_("Claims verified"), lf.claims_verified),
                         (_("Claims failed"), lf.claims_failed)):
        row(label, plain(value, "count"))
    row(_("Days to return, median"), plain(lf.median_days_to_return, "minutes"))
    if comparison is not None:
        row()
        row(_("Figure"), _("This period"), _("Previous period"), _("Difference"), _("A year earlier"),
            _("Difference"))
        for line in comparison.rows:
            row(line.label, plain(line.now, line.kind), plain(line.before, line.kind),
                plain(line.versus_before, line.kind, True), plain(line.earlier, line.kind),
                plain(line.versus_earlier, line.kind, True))
    return "\ufeff" + buffer.getvalue()


def turn_label(turn) -> str:
    if turn.expected_minutes is None:
        return _("All parties")
    if turn.largest is None:
        return _("%(n)d guests or more", n=turn.smallest)
    if turn.smallest == turn.largest:
        return _("%(n)d guests", n=turn.largest)
    return _("%(a)d to %(b)d guests", a=turn.smallest, b=turn.largest)


def source_label(source) -> str:
    from ..reservations.models import Source

    return {Source.PHONE: _("Phone"), Source.WALK_IN: _("Walk-in"), Source.ONLINE: _("Online")}[source]
