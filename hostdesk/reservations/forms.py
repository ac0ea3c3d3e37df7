"""The phone booking form and the walk-in form: input checks only; the rules live in bookings.py."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, StopValidation

from ..forms import AppForm, NumberRange, SensibleDate
from .labels import OCCASION_LABELS, SOURCE_LABELS
from .models import Occasion, Source


def _occasion(value):
    return Occasion(value) if value else None


class PartySize:
    """1 to the restaurant's largest party (a setting), and a message that says so."""

    field_flags = {"min": 1}

    def __call__(self, form, field) -> None:
        from ..settings import get_settings

        largest = get_settings().max_party_size
        if field.data is None or not 1 <= field.data <= largest:
            raise StopValidation(str(_l("The party size must be between 1 and %(max)s.", max=largest)))


NAME_TOO_LONG = _l("The name is too long: at most %(max)d characters.")


class BookingForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the guest's name.")),
                                               Length(max=80, message=NAME_TOO_LONG)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254),
                                                 Email(_l("This is not a valid e-mail address."))])
    party_size = IntegerField(_l("Party size"), validators=[InputRequired(_l("Give the number of guests.")),
                                                            PartySize()])
    day = DateField(_l("Date"), validators=[SensibleDate(), DataRequired(_l("Give a date."))])
    time = TimeField(_l("Time"), validators=[DataRequired(_l("Give a time."))])
    duration = IntegerField(_l("Duration (minutes)"), validators=[Optional(), NumberRange(min=15, max=600)])
    table_ids = SelectMultipleField(_l("Tables"), coerce=int, validators=[Optional()])
    preferred_area = SelectField(_l("Preferred area"), coerce=int, validators=[Optional()])
    source = SelectField(_l("Booked by"), choices=[SelectChoice(s.value, SOURCE_LABELS[s]) for s in Source],
                         default="phone")
    allergy = StringField(_l("Allergy (to what)"), validators=[Optional(), Length(max=120)])
    occasion = SelectField(_l("Occasion"), coerce=_occasion,
                           choices=[SelectChoice("", _l("none"))]
                           + [SelectChoice(o.value, OCCASION_LABELS[o]) for o in Occasion])
    high_chairs = IntegerField(_l("High chairs"), default=0, validators=[Optional(), NumberRange(min=0, max=10)])
    vip = BooleanField(_l("VIP"))
    wheelchair = BooleanField(_l("Wheelchair"))
    regular = BooleanField(_l("Regular guest"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=500)])
    book_again = BooleanField(_l("Yes, book again for this phone number"))
    pacing_reason = StringField(_l("Reason to book over the pacing limit"), validators=[Optional(), Length(max=200)])

    duplicate = False  # set when the phone already has a booking then: the form shows book_again
    pacing = False  # set when the booking goes over the pacing limit: the form asks for a reason

    FIELD_OF_ERROR = {"table_ids": "table_ids", "phone": "phone", "name": "name", "party_size": "party_size",
                      "time": "time", "email": "email", "pacing_reason": "pacing_reason"}


class WaitlistForm(AppForm):
    party_size = IntegerField(_l("Party size"), validators=[InputRequired(), PartySize()])
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=80, message=NAME_TOO_LONG)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=30)])
    email = EmailField(_l("E-mail (optional)"), validators=[
        Optional(), Length(max=254), Email(message=_l("That e-mail address does not look right."))])
    language = SelectField(_l("Language of the messages"), choices=[SelectChoice("nl", _l("Dutch")),
                                                                    SelectChoice("en", _l("English"))],
                           default=lambda: str(get_locale() or "nl"))
    quoted_wait = IntegerField(_l("Quoted wait (minutes)"), validators=[InputRequired(), NumberRange(min=0, max=240)])
