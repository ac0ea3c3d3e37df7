"""A login that ended is refused at its very next board poll, on every worker.

The board polls every 2 seconds; once its login has ended (signed out, the user deactivated, the
tablet revoked), the next poll must send it to the login page, never answer 204 ("unchanged") or
the board. Checked with the Flask test client and against gunicorn as run.sh starts it, where each
worker must refuse it at once, whatever it remembered of that login before.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from hostdesk.auth.models import Role
from hostdesk.reservations import live
from tests.conftest import PASSWORDS, login

from .fixtures import board_poll, new_database, on_each_worker, sign_in
from .http import Answer

TABLET = {"shared_tablet": "y", "device_name": "Door"}
WRONG_PIN = "9999"
SIGN_OUTS = ("logout", "deactivated", "revoked")


def poll_now(app) -> str:
    """The poll of a tablet that shows the board as it stands (the page's token, or its next minute)."""
    with app.app_context():
        return f"/host/board/poll?v={live.token()}"


def refused_to_login(answer: Answer) -> bool:
    """401 with HX-Redirect to the login page (htmx), or a redirect there."""
    target = {401: answer.headers.get("HX-Redirect"), 302: answer.headers.get("Location"),
              303: answer.headers.get("Location")}.get(answer.status)
    return target is not None and urlsplit(target).path == "/login"


class FlaskTablet:
    """A Flask test client with the HTTP client's calls (get, post, same_cookies; answers as Answer)."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def _answer(self, response) -> Answer:
        return Answer(response.status_code, response.get_data(as_text=True), dict(response.headers))

    def get(self, path: str, htmx: bool = False) -> Answer:
        return self._answer(self.client.get(path, headers={"HX-Request": "true"} if htmx else {}))

    def post(self, path: str, data: dict | None = None, htmx: bool = False) -> Answer:
        return self._answer(self.client.post(path, data=data, headers={"HX-Request": "true"} if htmx else {}))

    def same_cookies(self) -> FlaskTablet:
        other = FlaskTablet(self.app)
        name = self.app.config["SESSION_COOKIE_NAME"]
        other.client.set_cookie(name, self.client.get_cookie(name).value)
        return other


def flask_sign_in(app, role: Role, **extra) -> FlaskTablet:
    tablet = FlaskTablet(app)
    assert login(tablet.client, role.value, PASSWORDS[role], **extra).status_code == 302
    return tablet


def ending(case: str, host, manager, host_id: int, max_pin_failures: int):
    """All but the one request that ends the host's login, made now; returns that request and the
    status it answers. The login ends by its own logout, by a manager deactivating the user, or by
    the tablet revoked at the last of too many wrong PINs typed on it (in a second tab)."""
    if case == "logout":
        return lambda: host.post("/logout"), 302
    if case == "deactivated":
        signed_in = manager()
        return lambda: signed_in.post(f"/manager/users/{host_id}/active"), 302
    second_tab = host.same_cookies()

    def wrong_pin():
        return second_tab.post("/switch", {"user_id": str(host_id), "pin": WRONG_PIN})

    assert [wrong_pin().status for _ in range(max_pin_failures - 1)] == [401] * (max_pin_failures - 1)
    return wrong_pin, 401


@pytest.mark.parametrize("case", SIGN_OUTS)
def test_the_next_poll_is_refused_at_once(app, users, frozen, case):
    host = flask_sign_in(app, Role.HOST, **(TABLET if case == "revoked" else {}))
    page = host.get("/host/")
    assert page.status == 200
    poll = board_poll(page.body)
    end, status = ending(case, host, lambda: flask_sign_in(app, Role.MANAGER), users[Role.HOST],
                         app.config["DEVICE_MAX_PIN_FAILURES"])
    assert host.get(poll, htmx=True).status == 204  # the board is current: "unchanged"
    cookie_before = host.same_cookies()  # the cookie as the tablet sent it until now
    assert end().status == status
    answers = [tablet.get(poll, htmx=True) for tablet in (host, cookie_before)]
    assert [(a.status, refused_to_login(a)) for a in answers] == [(401, True)] * 2, [
        (a.status, a.headers.get("HX-Redirect")) for a in answers]


@pytest.mark.slow
@pytest.mark.parametrize("case", SIGN_OUTS)
def test_the_next_poll_is_refused_by_every_gunicorn_worker(run_sh_gunicorn, tmp_path, case):
    """Each poll after the change carries the cookie from before it (a refusal replaces the cookie,
    so a second poll of one client would prove nothing): the next poll, whichever worker it reaches."""
    url = f"sqlite:///{tmp_path / 'hostdesk.db'}"
    own, ids = new_database(url, str(tmp_path))
    server = run_sh_gunicorn(url)
    host = sign_in(server.base, Role.HOST, **(TABLET if case == "revoked" else {}))
    page = host.get("/host/")
    assert page.status == 200
    poll = board_poll(page.body)
    end, status = ending(case, host, lambda: sign_in(server.base, Role.MANAGER), ids[Role.HOST],
                         own.config["DEVICE_MAX_PIN_FAILURES"])
    before = on_each_worker(server, lambda: host.get(poll, htmx=True))  # each worker has checked the login
    assert {a.status for _, a in before} <= {204, 200}, [(pid, a.status) for pid, a in before]  # 200: a new minute
    cookie_before = host.same_cookies()
    assert end().status == status
    after = [(name, pid, answer) for name, ask in (
        ("its own next poll", lambda: host.get(poll_now(own), htmx=True)),
        ("the cookie from before", lambda: cookie_before.same_cookies().get(poll_now(own), htmx=True)))
        for pid, answer in on_each_worker(server, ask)]
    not_refused = [(name, pid, a.status) for name, pid, a in after if not refused_to_login(a)]
    assert not_refused == [], f"{len(not_refused)} of {len(after)} polls after the {case} not refused"
