"""Every route, every role, and anonymous: generated from the URL map, so a new route is covered. The
expected answers are the explicit table of tests/security/test_access_matrix.py, never access_for()."""
import pytest
from flask import Blueprint
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from hostdesk import create_app
from hostdesk.auth.models import Role
from tests.conftest import PASSWORDS, login
from tests.security.test_access_matrix import EXPECTED

SAMPLE_ARGS = {"int": 999999, "string": "x", "path": "x", "default": "x"}


def _urls(rule: Rule) -> list[str]:
    """One URL per rule (a missing object's id), or one per choice of an <any(...)> part."""
    values, choices = {}, [{}]
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            choices = [dict(c, **{name: item}) for c in choices for item in sorted(converter.items)]
        else:
            values[name] = SAMPLE_ARGS["int"] if isinstance(converter, IntegerConverter) else "x"
    return [rule.build({**values, **choice}, append_unknown=False)[1] for choice in choices]


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


def test_role_route_matrix(app, users):
    clients = {None: app.test_client()}
    for role in Role:
        clients[role] = app.test_client()
        assert login(clients[role], role.value, PASSWORDS[role]).status_code == 302
    checked = 0
    rules = [(rule, EXPECTED[rule.endpoint]) for rule in _rules(app)]
    for rule, rule_access, url in ((r, a, u) for r, a in rules for u in _urls(r)):
        method = "GET" if "GET" in rule.methods else "POST"
        for role, client in clients.items():
            if rule.endpoint == "auth.logout":
                continue  # would end the shared client's session; covered in tests/auth
            response = client.open(url, method=method, headers={"Accept-Language": "en"})
            status = response.status_code
            label = f"{method} {rule.rule} as {role or 'anonymous'}: {status}"
            assert status < 500, label
            if rule_access == "public":
                assert status != 403, label
            elif role is None:
                assert status in (302, 401), label
            elif rule_access == "any" or role is Role.MANAGER or role.value == rule_access:
                assert status not in (401, 403), label
            else:
                assert status == 403, label
                assert "Your role does not give access" in response.get_data(as_text=True)
            checked += 1
    assert checked >= 4 * 6


@pytest.mark.parametrize("path", ["/login", "/healthz"])
def test_public_routes_need_no_login(app, path):
    assert app.test_client().get(path).status_code == 200


def test_unknown_page_is_a_friendly_404(host_client):
    response = host_client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_a_blueprint_missing_from_the_role_table_is_for_managers_only(users, database_url, tmp_path):
    fresh = create_app({"TESTING": True, "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": database_url,
                        "UPLOAD_FOLDER": str(tmp_path / "uploads"), "WTF_CSRF_ENABLED": False})
    backroom = Blueprint("backroom", __name__, url_prefix="/backroom")
    backroom.add_url_rule("/", "index", lambda: "the backroom")
    fresh.register_blueprint(backroom)
    anonymous = fresh.test_client().get("/backroom/")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    for role in (Role.HOST, Role.STAFF):
        client = fresh.test_client()
        assert login(client, role.value, PASSWORDS[role]).status_code == 302
        refused = client.get("/backroom/", headers={"Accept-Language": "en"})
        assert refused.status_code == 403, role
        assert "Your role does not give access" in refused.get_data(as_text=True)
    manager = fresh.test_client()
    assert login(manager, "manager", PASSWORDS[Role.MANAGER]).status_code == 302
    opened = manager.get("/backroom/")
    assert opened.status_code == 200 and opened.get_data(as_text=True) == "the backroom"
