"""switch_person word by word: which ids are looked up, how wrong PINs count per person and per
tablet within the failure window, the exact refusals, the sessions a revoked tablet ends, and the
audit entry of each wrong PIN, lock and revocation."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.auth import operations
from hostdesk.auth.models import AuthSession, Role, User
from hostdesk.auth.passwords import hash_secret
from hostdesk.database import MAX_ID
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, PINS

WRONG = "9090"  # nobody's PIN
NOBODY = 999_999  # no user has this id
WRONG_PIN = "Wrong PIN."
PIN_LOCKED = ("This PIN is locked after too many wrong tries. Sign in with your password, "
              "or ask a manager for a new PIN.")
SIGN_IN_AGAIN = "This tablet must be signed in again with a password."
TABLET_REVOKED = "Too many wrong PINs. This tablet must be signed in again with a password."


def refused(error, device, user_id, pin) -> str:
    """The English message of the refusal `error` that switching to user_id with pin gets."""
    with force_locale("en"):
        with pytest.raises(error) as refusal:
            operations.switch_person(device, user_id, pin)
        assert type(refusal.value) is error
        return str(refusal.value.message)


def logged(subject_type: str, subject_id: int, action: str) -> list[tuple[int | None, dict]]:
    return [(e.actor_id, e.changes) for e in entries_for(subject_type, subject_id) if e.action == action]


def tablet(users, name="Host stand"):
    device, _token = operations.enroll_device(db.session.get(User, users[Role.HOST]), name)
    return device


def person_with_id(user_id: int, username: str, pin: str) -> User:
    user = User(id=user_id, username=username, display_name=username.title(), role=Role.HOST,
                password_hash=hash_secret(PASSWORDS[Role.HOST]), pin_hash=hash_secret(pin))
    db.session.add(user)
    db.session.flush()
    return user


def ended_at(token: str):
    db.session.expire_all()
    return db.session.scalar(sa.select(AuthSession.ended_at).where(AuthSession.id == operations.find_session(token).id))


def test_a_revoked_tablet_is_sent_to_the_password_sign_in(app_ctx, users, frozen):
    device = tablet(users)
    device.revoked_at = frozen
    assert refused(operations.DeviceRevoked, device, users[Role.HOST], PINS[Role.HOST]) == SIGN_IN_AGAIN


def test_ids_from_one_to_the_largest_are_looked_up(app_ctx, users):
    device = tablet(users)
    last = person_with_id(MAX_ID, "last", "80514")
    assert operations.switch_person(device, MAX_ID, "80514") is last
    pins = {user_id: PINS[role] for role, user_id in users.items()}
    first = db.session.get(User, 1) or person_with_id(1, "first", "80514")
    assert operations.switch_person(device, 1, pins.get(1, "80514")) is first


@pytest.mark.parametrize("user_id", [0, -1, MAX_ID + 1, 2**64])
def test_ids_outside_the_range_are_nobody_even_with_the_right_pin(app_ctx, users, user_id):
    device = tablet(users)
    if user_id <= MAX_ID:  # a row with that id (0, -1), which a switch must not reach
        person_with_id(user_id, "outside", "80514")
    assert refused(operations.LoginFailed, device, user_id, "80514") == WRONG_PIN
    assert logged("devices", device.id, "pin.failed") == [
        (None, {"tablet": "Host stand", "person": None, "failures": 1, "person_failures": None})]


def test_a_right_pin_clears_the_persons_earlier_wrong_pins(app_ctx, users):
    device = tablet(users)
    staff = db.session.get(User, users[Role.STAFF])
    staff.pin_failures = 3
    assert operations.switch_person(device, staff.id, PINS[Role.STAFF]) is staff
    assert staff.pin_failures == 0


def test_a_wrong_pin_for_nobody_counts_for_the_tablet_from_its_first_moment(app_ctx, users, frozen):
    device = tablet(users)
    assert refused(operations.LoginFailed, device, NOBODY, WRONG) == WRONG_PIN
    assert (device.pin_failures, device.pin_failed_since) == (1, frozen)
    clock.advance(timedelta(minutes=5))
    assert refused(operations.LoginFailed, device, NOBODY, "") == WRONG_PIN
    assert (device.pin_failures, device.pin_failed_since) == (2, frozen)
    assert logged("devices", device.id, "pin.failed") == [
        (None, {"tablet": "Host stand", "person": None, "failures": n, "person_failures": None}) for n in (1, 2)]


def test_a_wrong_pin_right_after_the_window_starts_a_new_count(app_ctx, users, frozen):
    device = tablet(users)
    for _ in range(4):
        refused(operations.LoginFailed, device, NOBODY, WRONG)
    clock.advance(current_app.config["LOGIN_FAILURE_WINDOW"] + timedelta(seconds=1))
    assert refused(operations.LoginFailed, device, NOBODY, WRONG) == WRONG_PIN
    assert (device.pin_failures, device.pin_failed_since, device.revoked_at) == (1, clock.utcnow(), None)


def test_a_wrong_pin_at_the_end_of_the_window_still_counts_and_revokes(app_ctx, users, frozen):
    device = tablet(users)
    for _ in range(4):
        refused(operations.LoginFailed, device, NOBODY, WRONG)
    clock.advance(current_app.config["LOGIN_FAILURE_WINDOW"])
    assert refused(operations.DeviceRevoked, device, NOBODY, WRONG) == TABLET_REVOKED
    assert (device.pin_failures, device.pin_failed_since, device.revoked_at) == (5, frozen, clock.utcnow())


def test_the_fifth_wrong_pin_locks_the_person_and_each_is_audited(app_ctx, users, frozen):
    bar, terrace = tablet(users, "Bar"), tablet(users, "Terrace")
    staff = db.session.get(User, users[Role.STAFF])
    for _ in range(2):
        assert refused(operations.LoginFailed, bar, staff.id, WRONG) == WRONG_PIN
    for _ in range(2):
        assert refused(operations.LoginFailed, terrace, staff.id, WRONG) == WRONG_PIN
    assert refused(operations.PinLocked, terrace, staff.id, WRONG) == PIN_LOCKED
    assert (staff.pin_failures, staff.pin_locked_at) == (5, frozen)
    assert terrace.revoked_at is None and terrace.pin_failures == 3
    assert logged("devices", bar.id, "pin.failed") == [
        (staff.id, {"tablet": "Bar", "person": "staff", "failures": n, "person_failures": n}) for n in (1, 2)]
    assert logged("devices", terrace.id, "pin.failed") == [
        (staff.id, {"tablet": "Terrace", "person": "staff", "failures": n, "person_failures": n + 2})
        for n in (1, 2, 3)]
    assert logged("users", staff.id, "pin.locked") == [
        (None, {"tablet": "Terrace", "person": "staff", "failures": 5})]
    # Locked: the right PIN is refused too, and the refusal is audited on the tablet tried.
    assert refused(operations.PinLocked, bar, staff.id, PINS[Role.STAFF]) == PIN_LOCKED
    assert logged("devices", bar.id, "pin.refused_locked") == [(staff.id, {"tablet": "Bar", "person": "staff"})]
    assert bar.pin_failures == 2  # a refused locked PIN is no new wrong PIN


def test_the_revoking_wrong_pin_ends_the_tablets_open_sessions_only(app_ctx, users, frozen):
    who = {role: db.session.get(User, user_id) for role, user_id in users.items()}
    bar, terrace = tablet(users, "Bar"), tablet(users, "Terrace")
    earlier = operations.start_session(who[Role.STAFF], device=bar, via_pin=True)
    operations.end_session(operations.find_session(earlier))
    on_bar = operations.start_session(who[Role.HOST], device=bar, via_pin=True)
    on_terrace = operations.start_session(who[Role.STAFF], device=terrace, via_pin=True)
    at_desk = operations.start_session(who[Role.MANAGER])
    clock.advance(timedelta(minutes=1))
    for _ in range(4):
        refused(operations.LoginFailed, bar, NOBODY, WRONG)
    assert [ended_at(token) for token in (on_bar, on_terrace, at_desk)] == [None, None, None]
    assert refused(operations.DeviceRevoked, bar, NOBODY, WRONG) == TABLET_REVOKED
    revoked = frozen + timedelta(minutes=1)
    assert bar.revoked_at == revoked and terrace.revoked_at is None
    assert ended_at(on_bar) == revoked
    assert ended_at(earlier) == frozen  # an ended session keeps the moment it ended
    assert ended_at(on_terrace) is None and ended_at(at_desk) is None
    assert logged("devices", bar.id, "device.revoked") == [(None, {"reason": "pin_failures"})]
    assert logged("devices", terrace.id, "device.revoked") == []
