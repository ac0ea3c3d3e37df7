"""The first-run page: an install started without demo data creates its first manager here.

Only from the server's own machine (a request from a loopback address that no proxy forwarded),
or with the one-time code that `flask first-run-code` prints on the console (run.sh does it when
the database has no user). Until the first user exists every page leads here; after that the
page is gone (404).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .audit import record
from .auth.access import public
from .auth.models import Role, User
from .errors import ValidationFailed
from .extensions import db
from .forms import AppForm
from .keys import write_private

bp = Blueprint("setup", __name__)
CODE_FILE = "first_run_code"
LOOPBACK = frozenset({"127.0.0.1", "::1"})
OPEN_BEFORE_SET_UP = frozenset({"static", "core.healthz", "setup.first_run", "tls.authority_certificate"})


class FirstRunForm(AppForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=40)])
    display_name = StringField(_l("Name shown in the app"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    repeat_password = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    code = StringField(_l("One-time code (shown on the server's console)"), validators=[Optional(), Length(max=40)])


def _code_path() -> Path:
    return Path(current_app.instance_path) / CODE_FILE


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").replace(" ", "").encode()).hexdigest()


def from_this_machine() -> bool:
    """A request from the server itself, not passed on by a proxy running there."""
    return request.remote_addr in LOOPBACK and not request.headers.get("X-Forwarded-For") \
        and not request.headers.get("Forwarded")


def _code_matches(code: str) -> bool:
    path = _code_path()
    return bool(code) and path.exists() and hmac.compare_digest(path.read_text().strip(), _digest(code))


def is_set_up() -> bool:
    """Whether a user exists; once true it stays true for this worker (users are never deleted)."""
    if current_app.extensions.get("hostdesk_set_up"):
        return True
    set_up = db.session.scalar(sa.select(User.id).limit(1)) is not None
    current_app.extensions["hostdesk_set_up"] = set_up
    return set_up


def lead_to_first_run():
    if request.endpoint in OPEN_BEFORE_SET_UP or is_set_up():
        return None
    return redirect(url_for("setup.first_run"))


@bp.route("/setup", methods=["GET", "POST"])
@public
def first_run():
    from .auth.operations import create_user

    if is_set_up():
        abort(404)
    local = from_this_machine()
    form = FirstRunForm()
    error, status = None, 200
    if form.validate_on_submit():
        if not local and not _code_matches(form.code.data or ""):
            db.session.rollback()
            error, status = _("Open this page on the server itself, or type the one-time code shown on its "
                              "console."), 401
        else:
            try:
                user = create_user(None, form.username.data, form.display_name.data, Role.MANAGER,
                                   form.password.data)
            except ValidationFailed as refused:
                db.session.rollback()
                error, status = str(refused.message), refused.status
            else:
                record(user, "setup.first_manager", user, from_this_machine=local)
                db.session.commit()
                _code_path().unlink(missing_ok=True)
                current_app.extensions["hostdesk_set_up"] = True
                flash(_("%(name)s is the first manager. Sign in to set up the restaurant.",
                        name=user.display_name), "success")
                return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/first_run.html", form=form, local=local, error=error), status


@click.command("first-run-code", hidden=True)
@with_appcontext
def first_run_code_command() -> None:
    """Print a new one-time code for the first-run page (when no user exists yet)."""
    if db.session.scalar(sa.select(User.id).limit(1)) is not None:
        raise click.ClickException("a user exists already; the first-run page is closed")
    code = secrets.token_hex(5).upper()
    code = f"{code[:5]}-{code[5:]}"
    path = Path(current_app.instance_path) / CODE_FILE
    path.unlink(missing_ok=True)
    write_private(path, _digest(code))
    click.echo(code)


@click.command("demo-logins", hidden=True)
@with_appcontext
def demo_logins_command() -> None:
    """Exit 0 and name them when demo users still have their published passwords (run.sh asks)."""
    import sys

    from .demo import demo_logins

    names = demo_logins()
    if names:
        click.echo(", ".join(names))
    sys.exit(0 if names else 1)


def register_first_run(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(lead_to_first_run)
    app.cli.add_command(first_run_code_command)
    app.cli.add_command(demo_logins_command)
