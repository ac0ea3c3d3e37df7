"""The guest's forms (input checks only; the rules live in operations.py) and the manager's choice of
tables bookable online."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from ..forms import HHMM, AppForm, NumberRange, SensibleDate
from ..public import PublicForm
from ..reservations.forms import NAME_TOO_LONG
from ..reservations.labels import OCCASION_LABELS
from ..reservations.models import Occasion


def _occasion(value):
    return Occasion(value) if value else None


def party_choices(largest: int) -> list[SelectChoice]:
    """1 to the online maximum, and "more" (which asks the guest to call)."""
    return ([SelectChoice(n, str(n)) for n in range(1, largest + 1)]
            + [SelectChoice(largest + 1, _l("More than %(max)s", max=largest))])


class WhenForm(AppForm):
    """Date and party size: the times free then (a GET, so no token)."""

    class Meta:
        csrf = False

    day = DateField(_l("Date"), validators=[SensibleDate(), DataRequired(_l("Give a date."))])
    party_size = SelectField(_l("Number of guests"), coerce=int,
                             validators=[InputRequired(_l("Give the number of guests."))])


class ChosenTime:
    """The day, party size and free time the guest chose (a mixin of the booking and change forms)."""

    day = DateField(_l("Date"), validators=[SensibleDate(), DataRequired(_l("Give a date."))])
    party_size = IntegerField(_l("Number of guests"), validators=[InputRequired(_l("Give the number of guests.")),
                                                                  NumberRange(min=1, max=500)])
    time = StringField(_l("Time"), validators=[DataRequired(_l("Choose a time.")),
                                               Regexp(HHMM, message=_l("Choose a time."))])


class GuestBookingForm(ChosenTime, PublicForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give your name.")),
                                               Length(max=80, message=NAME_TOO_LONG)],
                       render_kw={"autocomplete": "name"})
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)],
                        render_kw={"autocomplete": "tel", "type": "tel", "inputmode": "tel"})
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254),
                                                 Email(_l("This is not a valid e-mail address."))],
                       render_kw={"autocomplete": "email"})
    allergy = StringField(_l("Allergies or diet"), validators=[Optional(), Length(max=120)])
    occasion = SelectField(_l("Occasion"), coerce=_occasion,
                           choices=[SelectChoice("", _l("none"))]
                           + [SelectChoice(o.value, OCCASION_LABELS[o]) for o in Occasion])
    high_chairs = IntegerField(_l("High chairs"), default=0, validators=[Optional(), NumberRange(min=0, max=4)],
                               render_kw={"inputmode": "numeric", "min": 0, "max": 4})
    wheelchair = BooleanField(_l("Wheelchair access"))
    notes = TextAreaField(_l("Other wishes"), validators=[Optional(), Length(max=300)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.phone.data or "").strip() and not (self.email.data or "").strip():
            self.phone.errors = [*self.phone.errors, _l("Give a phone number or an e-mail address.")]
            return False
        return valid


class ChangeForm(ChosenTime, AppForm):
    """A new time or party size for the booking behind a manage link."""


class CancelForm(AppForm):
    """Only the CSRF token: the link's token says which booking."""
