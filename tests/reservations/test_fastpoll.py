"""The unchanged poll answered before Flask (fastpoll.py), and the board fragment reused per
version (fragments.py): the same answers as the full path, for less work (issue 7)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g
from flask_wtf.csrf import generate_csrf

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.reservations import fragments, live, operations

from .conftest import minutes

HX = {"HX-Request": "true"}


class Statements:
    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        if statement.strip().upper() != "BEGIN":
            self.seen.append(statement)

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(db.engine, "before_cursor_execute", self)


def _poll(client, token):
    return client.get(f"/host/board/poll?v={token}", headers=HX)


def test_unchanged_poll_is_one_statement_and_the_same_204(frozen, floor, make_res, host_client):
    make_res("De Waard", 2, frozen + minutes(10))
    token = live.token()
    full = _poll(host_client, token)  # the app's own 204 (the shortcut learns its headers)
    with Statements() as statements:
        fast = _poll(host_client, token)
    assert full.status_code == fast.status_code == 204
    assert statements.seen == []  # answered before the app (by one read on the shortcut's own connection)
    skipped = {"Set-Cookie", "Content-Length", "Date"}
    assert {k: v for k, v in fast.headers if k not in skipped} == {k: v for k, v in full.headers if k not in skipped}
    assert fast.get_data() == b""


def test_a_change_or_a_new_minute_goes_the_full_way(frozen, floor, make_res, host_client, actors):
    res = make_res("De Waard", 2, frozen + minutes(10))
    token = live.token()
    assert _poll(host_client, token).status_code == 204
    assert _poll(host_client, token).status_code == 204
    operations.arrive(res, actors["manager"])
    db.session.commit()
    changed = _poll(host_client, token)
    assert changed.status_code == 200 and "De Waard" in changed.get_data(as_text=True)
    clock.advance(timedelta(seconds=61))
    assert _poll(host_client, live.token()).status_code == 204
    assert _poll(host_client, token).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "staff", "logged_out", "bad_cookie"])
def test_no_204_without_a_live_session_of_a_host(frozen, app, client_for, who):
    # No app context around the requests here: each request must load its own user.
    from hostdesk.auth.models import Role

    with app.app_context():
        token = live.token()
    host = client_for(Role.HOST)
    assert _poll(host, token).status_code == 204  # the shortcut has learnt the headers
    if who == "staff":
        assert _poll(client_for(Role.STAFF), token).status_code == 403
        return
    client = app.test_client()
    if who == "logged_out":
        cookie = host.get_cookie("hostdesk").value
        assert host.post("/logout").status_code == 302
        client.set_cookie("hostdesk", cookie)
    elif who == "bad_cookie":
        client.set_cookie("hostdesk", host.get_cookie("hostdesk").value[:-3] + "abc")
    assert _poll(client, token).status_code in (302, 401)


def test_floor_poll_too(frozen, floor, host_client):
    token = live.token()
    assert host_client.get(f"/host/floor/poll?v={token}", headers=HX).status_code == 204
    with Statements() as statements:
        assert host_client.get(f"/host/floor/poll?v={token}", headers=HX).status_code == 204
    assert statements.seen == []


@pytest.fixture
def cached(app):
    app.config["BOARD_FRAGMENT_CACHE"] = True
    with app.app_context():
        fragments.clear()
    yield
    app.config.pop("BOARD_FRAGMENT_CACHE")
    with app.app_context():
        fragments.clear()


def test_fragment_rendered_once_per_version(frozen, floor, make_res, host_client, actors, cached):
    res = make_res("De Waard", 2, frozen + minutes(10))
    first = _poll(host_client, "0.0").get_data(as_text=True)
    with Statements() as statements:
        again = _poll(host_client, "0.0").get_data(as_text=True)
    assert again == first
    assert not any("FROM reservations" in s for s in statements.seen)
    operations.arrive(res, actors["manager"])
    db.session.commit()
    fresh = _poll(host_client, "0.0").get_data(as_text=True)
    assert fresh != first and live.token() in fresh
    page = host_client.get("/host/").get_data(as_text=True)
    assert 'id="board"' in page and fragments.CSRF_MARK not in page and fragments.NOW_MARK not in page


def test_fragment_gets_this_requests_csrf_token_and_time(app, frozen, floor, make_res, cached):
    make_res("De Waard", 2, frozen + minutes(10))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_request_context():
            first_token, first = generate_csrf(), fragments.board_fragment()
            assert first_token in first
        clock.advance(timedelta(seconds=20))
        with app.test_request_context():
            g.pop("csrf_token", None)  # another request, another session (app_ctx keeps one g)
            token, html = generate_csrf(), fragments.board_fragment()
            assert token != first_token and token in html and first_token not in html
            assert f'data-now="{clock.utcnow().isoformat()}"' in html
            assert html.count(token) == first.count(first_token)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_shared_tablet_still_goes_back_to_the_pin_screen(frozen, app, users):
    from hostdesk.auth.models import Role
    from tests.conftest import PASSWORDS, login

    tablet = app.test_client()
    assert login(tablet, "host", PASSWORDS[Role.HOST], shared_tablet="y", device_name="Door").status_code == 302
    with app.app_context():
        token = live.token()
    assert _poll(tablet, token).status_code == 204
    assert _poll(tablet, token).status_code == 204
    clock.advance(timedelta(minutes=11))  # past the PIN time (10 minutes) without a tap
    with app.app_context():
        token = live.token()
    idle = _poll(tablet, token)
    assert idle.status_code == 401 and idle.headers["HX-Redirect"].endswith("/switch")


def test_quick_render_is_the_same_html(app_ctx, frozen, floor, make_res, actors):
    from flask import render_template

    from hostdesk.reservations.board import load_board
    from hostdesk.reservations.operations import arrive

    for i, minutes_from_now in enumerate((-20, -5, 10, 60, 120)):
        res = make_res(f"Gast {i}", 2 + i % 3, frozen + minutes(minutes_from_now), tables=[floor["10"]] if i else [])
    arrive(res, actors["host"])
    db.session.commit()
    board = load_board()
    assert fragments._render(board, True) == render_template("reservations/_board.html", board=board,
                                                             clear_dialog=True)
