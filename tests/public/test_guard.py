"""The shared public-form parts (hostdesk/public): the guard, the per-address limit, tokens, the
language switch, the QR code."""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import force_locale
from wtforms import StringField

from hostdesk import clock
from hostdesk.public import PublicForm, limit_per_address, new_token, qr_svg
from hostdesk.public.forms import new_stamp
from hostdesk.public.tokens import TOKEN_LENGTH


class NameForm(PublicForm):
    name = StringField("Name")


def _post(app, data: dict):
    return app.test_request_context("/x", method="POST", data=data, headers={"Accept-Language": "en"})


def _stamp_then_wait(app, wait: timedelta) -> str:
    """A stamp as the form was shown, and `wait` of filling in after it."""
    with app.test_request_context("/x"):
        stamp = new_stamp()
    clock.advance(wait)
    return stamp


def test_a_form_sent_after_the_minimum_time_with_an_empty_honeypot_passes(app, frozen):
    stamp = _stamp_then_wait(app, timedelta(seconds=app.config["PUBLIC_MIN_FILL_SECONDS"]))
    with _post(app, {"name": "Ann", "started": stamp, "website": ""}):
        form = NameForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.guard_errors == []


def test_a_form_sent_too_quickly_is_refused_in_the_guests_language_and_gets_a_new_stamp(app, frozen):
    stamp = _stamp_then_wait(app, timedelta(seconds=1))
    with _post(app, {"name": "Ann", "started": stamp, "website": ""}):
        form = NameForm(meta={"csrf": False})
        with force_locale("nl"):
            assert not form.validate()
            assert form.guard_errors == ["Dit formulier is wel erg snel verstuurd. Kijk na wat u hebt ingevuld, "
                                         "wacht even en verstuur het opnieuw."]
        assert form.started.data != stamp and form.name.data == "Ann"


def test_a_filled_honeypot_is_refused_without_naming_the_trap(app, frozen):
    stamp = _stamp_then_wait(app, timedelta(minutes=1))
    with _post(app, {"name": "Ann", "started": stamp, "website": "http://spam.example"}):
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        assert form.guard_errors == ["This form was sent very quickly. Check what you filled in, wait a moment "
                                     "and send it again."]


def test_a_forged_missing_or_stale_stamp_is_refused(app, frozen):
    with app.test_request_context("/x"):
        stamp = new_stamp()
    for bad in ("", "form.abc.def", stamp[:-2] + "xx"):
        with _post(app, {"name": "Ann", "started": bad}):
            assert not NameForm(meta={"csrf": False}).validate()
    clock.advance(app.config["PUBLIC_MAX_FORM_AGE"] + timedelta(minutes=1))
    with _post(app, {"name": "Ann", "started": stamp}):
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        assert "open too long" in form.guard_errors[0]


def test_the_limit_per_address_answers_429_in_the_guests_language_once_exceeded(app):
    calls = []

    @limit_per_address("test-scope")
    def view():
        calls.append(1)
        return "ok"

    allowed, _seconds = app.config["PUBLIC_FORM_LIMIT"]
    answers = []
    for _ in range(allowed + 1):
        with app.test_request_context("/x", method="POST", environ_base={"REMOTE_ADDR": "10.9.8.7"},
                                      headers={"Accept-Language": "nl"}):
            answers.append(view())
    assert answers[:allowed] == ["ok"] * allowed and len(calls) == allowed
    refused = answers[-1]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Er zijn te veel formulieren verstuurd vanaf deze verbinding" in refused.get_data(as_text=True)
    with app.test_request_context("/x", method="POST", environ_base={"REMOTE_ADDR": "10.9.8.6"}):
        assert view() == "ok"  # another address is counted on its own


def test_tokens_are_long_random_and_other_shapes_never_reach_a_view(app, users):
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) == TOKEN_LENGTH for t in tokens)
    adapter = app.url_map.bind("localhost")
    token = next(iter(tokens))
    assert app.url_map.converters["token"](app.url_map).to_python(token) == token
    for shape in ("short", token + "x", token[:-1] + "!"):
        assert not re.fullmatch(app.url_map.converters["token"].regex, shape)
    assert adapter is not None


def test_the_language_switch_sets_the_cookie_and_never_leaves_the_site(app, users):
    client = app.test_client()
    answer = client.get("/language/en?next=/lost")
    assert answer.status_code == 302 and answer.headers["Location"] == "/lost"
    assert "hostdesk_guest_lang=en" in answer.headers["Set-Cookie"]
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example"):
        assert client.get("/language/nl", query_string={"next": target}).headers["Location"] == "/"
    assert "Set-Cookie" not in client.get("/language/de?next=/lost").headers


def test_the_qr_code_is_bare_inline_svg_sized_by_its_scale(app):
    small, large = qr_svg("https://example.org/w/abc"), qr_svg("https://example.org/w/abc", scale=8)
    assert small.startswith("<svg") and "<title>" not in small and "<?xml" not in small
    assert 'width="' in large and large != small  # decoded from the screen in tests/browser/test_guests.py
