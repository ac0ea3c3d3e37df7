"""The unchanged poll answered before Flask (fastpoll.py): the same answers as the full path, for
less work (issue 7). The fragment's reuse is in test_fragments.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.reservations import live, operations
from tests.statements import Statements

from .conftest import minutes

HX = {"HX-Request": "true"}


def _poll(client, token):
    return client.get(f"/host/board/poll?v={token}", headers=HX)


def test_unchanged_poll_is_one_statement_and_the_same_204(frozen, floor, make_res, host_client):
    make_res("De Waard", 2, frozen + minutes(10))
    token = live.token()
    full = _poll(host_client, token)  # the app's own 204 (the shortcut learns its headers)
    with Statements(db.engine) as statements:
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
    with Statements(db.engine) as statements:
        assert host_client.get(f"/host/floor/poll?v={token}", headers=HX).status_code == 204
    assert statements.seen == []


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
