"""The settings form's lists of rows (services, durations, pacing, retention per category) and their checks.

An empty row is ignored, so the page can offer a few blank rows for adding one.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtf_translations
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from ..forms import HHMM, NumberRange
from ..lostfound.models import Category
from .forms import options
from .stats import minutes_of

TIME_MESSAGE = _l("Give a time as hours:minutes, for example 17:30.")


class RowForm(Form):
    """A row of a list (services, durations, retention): WTForms' own messages translated too."""

    class Meta:
        def get_translations(self, form):
            return wtf_translations


class ServiceRow(RowForm):
    name = StringField(_l("Service"), validators=[Optional(), Length(max=40)])
    start = StringField(_l("Starts"), validators=[Optional(), Regexp(HHMM, message=TIME_MESSAGE)],
                        render_kw={"type": "time"})
    end = StringField(_l("Ends"), validators=[Optional(), Regexp(HHMM, message=TIME_MESSAGE)],
                      render_kw={"type": "time"})


class DurationRow(RowForm):
    up_to = IntegerField(_l("Parties up to (guests)"), validators=[
        Optional(), NumberRange(1, 500, message=_l("Give a whole number from %(min)d to %(max)d.", min=1, max=500))])
    minutes = IntegerField(_l("Minutes at the table"), validators=[
        Optional(), NumberRange(15, 720, message=_l("Give a whole number from %(min)d to %(max)d.", min=15, max=720))])


class RetentionRow(RowForm):
    category = SelectField(_l("Category"), validators=[Optional()],
                           choices=options([("", _l("(none)"))] + [(c.value, c.label) for c in Category]))
    days = IntegerField(_l("Days kept"), validators=[
        Optional(), NumberRange(1, 3650, message=_l("Give a whole number from %(min)d to %(max)d.", min=1, max=3650))])


class PacingRow(RowForm):
    service = StringField(_l("Service"), validators=[Optional(), Length(max=40)])
    covers = IntegerField(_l("Most covers starting per quarter hour"), validators=[
        Optional(), NumberRange(1, 1000, message=_l("Give a whole number from %(min)d to %(max)d.", min=1, max=1000))])


class RowChecks:
    """Mixed into the settings form: reading and checking its lists of rows."""

    section_errors: dict[str, list[str]]

    def service_rows(self) -> list[dict[str, str]]:
        rows = [{"name": (r.form.name.data or "").strip(), "start": r.form.start.data or "",
                 "end": r.form.end.data or ""} for r in self.services]
        return [row for row in rows if any(row.values())]

    def _check_services(self) -> None:
        errors = self.section_errors["services"]
        rows = self.service_rows()
        if any(r.form.errors for r in self.services):
            return
        if not rows:
            errors.append(_l("Give at least one service, for example dinner from 17:00 to 23:00."))
        names = set()
        spans = []
        for row in rows:
            if not (row["name"] and row["start"] and row["end"]):
                errors.append(_l("Every service needs a name, a start and an end."))
                return
            if row["name"].lower() in names:
                errors.append(_l("Two services are called %(name)s.", name=row["name"]))
            names.add(row["name"].lower())
            if row["start"] == row["end"]:
                errors.append(_l("The service %(name)s starts and ends at the same time.", name=row["name"]))
                continue
            start, end = minutes_of(row["start"]), minutes_of(row["end"])
            spans.append((start, end if end > start else end + 1440, row["name"]))
        spans.sort()
        for (_, end_a, name_a), (start_b, _, name_b) in zip(spans, spans[1:], strict=False):
            if start_b < end_a:
                errors.append(_l("The services %(a)s and %(b)s overlap.", a=name_a, b=name_b))

    def duration_rows(self) -> list[list[int]]:
        rows = [[r.form.up_to.data, r.form.minutes.data] for r in self.durations
                if r.form.up_to.data is not None or r.form.minutes.data is not None]
        return sorted(rows, key=lambda row: row[0] or 0)

    def _check_durations(self) -> None:
        errors = self.section_errors["durations"]
        if any(r.form.errors for r in self.durations):
            return
        rows = self.duration_rows()
        if not rows:
            errors.append(_l("Give at least one duration."))
        if any(None in row for row in rows):
            errors.append(_l("Every row of durations needs a party size and minutes."))
            return
        sizes = [row[0] for row in rows]
        if len(set(sizes)) != len(sizes):
            errors.append(_l("Each party size may appear only once."))

    def _filled(self, section: str, key: str, value: str) -> list[tuple[str, int | None]]:
        """A list's filled rows as (key's text, value)."""
        pairs = [((getattr(r.form, key).data or "").strip(), getattr(r.form, value).data)
                 for r in getattr(self, section)]
        return [(name, number) for name, number in pairs if name or number is not None]

    def _check_keyed_rows(self, section: str, key: str, value: str, incomplete, repeated) -> bool:
        """Every filled row has both fields and a key of its own; True when the rows passed."""
        if any(r.form.errors for r in getattr(self, section)):
            return False
        errors = self.section_errors[section]
        filled = self._filled(section, key, value)
        if any(not name or number is None for name, number in filled):
            errors.append(incomplete)
        elif len(dict(filled)) != len(filled):
            errors.append(repeated)
        else:
            return True
        return False

    def pacing_rows(self) -> dict[str, int]:
        return dict(self._filled("pacing_limits", "service", "covers"))

    def _check_pacing(self) -> None:
        if self._check_keyed_rows("pacing_limits", "service", "covers",
                                  _l("Every pacing row needs a service and a number of covers."),
                                  _l("Each service may appear only once.")):
            names = {row["name"] for row in self.service_rows()}
            self.section_errors["pacing_limits"].extend(_l("There is no service called %(name)s.", name=name)
                                                        for name in self.pacing_rows() if name not in names)

    def retention_rows(self) -> dict[str, int]:
        return dict(self._filled("retention_days", "category", "days"))

    def _check_retention(self) -> None:
        self._check_keyed_rows("retention_days", "category", "days",
                               _l("Every retention row needs a category and a number of days."),
                               _l("Each category may appear only once."))
