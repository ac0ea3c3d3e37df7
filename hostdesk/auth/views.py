from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..extensions import db
from ..security import safe_path
from . import operations
from .access import public
from .forms import LoginForm, PinForm
from .session import current_device, login_session

bp = Blueprint("auth", __name__)


def _begin(token: str) -> None:
    """A fresh cookie session for every login and switch (no fixation), keeping the tablet's token."""
    device_token = session.get("device")
    session.clear()
    session.permanent = True
    session["sid"] = token
    if device_token:
        session["device"] = device_token


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.username.data, form.password.data)
        except operations.LoginFailed as refused:
            db.session.commit()  # the failure count and the audit entry stay
            error = str(refused.message)
            return render_template("auth/login.html", form=form, error=error), refused.status
        device = None
        if form.shared_tablet.data:
            device, device_token = operations.enroll_device(user, form.device_name.data or "")
            session["device"] = device_token
        token = operations.start_session(user, device=device)
        db.session.commit()
        _begin(token)
        return redirect(safe_path(request.args.get("next"), url_for("core.index")))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    operations.end_session(login_session())
    db.session.commit()
    session.clear()  # also forgets the tablet: the next person signs in with a password
    return redirect(url_for("auth.login"))


@bp.route("/switch", methods=["GET", "POST"])
@public
def switch():
    device = current_device()
    if device is None:
        return redirect(url_for("auth.login"))
    form = PinForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = operations.switch_person(device, int(form.user_id.data), form.pin.data)
        except operations.DeviceRevoked as refused:
            db.session.commit()
            session.clear()
            return render_template("auth/login.html", form=LoginForm(), error=str(refused.message)), refused.status
        except operations.LoginFailed as refused:
            db.session.commit()
            error, status = str(refused.message), refused.status
        else:
            if current_user.is_authenticated:
                operations.end_session(login_session(), "switch")
            token = operations.start_session(user, device=device, via_pin=True)
            db.session.commit()
            _begin(token)
            return redirect(url_for("core.index"))
    elif form.errors:
        error, status = next(iter(form.errors.values()))[0], 422
    return render_template("auth/switch.html", form=form, users=operations.pin_users(), device=device,
                           error=error, selected=form.user_id.data), status


@bp.post("/switch/leave")
def leave():
    """The person steps away: the tablet goes back to the PIN screen at once."""
    operations.end_session(login_session(), "leave")
    db.session.commit()
    session.pop("sid", None)
    return redirect(url_for("auth.switch") if current_device() else url_for("auth.login"))


@bp.app_context_processor
def auth_context():
    return {"device": current_device() if session.get("device") else None}
