"""The access rule without HTTP: who may use which endpoint, each answer written here, never taken from
the rule itself (the HTTP matrices are tests/test_access.py and tests/security/test_access_matrix.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Blueprint

from hostdesk.auth.access import allow, may_access, public
from hostdesk.auth.models import Role

ANONYMOUS = SimpleNamespace(is_authenticated=False, role=None)
HOST, STAFF, MANAGER = (SimpleNamespace(is_authenticated=True, role=role) for role in Role)

# endpoint: (anonymous, host, staff, manager)
ANSWERS = {
    None: (True, True, True, True),
    "static": (True, True, True, True),
    "auth.login": (True, True, True, True),
    "core.healthz": (True, True, True, True),
    "core.index": (False, True, True, True),
    "manager.me": (False, True, True, True),
    "reservations.board": (False, True, False, True),
    "floor.floor": (False, True, False, True),
    "lostfound.index": (False, False, True, True),
    "lostfound.unlock": (False, False, False, True),
    "manager.users": (False, False, False, True),
    "manager.no_such_page": (False, False, False, True),
    "backroom.index": (False, False, False, True),  # a blueprint missing from the role table
}


@pytest.mark.parametrize("endpoint", list(ANSWERS))
def test_who_may_use_each_kind_of_endpoint(app, endpoint):
    with app.test_request_context():
        answers = tuple(may_access(person, endpoint) for person in (ANONYMOUS, HOST, STAFF, MANAGER))
    assert answers == ANSWERS[endpoint]


def test_a_view_of_its_own_overrides_its_blueprint(app):
    from flask import Flask

    bare = Flask("bare")
    pages = Blueprint("manager", "bare")
    pages.add_url_rule("/open", "open", public(lambda: ""))
    pages.add_url_rule("/staff", "staff", allow(Role.STAFF)(lambda: ""))
    bare.register_blueprint(pages)
    with bare.test_request_context():
        assert [may_access(p, "manager.open") for p in (ANONYMOUS, HOST, STAFF, MANAGER)] == [True] * 4
        assert [may_access(p, "manager.staff") for p in (ANONYMOUS, HOST, STAFF, MANAGER)] == [
            False, False, True, True]


def test_no_user_at_all_gets_only_the_public_pages(app):
    with app.test_request_context():
        assert may_access(None, "auth.login") and may_access(None, "static")
        assert not may_access(None, "core.index") and not may_access(None, "manager.users")
