"""Settings: the form over every restaurant setting, and the test e-mail button."""
from __future__ import annotations

import importlib
import smtplib
from collections.abc import Callable

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..htmx import is_htmx, render
from ..settings import get_settings, update_settings
from .forms import TestEmailForm
from .settings_form import make_settings_form
from .views import bp

# Where lost and found keeps send_test_email(to_address); looked up when the button is pressed.
MAIL_MODULES = ("hostdesk.lostfound.mail", "hostdesk.lostfound.email", "hostdesk.lostfound.notify",
                "hostdesk.lostfound.operations", "hostdesk.lostfound")


def test_email_sender() -> Callable[[str], object] | None:
    for name in MAIL_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        sender = getattr(module, "send_test_email", None)
        if callable(sender):
            return sender
    return None


def _page(form, test_form, status=200, saved=False, mail_result=None):
    return render("manager/settings.html", "manager/_settings_form.html", status=status, form=form,
                  test_form=test_form, saved=saved, mail_result=mail_result,
                  password_stored=bool(get_settings().smtp_password), mail_available=test_email_sender() is not None)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = make_settings_form(get_settings())
    if not form.is_submitted():
        return _page(form, TestEmailForm())
    if not form.validate():
        return _page(form, TestEmailForm(formdata=None), status=422)
    update_settings(current_user._get_current_object(), **form.changes())
    db.session.commit()
    if is_htmx():
        return _page(make_settings_form(get_settings(), fresh=True), TestEmailForm(formdata=None), saved=True)
    flash(_("Settings saved."), "success")
    return redirect(url_for(".settings"))


@bp.post("/settings/test-email")
def test_email():
    form = TestEmailForm()
    sender = test_email_sender()
    status, result = 200, None
    if sender is None:
        status, result = 503, ("error", _("Sending e-mail is not available in this version."))
    elif not form.validate():
        status, result = 422, ("error", _("Give the address to send the test e-mail to."))
    else:
        try:
            sender(form.to_address.data.strip())
        except (OSError, smtplib.SMTPException) as failed:
            status, result = 502, ("error", _("The test e-mail could not be sent: %(reason)s",
                                                reason=str(failed)[:200] or failed.__class__.__name__))
        else:
            result = ("ok", _("A test e-mail was sent to %(address)s.", address=form.to_address.data.strip()))
    return render("manager/settings.html", "manager/_test_email.html", status=status,
                  form=make_settings_form(get_settings(), fresh=True), test_form=form, saved=False, mail_result=result,
                  password_stored=bool(get_settings().smtp_password), mail_available=sender is not None)
