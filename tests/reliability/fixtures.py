"""Fixtures shared by tests/reliability and tests/security (imported by their conftest.py)."""
from __future__ import annotations

import logging
import threading

import pytest
from werkzeug.serving import make_server

from hostdesk.auth.models import Role
from tests.conftest import PASSWORDS, served_app

from .http import Client


@pytest.fixture(scope="session")
def server(app, database_url):
    """The app with CSRF on, on a threaded local server, against the test database."""
    live_app = served_app(database_url, SECRET_KEY="server-secret", UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the test output
    http_server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http_server.server_port}"
    http_server.shutdown()


HOMES = {Role.HOST: "/host/", Role.STAFF: "/lost-found/", Role.MANAGER: "/manager/"}


@pytest.fixture
def tablet(server, users):
    """tablet(Role.HOST, language="nl"): a logged-in HTTP client of the live server."""
    def make(role: Role = Role.HOST, language: str = "en", base: str | None = None) -> Client:
        return Client(base or server, language).login(role.value, PASSWORDS[role], HOMES[role])

    return make
