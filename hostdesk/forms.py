"""Form helpers every feature shares."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .clock import FIRST_DAY, LAST_DAY


class AppForm(FlaskForm):
    """Every form's base: WTForms' own messages ("This field is required.") come in the request's
    language through Flask-WTF's translations (WTF_I18N_ENABLED, on by default)."""


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
