from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import AppForm


class LoginForm(AppForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    shared_tablet = BooleanField(
        _l("This is a shared tablet: keep it signed in, people switch with their PIN"))
    device_name = StringField(_l("Tablet name"), validators=[Optional(), Length(max=80)])


class PinForm(AppForm):
    user_id = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])
    pin = PasswordField(_l("PIN"), validators=[
        DataRequired(), Regexp(r"^[0-9]{4,6}$", message=_l("A PIN is 4 to 6 digits."))])
