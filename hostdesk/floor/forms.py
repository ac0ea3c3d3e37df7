"""Managers' forms for areas and tables: input checks only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import AppForm, NumberRange


class AreaForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the area a name.")), Length(max=60)])
    position = IntegerField(_l("Order on the screen"), default=0, validators=[InputRequired(), NumberRange(0, 999)])


class TableForm(AppForm):
    name = StringField(_l("Name or number"), validators=[DataRequired(_l("Give the table a name or number.")),
                                                         Length(max=20)])
    area_id = SelectField(_l("Area"), coerce=int, validators=[DataRequired(_l("Choose an area."))])
    min_seats = IntegerField(_l("Seats at least"), default=1, validators=[InputRequired(), NumberRange(1, 50)])
    max_seats = IntegerField(_l("Seats at most"), default=2, validators=[InputRequired(), NumberRange(1, 50)])
    combinable = BooleanField(_l("Can be pushed together with the tables beside it"))
    position = IntegerField(_l("Order on the screen"), default=0, validators=[InputRequired(), NumberRange(0, 9999)])
    active = BooleanField(_l("In use"), default=True)
