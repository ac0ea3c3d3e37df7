"""What every page shares: the start page, /healthz, error pages and template helpers."""
from __future__ import annotations

import contextlib
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, Flask, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf
from markupsafe import Markup
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import clock
from .auth.access import public
from .auth.models import Role
from .errors import DomainError
from .extensions import db
from .htmx import elsewhere, is_htmx

bp = Blueprint("core", __name__)

HOME_BY_ROLE = {Role.HOST: "reservations.board", Role.STAFF: "lostfound.index", Role.MANAGER: "reservations.board"}


@bp.get("/")
def index():
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


def _message_response(message: str, status: int, title: str | None = None):
    """A refused or failed action: a toast for htmx (swapped even on 4xx/5xx), a page otherwise."""
    if is_htmx():
        body, headers = elsewhere("#toasts", "beforeend", "_toast.html", message=message, level="error")
        return body, status, headers
    return render_template("errors/message.html", message=message, title=title, status=status), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if not is_htmx() and request.method == "POST" and request.referrer:
            flash(str(error.message), "error")
            return redirect(request.referrer)
        return _message_response(str(error.message), error.status)

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return _message_response(_("This form has expired. Please reload the page and try again."), 400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        from .settings import Settings

        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        app.logger.exception("database error")
        # Answer without touching the database again: default settings, no user (the language
        # comes from the browser), so the friendly 503 itself cannot fail. logout_user only makes
        # this request anonymous: the login session in the database is left as it is.
        g.hostdesk_settings = Settings()
        g.hostdesk_database_down = True
        logout_user()
        return _message_response(_("The database cannot be reached. Please try again in a moment."), 503,
                                 _("Temporarily unavailable"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in (400, 403, 404, 405, 413, 429) or (error.code or 500) >= 500:
            messages = {
                400: _("The request could not be understood. Please reload the page and try again."),
                403: _("Your role does not give access to this page."),
                404: _("This page does not exist (any more)."),
                405: _("This action is not possible here."),
                413: _("The file is too large."),
                429: _("Too many attempts. Please wait a moment."),
            }
            message = messages.get(error.code, _("Something went wrong on our side. Please try again."))
            return _message_response(message, error.code or 500)
        return error

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unexpected error")
        return _message_response(_("Something went wrong on our side. Please try again."), 500, _("Sorry"))


def csrf_field() -> Markup:
    """The hidden CSRF input for a small action form; without an id, since a page holds many."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()


def register_template_helpers(app: Flask) -> None:
    from .settings import get_settings

    @app.context_processor
    def shared_context():
        return {"settings": get_settings(), "Role": Role}

    @app.template_filter("local_time")
    def local_time(value: datetime | None, fmt: str = "HH:mm") -> str:
        return format_datetime(value.astimezone(get_settings().zone).replace(tzinfo=None), fmt,
                               rebase=False) if value else ""

    @app.template_filter("local_datetime")
    def local_datetime(value: datetime | None, fmt: str = "d MMM yyyy HH:mm") -> str:
        return local_time(value, fmt)

    app.jinja_env.globals["utcnow"] = clock.utcnow
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["get_locale"] = get_locale
