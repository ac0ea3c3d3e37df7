"""urls.UrlsWithIds: the board's card URLs, built once per endpoint, read exactly as url_for's."""
from flask import url_for

from hostdesk import urls


def test_card_urls_are_url_fors(app):
    actions = ("arrive", "greet", "leave", "no-show", "cancel", "call", "undo")
    with app.test_request_context():
        card_url = urls.UrlsWithIds("reservation_id")
        for reservation_id in (1, 305, urls.STAND_IN, 2_000_000_000):
            for action in actions:
                assert (card_url("reservations.transition", reservation_id, action=action)
                        == url_for("reservations.transition", reservation_id=reservation_id, action=action))
            for endpoint in ("reservations.seat", "reservations.edit_booking"):
                assert card_url(endpoint, reservation_id) == url_for(endpoint, reservation_id=reservation_id)
        assert len(card_url.built) == len(actions) + 2  # each built once, then filled in
