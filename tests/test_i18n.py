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
    """Templates keep the request's catalogue (i18n.RequestDomain), yet a forced locale (a guest's
    e-mail in their language) and a later request in another language get theirs."""
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


def test_python_strings_use_the_kept_catalogue_and_follow_a_forced_locale(app):
    """gettext and lazy_gettext in Python code go through i18n.RequestDomain: the request's catalogue
    is looked up once, and a forced locale or the next request in another language gets its own."""
    from flask_babel import force_locale, get_domain, gettext, lazy_gettext

    from hostdesk.i18n import RequestDomain

    label = lazy_gettext("Search")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert isinstance(get_domain(), RequestDomain)
        assert (gettext("Search"), str(label)) == ("Search", "Search")
        with force_locale("nl"):
            assert (gettext("Search"), str(label)) == ("Zoeken", "Zoeken")
        assert str(label) == "Search"
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert str(label) == "Zoeken"


def test_wtforms_messages_in_each_language_from_one_catalogue_per_language(app):
    """AppForm reads WTForms' own catalogue once per language (Flask-WTF read it for every form)."""
    from wtforms import StringField
    from wtforms.validators import DataRequired

    from hostdesk.forms import AppForm, wtforms_catalogue

    class NameForm(AppForm):
        name = StringField(validators=[DataRequired()])

    app.config["WTF_CSRF_ENABLED"] = False
    wtforms_catalogue.cache_clear()
    for language, message in [("nl", "Dit veld is vereist."), ("en", "This field is required."),
                              ("nl", "Dit veld is vereist.")]:
        with app.test_request_context(method="POST", data={"name": ""}, headers={"Accept-Language": language}):
            form = NameForm()
            assert not form.validate()
            assert form.name.errors == [message]
    assert wtforms_catalogue.cache_info().misses == 2  # nl and en, each read once
