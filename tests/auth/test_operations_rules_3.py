"""PINs, new users, password sign-in, login sessions and tablets in hostdesk.auth.operations, word by
word: the exact refusal, what is stored, and the audit entry (who, on what, which changes) each leaves."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.auth import operations
from hostdesk.auth.models import AuthSession, Role, User
from hostdesk.auth.passwords import verify_secret
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, PINS

PIN_FORM = "A PIN is 4 to 6 digits."
WEAK_PIN = "This PIN is too easy to guess (such as 1234, 0000 or a year). Choose another."
TAKEN_PIN = "Someone else already has this PIN. Choose another."
USERNAME_FORM = "A user name is 2 to 40 lower-case letters, digits, dots, dashes or underscores."
LOGIN_FAILED = "Unknown user name or wrong password."
SECRET = "a-long-secret-1"  # a new user's password


def people(users):
    return {role: db.session.get(User, user_id) for role, user_id in users.items()}


def logged(subject_type: str, subject_id: int, action: str) -> list[tuple[int | None, dict]]:
    """(actor_id, changes) of each audit entry of `action` on that subject, oldest first."""
    return [(e.actor_id, e.changes) for e in entries_for(subject_type, subject_id) if e.action == action]


def refusal(call, error=ValidationFailed) -> str:
    with force_locale("en"):
        with pytest.raises(error) as refused:
            call()
        return str(refused.value.message)


def new_user(username="fleur", pin=None, vetted=True, password=SECRET, **extra) -> User:
    return operations.create_user(None, username, "Fleur", Role.HOST, password, pin=pin, vetted=vetted, **extra)


# --- _check_pin, through set_pin and create_user ---------------------------------------------

@pytest.mark.parametrize("pin", ["", "123", "1234567", "12a4", " 2580"])
def test_a_pin_that_is_not_4_to_6_digits_is_refused_in_these_words(app_ctx, users, pin):
    host = people(users)[Role.HOST]
    assert refusal(lambda: operations.set_pin(None, host, pin)) == PIN_FORM
    assert verify_secret(host.pin_hash, PINS[Role.HOST])


def test_an_unvetted_pin_is_still_4_to_6_digits(app_ctx):
    assert refusal(lambda: new_user(pin="12a4", vetted=False)) == PIN_FORM


@pytest.mark.parametrize("pin", ["1234", "0000", "1987", "121212"])
def test_an_easy_pin_is_refused_in_these_words(app_ctx, users, pin):
    host = people(users)[Role.HOST]
    assert refusal(lambda: operations.set_pin(None, host, pin)) == WEAK_PIN
    assert refusal(lambda: new_user(pin=pin)) == WEAK_PIN


def test_a_demo_user_may_have_an_easy_pin_and_a_common_password(app_ctx):
    demo = new_user(pin="1234", password="password", vetted=False)
    assert verify_secret(demo.pin_hash, "1234") and verify_secret(demo.password_hash, "password")


def test_someone_elses_pin_is_refused_and_ones_own_is_not(app_ctx, users):
    who = people(users)
    assert refusal(lambda: operations.set_pin(None, who[Role.HOST], PINS[Role.STAFF])) == TAKEN_PIN
    assert refusal(lambda: new_user(pin=PINS[Role.MANAGER])) == TAKEN_PIN
    operations.set_pin(None, who[Role.HOST], PINS[Role.HOST])
    assert verify_secret(who[Role.HOST].pin_hash, PINS[Role.HOST])


# --- create_user -----------------------------------------------------------------------------

def test_a_new_user_without_a_user_name_is_refused(app_ctx):
    assert refusal(lambda: new_user(username=None)) == USERNAME_FORM
    assert refusal(lambda: new_user(username="   ")) == USERNAME_FORM


@pytest.mark.parametrize("length", [79, 80, 81])
def test_a_new_users_display_name_keeps_its_first_80_characters(app_ctx, length):
    user = operations.create_user(None, "fleur", "F" * length, Role.HOST, SECRET)
    assert user.display_name == "F" * min(length, 80)


def test_a_new_user_is_audited_by_the_manager_with_name_and_role(app_ctx, users):
    manager = people(users)[Role.MANAGER]
    user = operations.create_user(manager, "  Fleur ", "Fleur", Role.STAFF, SECRET)
    assert logged("users", user.id, "user.create") == [(manager.id, {"username": "fleur", "role": "staff"})]


# --- authenticate ----------------------------------------------------------------------------

def test_no_user_name_signs_in_nobody_even_beside_a_user_called_xxxx(app_ctx):
    new_user(username="xxxx")
    assert refusal(lambda: operations.authenticate(None, SECRET), operations.LoginFailed) == LOGIN_FAILED


def test_a_wrong_password_is_audited_on_the_person_with_the_address(app, users):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        host = people(users)[Role.HOST]
        with pytest.raises(operations.LoginFailed):
            operations.authenticate("host", "not-the-password")
        assert logged("users", host.id, "login.failed") == [(host.id, {"address": "203.0.113.7"})]
        db.session.rollback()


def test_a_wrong_password_outside_a_request_is_audited_without_an_address(app, users):
    with app.app_context():
        host = people(users)[Role.HOST]
        with pytest.raises(operations.LoginFailed):
            operations.authenticate("host", "not-the-password")
        assert logged("users", host.id, "login.failed") == [(host.id, {"address": None})]
        db.session.rollback()


def test_a_plain_sign_in_unlocks_nothing(app_ctx, users):
    host = people(users)[Role.HOST]
    assert operations.authenticate("host", PASSWORDS[Role.HOST]) is host
    assert logged("users", host.id, "pin.unlocked") == []


def test_a_sign_in_lifts_a_lock_without_a_count_and_is_audited_by_the_person(app_ctx, users, frozen):
    host = people(users)[Role.HOST]
    host.pin_locked_at = clock.utcnow()
    db.session.flush()
    operations.authenticate("host", PASSWORDS[Role.HOST])
    assert (host.pin_locked_at, host.pin_failures) == (None, 0)
    assert logged("users", host.id, "pin.unlocked") == [(host.id, {"by": "password"})]


# --- sessions --------------------------------------------------------------------------------

def test_a_pin_session_on_a_tablet_is_stored_with_when_and_audited(app_ctx, users, frozen):
    host = people(users)[Role.HOST]
    device, _ = operations.enroll_device(host, "Bar")
    token = operations.start_session(host, device=device, via_pin=True)
    db.session.flush()
    row = operations.find_session(token)
    assert (row.user_id, row.device_id, row.via_pin) == (host.id, device.id, True)
    assert (row.created_at, row.last_active_at, row.ended_at) == (frozen, frozen, None)
    assert logged("users", host.id, "login.pin") == [(host.id, {"device": "Bar"})]


def test_a_password_session_is_audited_without_a_tablet(app_ctx, users, frozen):
    host = people(users)[Role.HOST]
    row = operations.find_session(operations.start_session(host))
    assert (row.via_pin, row.device_id, row.created_at) == (False, None, frozen)
    assert logged("users", host.id, "login") == [(host.id, {"device": None})]


def test_ending_a_session_twice_ends_it_once_and_a_gone_one_not_at_all(app_ctx, users, frozen):
    host = people(users)[Role.HOST]
    row = operations.find_session(operations.start_session(host))
    operations.end_session(row, reason="expired")
    first = row.ended_at
    clock.advance(timedelta(minutes=5))
    operations.end_session(row, reason="expired")
    operations.end_session(None)
    assert row.ended_at == first == frozen
    assert logged("users", host.id, "session.expired") == [(host.id, {})]
    assert db.session.get(AuthSession, row.id).ended_at == frozen


# --- tablets ---------------------------------------------------------------------------------

def test_an_unknown_or_revoked_tablet_is_not_found(app_ctx, users, frozen):
    host = people(users)[Role.HOST]
    device, token = operations.enroll_device(host, "Bar")
    assert operations.find_device(token) is device
    assert operations.find_device("no-such-token") is None
    device.revoked_at = clock.utcnow()
    assert operations.find_device(token) is None
