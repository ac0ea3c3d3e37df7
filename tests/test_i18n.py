"""A Dutch (or English) translation missing from any catalogue fails here; so does a stale .mo."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from i18n import CATALOGUES, missing  # noqa: E402


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
def test_every_message_is_translated(catalogue):
    assert missing(catalogue) == []


def test_template_strings_follow_the_locale_even_when_forced(app):
    """Templates translate in the request's language, a forced locale (a guest's e-mail in their
    language) and a later request in another language get theirs."""
    from flask_babel import force_locale

    template = app.jinja_env.from_string("{{ _('Search') }} {{ ngettext('%(num)s guest', '%(num)s guests', 2) }}")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert template.render() == "Search 2 guests"
        with force_locale("nl"):
            assert template.render() == "Zoeken 2 gasten"
        assert template.render() == "Search 2 guests"
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert template.render() == "Zoeken 2 gasten"
    assert template.render() == "Search 2 guests"  # no request: the messages as written


def test_python_strings_follow_the_request_and_a_forced_locale(app):
    """gettext and lazy_gettext in Python code: the request's language, a forced locale, the next request's."""
    from flask_babel import force_locale, gettext, lazy_gettext

    label = lazy_gettext("Search")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert (gettext("Search"), str(label)) == ("Search", "Search")
        with force_locale("nl"):
            assert (gettext("Search"), str(label)) == ("Zoeken", "Zoeken")
        assert str(label) == "Search"
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert str(label) == "Zoeken"


def test_wtforms_messages_in_each_language(app):
    """WTForms' own messages in the request's language (Flask-WTF's translations)."""
    from wtforms import StringField
    from wtforms.validators import DataRequired

    from hostdesk.forms import AppForm

    class NameForm(AppForm):
        name = StringField(validators=[DataRequired()])

    app.config["WTF_CSRF_ENABLED"] = False
    for language, message in [("nl", "Dit veld is vereist."), ("en", "This field is required."),
                              ("nl", "Dit veld is vereist.")]:
        with app.test_request_context(method="POST", data={"name": ""}, headers={"Accept-Language": language}):
            form = NameForm()
            assert not form.validate()
            assert form.name.errors == [message]
