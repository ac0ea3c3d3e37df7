"""urls.UrlsWithIds and urls.kept_url_for: URLs built once per app and script root, read exactly as
url_for's."""
from flask import render_template_string, url_for

from hostdesk import urls


def fresh(app) -> None:
    """The app is shared between tests: start without URLs kept by earlier ones."""
    app.extensions.pop("hostdesk_urls_with_ids", None)
    app.extensions.pop("hostdesk_kept_urls", None)


def test_card_urls_are_url_fors(app):
    fresh(app)
    actions = ("arrive", "greet", "leave", "no-show", "cancel", "call", "undo")
    with app.test_request_context():
        card_url = urls.UrlsWithIds("reservation_id")
        for reservation_id in (1, 305, urls.STAND_IN, 2_000_000_000):
            for action in actions:
                assert (card_url("reservations.transition", reservation_id, action=action)
                        == url_for("reservations.transition", reservation_id=reservation_id, action=action))
            for endpoint in ("reservations.seat", "reservations.edit_booking"):
                assert card_url(endpoint, reservation_id) == url_for(endpoint, reservation_id=reservation_id)
        built = app.extensions["hostdesk_urls_with_ids"]
        assert len(built) == len(actions) + 2  # each built once, then filled in


def test_card_urls_are_kept_across_requests_but_not_across_script_roots(app):
    fresh(app)
    card_url = urls.UrlsWithIds("reservation_id")
    with app.test_request_context():
        assert card_url("reservations.seat", 7) == "/host/reservations/7/seat"
    with app.test_request_context():  # another request: the same built URL, filled in
        assert card_url("reservations.seat", 8) == "/host/reservations/8/seat"
        assert len(app.extensions["hostdesk_urls_with_ids"]) == 1
    with app.test_request_context(base_url="http://localhost/door/"):  # served under a prefix
        assert card_url("reservations.seat", 9) == "/door/host/reservations/9/seat"


def test_templates_url_for_keeps_fixed_links_per_script_root(app):
    fresh(app)
    page = "{{ url_for('reservations.board') }} {{ url_for('static', filename='app.css') }}"
    with app.test_request_context():
        built = f"{url_for('reservations.board')} {url_for('static', filename='app.css')}"
        assert render_template_string(page) == built
        assert render_template_string(page) == "/host/ /static/app.css"
        kept = dict(app.extensions["hostdesk_kept_urls"])
        assert len(kept) == 2
    with app.test_request_context(base_url="http://localhost/door/"):
        assert render_template_string(page) == "/door/host/ /door/static/app.css"


def test_templates_url_for_builds_external_urls_every_time(app):
    fresh(app)
    with app.test_request_context(base_url="http://tablet.example"):
        external = render_template_string("{{ url_for('reservations.board', _external=True) }}")
        assert external == "http://tablet.example/host/"
        assert not app.extensions.get("hostdesk_kept_urls")
    with app.test_request_context(base_url="http://other.example"):
        assert render_template_string("{{ url_for('reservations.board', _external=True) }}") == "http://other.example/host/"


def test_templates_url_for_keeps_a_bounded_number(app, monkeypatch):
    fresh(app)
    monkeypatch.setattr(urls, "KEPT_URLS", 3)
    with app.test_request_context():
        for party in range(1, 10):
            assert urls.kept_url_for("reservations.seat", reservation_id=party) == f"/host/reservations/{party}/seat"
        assert len(app.extensions["hostdesk_kept_urls"]) == 3


def test_outside_a_request_urls_are_built_as_url_for_builds_them(app):
    fresh(app)
    app.config["SERVER_NAME"] = "door.example"
    try:
        with app.app_context():  # a job or an e-mail rendered outside a request
            assert app.jinja_env.globals["url_for"]("reservations.board") == url_for("reservations.board")
            assert urls.UrlsWithIds("reservation_id")("reservations.seat", 3) == url_for(
                "reservations.seat", reservation_id=3)
        assert not app.extensions.get("hostdesk_kept_urls") and not app.extensions.get("hostdesk_urls_with_ids")
    finally:
        app.config["SERVER_NAME"] = None
