"""A manager's change of a setting shows on the very next board render, on every worker.

The greet timer's red threshold is written into each waiting party's card (`data-red`, and the
warning's text). With gunicorn as run.sh starts it, both workers render the board, a manager changes
the threshold through one of them, and every board answer after that, from either worker and in
each form a tablet asks for it, carries the new value.
"""
from __future__ import annotations

import re

import pytest

from hostdesk.auth.models import Role
from hostdesk.settings import Settings
from tests.manager.helpers import settings_form_data

from .data import add_parties
from .fixtures import board_poll, on_each_worker, sign_in

RED = re.compile(r'data-red="(\d+)"')


@pytest.mark.slow
def test_a_changed_setting_shows_on_the_next_board_of_every_worker(app, users, database_url, run_sh_gunicorn):
    """The manager sets the threshold three times; each time, both workers have just rendered the
    board with the value before (a busy evening)."""
    add_parties(app, 1)  # arrived, not yet greeted: its card shows the red threshold
    server = run_sh_gunicorn(database_url)
    host = sign_in(server.base, Role.HOST)
    manager = sign_in(server.base, Role.MANAGER)
    old_poll = board_poll(host.get("/host/").body)
    asks = {"page": lambda: host.get("/host/"), "fragment": lambda: host.get("/host/", htmx=True),
            "poll with an old token": lambda: host.get(old_poll, htmx=True)}
    value = Settings().greet_red_seconds
    for new in (value + 15, value + 30, value + 45):
        before = on_each_worker(server, asks["fragment"], last_from_each=True)
        assert {tuple(RED.findall(a.body)) for _, a in before} == {(str(value),)}
        changed = manager.post("/manager/settings", settings_form_data(greet_red_seconds=str(new)), htmx=False)
        assert changed.status == 302, changed.body[:500]
        shown = [(kind, pid, answer.status, RED.findall(answer.body))
                 for kind, ask in asks.items() for pid, answer in on_each_worker(server, ask)]
        stale = [entry for entry in shown if entry[2:] != (200, [str(new)])]
        assert stale == [], f"{len(stale)} of {len(shown)} board answers after red {value}s -> {new}s not at {new}s"
        value = new
