"""Form helpers every feature shares."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import validators
from wtforms.fields import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .clock import FIRST_DAY, LAST_DAY

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"  # a time of day typed as 19:30
LINE_BREAKS_AND_TABS = frozenset("\t\n\r\v\f\x85\u2028\u2029")


def single_line(form, field) -> None:
    """A one-line text field holds no tab or line break (other control characters: security.py)."""
    if isinstance(field.data, str) and any(ch in LINE_BREAKS_AND_TABS for ch in field.data):
        raise ValidationError(_l("Type this on one line, without tabs or line breaks."))


class AppForm(FlaskForm):
    """Every form's base: WTForms' own messages ("This field is required.") come in the request's
    language through Flask-WTF's translations; every one-line text field refuses tabs and line
    breaks (single_line)."""

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField) and not isinstance(field, TextAreaField):
                extra.setdefault(name, []).append(single_line)
        return super().validate(extra_validators=extra)


_AT_LEAST, _AT_MOST = "Number must be at least %(min)s.", "Number must be at most %(max)s."
_BETWEEN = "Number must be between %(min)s and %(max)s."


class NumberRange(validators.NumberRange):
    """WTForms' NumberRange, also for a whole number too large for a float ("9" * 400): WTForms'
    own check turns it into a float first and fails with OverflowError. Every form uses this one."""

    def __call__(self, form, field) -> None:
        data = field.data
        if isinstance(data, int) and ((self.min is not None and data < self.min)
                                      or (self.max is not None and data > self.max)):
            if self.message is not None:
                message = self.message
            else:  # WTForms' own messages, from its own catalogue
                message = field.gettext(_AT_LEAST if self.max is None else _AT_MOST if self.min is None else _BETWEEN)
            raise ValidationError(message % {"min": self.min, "max": self.max})
        super().__call__(form, field)


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


class SensibleDate:
    """A date (or date and time) a restaurant could mean: years 2000 to 2099.

    Anything further out is a typo or an attack, and would overflow when turned into UTC.
    """

    def __call__(self, form, field) -> None:
        value = field.data
        if value is not None and not (FIRST_DAY.year <= value.year <= LAST_DAY.year):
            raise ValidationError(_l("Choose a date between %(first)s and %(last)s.",
                                     first=FIRST_DAY.year, last=LAST_DAY.year))
