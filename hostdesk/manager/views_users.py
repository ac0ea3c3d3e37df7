"""Users: create, edit, deactivate, reset passwords and PINs; and everyone's own page."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import operations as auth_ops
from ..auth.access import allow
from ..auth.models import Role, User
from ..errors import ValidationFailed
from ..extensions import db
from ..settings import get_settings, update_settings
from . import operations
from .forms import (
    EditUserForm,
    NewUserForm,
    OwnLanguageForm,
    OwnPasswordForm,
    OwnPinForm,
    ResetPasswordForm,
    ResetPinForm,
    SummaryAddressForm,
)
from .history import last_sign_ins
from .views import bp


def _me() -> User:
    return current_user._get_current_object()


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = NewUserForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = auth_ops.create_user(_me(), form.username.data, form.display_name.data, Role(form.role.data),
                                        form.password.data, pin=form.pin.data or None,
                                        language=form.language.data or None)
        except ValidationFailed as refused:
            db.session.rollback()
            error, status = str(refused.message), refused.status
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.display_name), "success")
            return redirect(url_for(".users"))
    elif form.is_submitted():
        status = 422
    people = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.display_name)).all()
    return render_template("manager/users.html", form=form, people=people, error=error,
                           signed_in=last_sign_ins()), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = _user_or_404(user_id)
    form = EditUserForm(obj=person)
    if not form.is_submitted():
        form.role.data, form.language.data = person.role.value, person.language or ""
    status = 200
    if form.validate_on_submit():
        auth_ops.update_user(_me(), person, display_name=form.display_name.data, role=Role(form.role.data),
                             language=form.language.data)
        db.session.commit()
        flash(_("Changes to %(name)s saved.", name=person.display_name), "success")
        return redirect(url_for(".user", user_id=person.id))
    if form.is_submitted():
        status = 422
    return render_template("manager/user.html", person=person, form=form, summary_form=_summary_form(person),
                           password_form=ResetPasswordForm(formdata=None), pin_form=ResetPinForm(formdata=None)), status


def _summary_form(person, formdata=None) -> SummaryAddressForm:
    form = SummaryAddressForm(formdata=formdata)
    if formdata is None:
        form.address.data = get_settings().daily_summary_addresses.get(str(person.id), "")
    return form


@bp.post("/users/<int:user_id>/summary-address")
def user_summary_address(user_id: int):
    """Where a manager's daily summary goes (a setting, so the change is audited with the settings)."""
    person = _user_or_404(user_id)
    form = SummaryAddressForm()
    if person.role is not Role.MANAGER or not form.validate():
        edit = EditUserForm(formdata=None, obj=person)
        edit.role.data, edit.language.data = person.role.value, person.language or ""
        return render_template("manager/user.html", person=person, form=edit, summary_form=form,
                               password_form=ResetPasswordForm(formdata=None),
                               pin_form=ResetPinForm(formdata=None)), 422
    addresses = dict(get_settings().daily_summary_addresses)
    address = (form.address.data or "").strip()
    if address:
        addresses[str(person.id)] = address
    else:
        addresses.pop(str(person.id), None)
    update_settings(_me(), daily_summary_addresses=addresses)
    db.session.commit()
    flash(_("Daily summary address for %(name)s saved.", name=person.display_name), "success")
    return redirect(url_for(".user", user_id=person.id))


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    person = _user_or_404(user_id)
    active = not person.active
    auth_ops.set_active(_me(), person, active)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=person.display_name) if active
          else _("%(name)s can no longer sign in.", name=person.display_name), "success")
    return redirect(url_for(".user", user_id=person.id))


def _secret_page(person, password_form, pin_form, error):
    form = EditUserForm(formdata=None, obj=person)
    form.role.data, form.language.data = person.role.value, person.language or ""
    return render_template("manager/user.html", person=person, form=form, password_form=password_form,
                           pin_form=pin_form, error=error, summary_form=_summary_form(person)), 422


@bp.post("/users/<int:user_id>/password")
def user_password(user_id: int):
    person = _user_or_404(user_id)
    form = ResetPasswordForm()
    try:
        if not form.validate():
            raise ValidationFailed(form.new_password.errors[0])
        auth_ops.set_password(_me(), person, form.new_password.data)
    except ValidationFailed as refused:
        db.session.rollback()
        return _secret_page(person, form, ResetPinForm(formdata=None), str(refused.message))
    db.session.commit()
    flash(_("New password for %(name)s saved.", name=person.display_name), "success")
    return redirect(url_for(".user", user_id=person.id))


@bp.post("/users/<int:user_id>/pin")
def user_pin(user_id: int):
    person = _user_or_404(user_id)
    form = ResetPinForm()
    try:
        if not form.validate():
            raise ValidationFailed(form.new_pin.errors[0])
        auth_ops.set_pin(_me(), person, form.new_pin.data)
    except ValidationFailed as refused:
        db.session.rollback()
        return _secret_page(person, ResetPasswordForm(formdata=None), form, str(refused.message))
    db.session.commit()
    flash(_("New PIN for %(name)s saved.", name=person.display_name), "success")
    return redirect(url_for(".user", user_id=person.id))


# --- a person's own page: every role ---------------------------------------------------------

def _own_page(password_form=None, pin_form=None, language_form=None, error=None, status=200):
    me = _me()
    if language_form is None:
        language_form = OwnLanguageForm(formdata=None)
        language_form.language.data = me.language or ""
    return render_template("manager/me.html", me=me, error=error,
                           password_form=password_form or OwnPasswordForm(formdata=None),
                           pin_form=pin_form or OwnPinForm(formdata=None), language_form=language_form), status


@bp.get("/me")
@allow(Role.HOST, Role.STAFF)
def me():
    return _own_page()


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@bp.post("/me/password")
@allow(Role.HOST, Role.STAFF)
def me_password():
    form = OwnPasswordForm()
    try:
        if not form.validate():
            raise ValidationFailed(_first_error(form))
        operations.change_own_password(_me(), form.current_password.data, form.new_password.data)
    except ValidationFailed as refused:
        db.session.rollback()
        return _own_page(password_form=form, error=str(refused.message), status=422)
    db.session.commit()
    flash(_("Your new password is saved."), "success")
    return redirect(url_for(".me"))


@bp.post("/me/pin")
@allow(Role.HOST, Role.STAFF)
def me_pin():
    form = OwnPinForm()
    try:
        if not form.validate():
            raise ValidationFailed(_first_error(form))
        operations.change_own_pin(_me(), form.current_password.data, form.new_pin.data)
    except ValidationFailed as refused:
        db.session.rollback()
        return _own_page(pin_form=form, error=str(refused.message), status=422)
    db.session.commit()
    flash(_("Your new PIN is saved."), "success")
    return redirect(url_for(".me"))


@bp.post("/me/language")
@allow(Role.HOST, Role.STAFF)
def me_language():
    form = OwnLanguageForm()
    if not form.validate():
        return _own_page(language_form=form, error=_first_error(form), status=422)
    operations.change_own_language(_me(), form.language.data)
    db.session.commit()
    flash(_("Your language is saved."), "success")
    return redirect(url_for(".me"))
