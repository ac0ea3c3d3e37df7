"""Forms of lost-and-found: input checks only; the rules live in the operations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..forms import AppForm, NumberRange, SensibleDate, options
from ..public import PublicForm
from .models import CATEGORY_LABELS, Category, Channel, DisposalMethod

LANGUAGE_CHOICES = [("nl", _l("Dutch")), ("en", _l("English"))]


def owner_choices() -> list[tuple[int, str]]:
    """The people who can own an action point: active staff and managers."""
    from .queries import possible_owners

    return [(user.id, user.display_name) for user in possible_owners()]


def category_choices():
    return [(c.value, CATEGORY_LABELS[c]) for c in Category]


class RegisterForm(AppForm):
    description = StringField(_l("Short description (public)"), validators=[DataRequired(), Length(max=200)],
                              render_kw={"placeholder": _l("for example: black umbrella"), "autocomplete": "off"})
    where_found = StringField(_l("Where found (table or area)"), validators=[Optional(), Length(max=120)],
                              render_kw={"autocomplete": "off", "list": "lf-places"})
    found_at = DateTimeLocalField(_l("When found"), format="%Y-%m-%dT%H:%M",
                                  validators=[SensibleDate(), InputRequired()])
    storage_location = StringField(_l("Kept where"), validators=[DataRequired(), Length(max=80)],
                                   render_kw={"placeholder": _l("for example: office drawer 2"),
                                              "list": "lf-storage", "autocomplete": "off"})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*", "capture": "environment"})


class VerifyForm(AppForm):
    claimant_name = StringField(_l("Claimant's name"), validators=[DataRequired(), Length(max=120)],
                                render_kw={"autocomplete": "off"})
    channel = RadioField(_l("How did they contact us?"), default=Channel.PHONE.value,
                         choices=options((c.value, c.label) for c in Channel), validators=[DataRequired()])


class ContactFields:
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)], render_kw={"type": "tel"})
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "off"})
    language = SelectField(_l("Language of the claimant"), choices=options(LANGUAGE_CHOICES), default="nl")


class PickupForm(ContactFields, AppForm):
    pass


class PostAgreeForm(ContactFields, AppForm):
    postal_address = TextAreaField(_l("Postal address"), validators=[DataRequired(), Length(min=8, max=400)])
    due_at = DateTimeLocalField(_l("Post it by"), format="%Y-%m-%dT%H:%M", validators=[SensibleDate(), Optional()])


class PostedForm(AppForm):
    posted_on = DateField(_l("Date posted"), validators=[SensibleDate(), InputRequired()])
    carrier = StringField(_l("Carrier (optional)"), validators=[Optional(), Length(max=60)],
                          render_kw={"placeholder": "PostNL"})
    tracking = StringField(_l("Tracking reference (optional)"), validators=[Optional(), Length(max=60)])
    postage = DecimalField(_l("Postage (euro)"), places=2, validators=[Optional(), NumberRange(min=0, max=1000)],
                           render_kw={"inputmode": "decimal"})


class HandOverForm(AppForm):
    pickup_code = StringField(_l("Pickup code the claimant gives"), validators=[DataRequired(), Length(max=12)],
                              render_kw={"inputmode": "numeric", "autocomplete": "off"})
    id_checked = BooleanField(_l("I checked the claimant's ID"), validators=[DataRequired()])


class ArrivalForm(AppForm):
    reply_note = TextAreaField(_l("Their reply (optional)"), validators=[Optional(), Length(max=1000)])
    personal_note = TextAreaField(_l("A personal note to the claimant (optional, sent by e-mail in their language)"),
                                  validators=[Optional(), Length(max=2000)])


class CallbackForm(AppForm):
    due_at = DateTimeLocalField(_l("Call back at"), format="%Y-%m-%dT%H:%M",
                                  validators=[SensibleDate(), InputRequired()])
    owner = SelectField(_l("Who calls back"), coerce=lambda v: int(v) if str(v or "").isdigit() else None,
                        choices=lambda: owner_choices(), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)],
                       render_kw={"placeholder": _l("for example: busy at lunch, call after 14:00")})


class DoneForm(AppForm):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])


class DisposeForm(AppForm):
    method = SelectField(_l("How"), choices=options((m.value, m.label) for m in DisposalMethod))
    disposed_on = DateField(_l("Date"), validators=[SensibleDate(), InputRequired()])
    witness = StringField(_l("Witness"), validators=[DataRequired(), Length(max=80)])


class ReportForm(ContactFields, AppForm):
    category = SelectField(_l("Category"), choices=lambda: options(category_choices()))
    what = StringField(_l("What was lost"), validators=[DataRequired(), Length(max=200)])
    lost_on = DateField(_l("Day lost"), validators=[SensibleDate(), InputRequired()])
    where = StringField(_l("Where (table or area)"), validators=[Optional(), Length(max=120)])
    name = StringField(_l("Guest's name"), validators=[DataRequired(), Length(max=120)])


class AftercareForm(AppForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 12})


class GuestLostForm(PublicForm):
    """The guest's own lost report on the public /lost page (no login)."""

    category = SelectField(_l("What kind of thing"), choices=lambda: options(category_choices()))
    what = StringField(_l("What did you lose?"), validators=[DataRequired(_l("Say what you lost.")), Length(max=200)])
    lost_on = DateField(_l("When did you lose it?"), validators=[SensibleDate(), InputRequired(_l("Give the day."))])
    where = StringField(_l("Where in the restaurant?"), validators=[Optional(), Length(max=120)])
    details = TextAreaField(_l("Description (colour, brand, what was in it)"), validators=[Optional(), Length(max=500)])
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Give your name.")), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "email"})
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)],
                        render_kw={"type": "tel", "autocomplete": "tel"})

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.email.data or "").strip() and not (self.phone.data or "").strip():
            reach = _l("Give an e-mail address or a phone number, so we can reach you.")
            self.email.errors = [*self.email.errors, reach]
            return False
        return valid
