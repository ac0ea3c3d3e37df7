"""Route x role matrix: an explicit table of who may use each endpoint, checked over HTTP for
anonymous, host, staff, manager and a deactivated user. An endpoint of the URL map that is not in
the table fails the test, so a new route needs a decision here. Refusals are logged."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from werkzeug.routing import IntegerConverter, Rule

from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, login

# Who may use each endpoint: public, any (every signed-in person), or the roles (manager reaches all).
EXPECTED = {
    "static": "public", "auth.login": "public", "auth.switch": "public", "core.healthz": "public",
    "setup.first_run": "public", "tls.authority_certificate": "public",
    "reservations.door_status": "public",  # counts only, and only for an enrolled tablet's cookie
    "online.book": "public", "online.manage": "public", "online.change": "public", "online.cancel": "public",
    "online.resend": "host",
    "public.language_set": "public", "lost_public.lost_form": "public", "lost_public.status": "public",
    "waitlist_public.page": "public", "waitlist_public.leave": "public",  # the guest's link (a token)
    "auth.leave": "any", "auth.logout": "any", "core.index": "any",
    "manager.me": "any", "manager.me_language": "any", "manager.me_password": "any", "manager.me_pin": "any",
    **dict.fromkeys([
        "floor.clear", "floor.floor", "floor.poll", "floor.tile",
        "reservations.add_to_waitlist", "reservations.board", "reservations.bookings_of_day",
        "reservations.call_next", "reservations.cancel_booking", "reservations.dismiss_note",
        "reservations.edit_booking", "reservations.new_booking", "reservations.poll", "reservations.seat",
        "reservations.seat_walk_in", "reservations.transition", "reservations.walk_in",
        "reservations.ask", "reservations.change_size", "reservations.move", "reservations.post_note",
        "reservations.release", "reservations.rest_arrived", "reservations.search", "reservations.tables_of",
        "reservations.booking_availability", "reservations.timeline_page", "reservations.timeline_move",
        "reservations.timeline_party", "reservations.timeline_poll", "reservations.guest_link"], "host"),
    **dict.fromkeys([
        "lostfound.action_done", "lostfound.add_callback", "lostfound.aftercare", "lostfound.agree_post",
        "lostfound.arrived", "lostfound.choose_category", "lostfound.close_report", "lostfound.dispose",
        "lostfound.hand_over", "lostfound.index", "lostfound.item", "lostfound.label", "lostfound.label_qr",
        "lostfound.link_report", "lostfound.outbox", "lostfound.photo", "lostfound.pickup", "lostfound.posted",
        "lostfound.register", "lostfound.report", "lostfound.reports", "lostfound.retention",
        "lostfound.verify", "lostfound.due", "lostfound.due_count", "lostfound.cancel_mail",
        "lostfound.retry_mail", "lostfound.unlink_report"], "staff"),
    **dict.fromkeys([
        "floor.edit_area", "floor.edit_table", "floor.tables", "lostfound.questions", "lostfound.unlock",
        "lostfound.aliases",
        "manager.dashboard", "manager.item", "manager.log", "manager.log_csv",
        "manager.log_print", "manager.settings", "manager.test_email", "manager.user", "manager.user_active",
        "manager.user_password", "manager.user_pin", "manager.users", "manager.dashboard_csv",
        "manager.dashboard_print", "manager.history", "manager.item_dispose", "manager.item_unlock",
        "manager.user_summary_address"], "manager"),
}
COLUMNS = ["anonymous", "host", "staff", "manager", "deactivated"]
ENDS_SESSION = {"auth.logout", "auth.leave"}


def _url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = type(converter).__name__
        if isinstance(converter, IntegerConverter):
            values[name] = 999999
        elif kind == "TokenConverter":
            values[name] = "A" * 32
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "umbrella" if name == "category" else "x.css"
    return rule.build(values, append_unknown=False)[1]


def _allowed(spec: str, column: str) -> bool | None:
    """True: may use it; False: refused (403); None: must sign in first."""
    if spec == "public":
        return True
    if column in ("anonymous", "deactivated"):
        return None
    return spec == "any" or column == "manager" or spec == column


def test_every_endpoint_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not endpoints - EXPECTED.keys(), f"new routes without an access decision: {endpoints - EXPECTED.keys()}"
    assert not EXPECTED.keys() - endpoints, f"gone from the URL map: {EXPECTED.keys() - endpoints}"


def _clients(app, make_user, users) -> dict:
    clients = {"anonymous": app.test_client()}
    for role in Role:
        clients[role.value] = app.test_client()
        assert login(clients[role.value], role.value, PASSWORDS[role]).status_code == 302
    gone = make_user(Role.HOST, username="leftus")
    clients["deactivated"] = app.test_client()
    assert login(clients["deactivated"], "leftus", PASSWORDS[Role.HOST]).status_code == 302
    with app.app_context():
        db.session.get(User, gone).active = False  # a manager switched the account off mid-shift
        db.session.commit()
    return clients


def test_route_role_matrix(app, users, make_user, caplog):
    clients = _clients(app, make_user, users)
    rules = sorted((r for r in app.url_map.iter_rules()), key=lambda r: r.rule)
    checked, refused = 0, 0
    caplog.set_level(logging.WARNING, logger=app.logger.name)
    # Alembic's env.py (fileConfig) disables the loggers that exist when a test runs a migration.
    app.logger.disabled = False
    for rule in rules:
        spec = EXPECTED[rule.endpoint]
        for method in sorted(rule.methods & {"GET", "POST"}):
            for column in COLUMNS:
                client = clients[column]
                if rule.endpoint in ENDS_SESSION and column not in ("anonymous", "deactivated"):
                    client = app.test_client()  # a throw-away session, so the shared one stays signed in
                    assert login(client, column, PASSWORDS[Role(column)]).status_code == 302
                response = client.open(_url(rule), method=method, headers={"Accept-Language": "en"})
                status, label = response.status_code, f"{method} {rule.rule} as {column}"
                allowed = _allowed(spec, column)
                assert status < 500, f"{label}: {status}"
                if allowed is None:
                    assert status in (302, 401), f"{label}: {status}"
                    assert "/login" in response.headers.get("Location", "") + response.headers.get("HX-Redirect", "")
                elif allowed:
                    assert status not in (401, 403), f"{label}: {status}"
                else:
                    assert status == 403, f"{label}: {status}"
                    assert "Your role does not give access" in response.get_data(as_text=True)
                    refused += 1
                checked += 1
    logged = [r for r in caplog.records if r.getMessage().startswith("refused ")]
    assert len(logged) == refused  # every refusal is in the log, with the path and the user
    assert checked >= 5 * 70 and refused >= 50
    print(f"route x role matrix: {checked} requests, {refused} refusals logged")


def test_deactivated_user_cannot_sign_in_and_gets_the_common_answer(app, users, make_user):
    make_user(Role.STAFF, username="gone", active=False)
    off = login(app.test_client(), "gone", PASSWORDS[Role.STAFF])
    wrong = login(app.test_client(), "nobody", PASSWORDS[Role.STAFF])
    assert off.status_code == wrong.status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(User.active).where(User.username == "gone")) is False
