"""Every route, every role, and anonymous: generated from the URL map, so a new route is covered."""
import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from hostdesk.auth.access import ANY_USER, PUBLIC, access_for
from hostdesk.auth.models import Role
from tests.conftest import PASSWORDS, login

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
    with app.test_request_context():
        rules = [(rule, access_for(rule.endpoint)) for rule in _rules(app)]
    for rule, rule_access, url in ((r, a, u) for r, a in rules for u in _urls(r)):
        method = "GET" if "GET" in rule.methods else "POST"
        for role, client in clients.items():
            if rule.endpoint == "auth.logout":
                continue  # would end the shared client's session; covered in tests/auth
            response = client.open(url, method=method, headers={"Accept-Language": "en"})
            status = response.status_code
            label = f"{method} {rule.rule} as {role or 'anonymous'}: {status}"
            assert status < 500, label
            if rule_access == PUBLIC:
                assert status != 403, label
            elif role is None:
                assert status in (302, 401), label
            elif rule_access == ANY_USER or role is Role.MANAGER or role in rule_access:
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
