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
    """Templates keep the request's catalogue (i18n.translations), yet a forced locale (a guest's
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
