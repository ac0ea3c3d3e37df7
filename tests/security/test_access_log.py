"""No full card number reaches gunicorn's access log: a real gunicorn with run.sh's settings."""
from __future__ import annotations

import re
import urllib.request

import pytest

from hostdesk.auth.models import Role
from hostdesk.security import holds_card_number
from tests.conftest import PASSWORDS
from tests.reliability.http import ROOT, Client, Gunicorn

CARD = "4111 1111 1111 1111"


@pytest.mark.slow
def test_a_card_number_in_a_search_never_reaches_the_access_log(app, users, database_url):
    with Gunicorn(database_url, app.config["UPLOAD_FOLDER"], workers=1, threads=2,
                  extra=("--config", str(ROOT / "gunicorn.conf.py"))) as server:
        staff = Client(server.base).login("staff", PASSWORDS[Role.STAFF], "/lost-found/")
        query = "/lost-found/?q=" + CARD.replace(" ", "+")
        assert staff.get(query).status == 422
        assert staff.get("/lost-found/?q=" + CARD.replace(" ", "")).status == 422
        # A page asked for with the refused search as its referrer.
        request = urllib.request.Request(server.base + "/login",  # noqa: S310 (http to 127.0.0.1)
                                         headers={"Referer": server.base + query})
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (http to 127.0.0.1)
            assert answer.status == 200
    log = server.log.read_text()
    lines = [line for line in log.splitlines() if '"GET /lost-found/ HTTP/1.1" 422' in line]
    assert len(lines) == 2, log[-2000:]  # the requests are logged, without their query
    assert re.search(r'"GET /login HTTP/1\.1" 200', log)
    requests = re.findall(r'"([A-Z]+ [^"]*)"', log)
    assert len(requests) >= 6 and not any(holds_card_number(request) for request in requests)
    assert "4111" not in log and "q=" not in log
