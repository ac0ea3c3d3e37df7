"""The manager's forms: input checks only (format, range, required).

The settings form is in settings_form.py; these are the users' forms and the log's filters.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from ..auth.models import Role
from ..forms import AppForm, SensibleDate, options  # noqa: F401  (re-exported for the manager views)

ROLE_CHOICES = [(Role.HOST.value, _l("Host")), (Role.STAFF.value, _l("Staff")), (Role.MANAGER.value, _l("Manager"))]
LANGUAGE_CHOICES = [("", _l("As the browser asks")), ("nl", "Nederlands"), ("en", "English")]
PIN_MESSAGE = _l("A PIN is 4 to 6 digits.")


class NewUserForm(AppForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=40)])
    display_name = StringField(_l("Name shown in the app"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES))
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    pin = PasswordField(_l("PIN (for shared tablets)"),
                        validators=[Optional(), Regexp(r"^[0-9]{4,6}$", message=PIN_MESSAGE)])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))


class EditUserForm(AppForm):
    display_name = StringField(_l("Name shown in the app"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES))
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))


class ResetPasswordForm(AppForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


class ResetPinForm(AppForm):
    new_pin = PasswordField(_l("New PIN"), validators=[DataRequired(), Regexp(r"^[0-9]{4,6}$", message=PIN_MESSAGE)])


class OwnPasswordForm(AppForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    repeat_password = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])


class OwnPinForm(AppForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_pin = PasswordField(_l("New PIN"), validators=[DataRequired(), Regexp(r"^[0-9]{4,6}$", message=PIN_MESSAGE)])


class OwnLanguageForm(AppForm):
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))


class SummaryAddressForm(AppForm):
    address = StringField(_l("E-mail address for the daily summary"), validators=[
        Optional(), Length(max=254), Email(message=_l("Give an e-mail address like desk@example.com."))])


class TestEmailForm(AppForm):
    to_address = StringField(_l("Send a test e-mail to"), validators=[DataRequired(), Length(max=254)])


class PeriodForm(AppForm):
    """The dashboard's period: a day, the week of a day, or a range. Read from the query string."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"), choices=options(
        [("day", _l("Day")), ("week", _l("Week")), ("month", _l("Month")), ("year", _l("Year")),
         ("range", _l("Date range"))]), default="day")
    day = DateField(_l("Day"), validators=[SensibleDate(), Optional()])
    start = DateField(_l("From"), validators=[SensibleDate(), Optional()])
    end = DateField(_l("Until"), validators=[SensibleDate(), Optional()])
    compare = SelectField(_l("Compare"), choices=options(
        [("", _l("No comparison")), ("1", _l("With the previous period and a year earlier"))]),
                          validators=[Optional()])


class LogFilterForm(AppForm):
    """The lost-and-found log's search and filters, from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Reference or words in the description"), validators=[Optional(), Length(max=100)])
    state = SelectField(_l("State"), choices=[], validators=[Optional()])
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    found_from = DateField(_l("Found from"), validators=[SensibleDate(), Optional()])
    found_until = DateField(_l("Found until"), validators=[SensibleDate(), Optional()])
    location = StringField(_l("Storage location"), validators=[Optional(), Length(max=80)])
    past_retention = SelectField(_l("Past retention"), choices=options(
        [("", _l("Any")), ("1", _l("Only past retention"))]),
                                 validators=[Optional()])
    locked = SelectField(_l("Claims locked"), choices=options([("", _l("Any")), ("1", _l("Only locked items"))]),
                         validators=[Optional()])
    open_actions = SelectField(_l("Open action points"), choices=options(
        [("", _l("Any")), ("1", _l("Only with open action points"))]),
                               validators=[Optional()])
    sort = SelectField(_l("Order"), choices=[], validators=[Optional()])
    page = IntegerField(validators=[Optional()])


class HistoryFilterForm(AppForm):
    """The account and settings history's filters, from the query string."""

    class Meta:
        csrf = False

    kind = SelectField(_l("What"), choices=[], validators=[Optional()])
    person = SelectField(_l("Person"), choices=[], validators=[Optional()])
    start = DateField(_l("From"), validators=[SensibleDate(), Optional()])
    end = DateField(_l("Until"), validators=[SensibleDate(), Optional()])
    page = IntegerField(validators=[Optional()])
