"""Settings: the form over every restaurant setting, and the test e-mail button."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..htmx import is_htmx, render
from ..jobs import PURGE, TURN_TIMES, last_run
from ..lostfound.mail import send_test_email
from ..reservations.turntimes import MIN_VISITS, overview
from ..settings import get_settings, update_settings
from .forms import TestEmailForm
from .settings_form import make_settings_form
from .views import bp


def _page(form, test_form, status=200, saved=False, mail_result=None, fragment="manager/_settings_form.html"):
    return render("manager/settings.html", fragment, status=status, form=form, test_form=test_form, saved=saved,
                  mail_result=mail_result, password_stored=bool(get_settings().smtp_password),
                  purge=last_run(PURGE), turn_times=overview(), turn_job=last_run(TURN_TIMES), min_visits=MIN_VISITS)


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
    status, result = 200, None
    if not form.validate():
        status, result = 422, ("error", _("Give the address to send the test e-mail to."))
    else:
        address = form.to_address.data.strip()
        try:
            sent = send_test_email(address, current_user._get_current_object())
        except DomainError as refused:
            db.session.rollback()
            status, result = refused.status, ("error", str(refused.message))
        else:
            db.session.commit()
            result = ("ok", _("A test e-mail was sent to %(address)s.", address=address) if sent else
                      _("No mail server is set up, so the test e-mail to %(address)s was put in the outbox.",
                        address=address))
    return _page(make_settings_form(get_settings(), fresh=True), form, status=status, mail_result=result,
                 fragment="manager/_test_email.html")
