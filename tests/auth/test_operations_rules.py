"""The user, session and tablet rules of hostdesk.auth.operations, word by word: what is stored, the
exact refusal, and the audit entry (who, on what, which changes) each change leaves."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.auth import operations
from hostdesk.auth.models import AuthSession, Role, User
from hostdesk.auth.passwords import verify_secret
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, add_user, extra_pin


def people(users):
    return {role: db.session.get(User, user_id) for role, user_id in users.items()}


def logged(subject_type: str, subject_id: int, action: str) -> list[tuple[int | None, dict]]:
    """(actor_id, changes) of each audit entry of `action` on that subject, oldest first."""
    return [(e.actor_id, e.changes) for e in entries_for(subject_type, subject_id) if e.action == action]


def refusal(call) -> str:
    with force_locale("en"):
        with pytest.raises(ValidationFailed) as refused:
            call()
        return str(refused.value.message)


def ended_at(token: str):
    db.session.expire_all()
    return db.session.scalar(sa.select(AuthSession.ended_at).where(AuthSession.id == operations.find_session(token).id))


# --- update_user -----------------------------------------------------------------------------

def test_an_edit_is_stored_and_audited_with_each_change_by_the_manager(app_ctx, users):
    who = people(users)
    host, manager = who[Role.HOST], who[Role.MANAGER]
    operations.update_user(manager, host, display_name="  Sanne  ", role=Role.STAFF, language="nl")
    assert (host.display_name, host.role, host.language) == ("Sanne", Role.STAFF, "nl")
    assert logged("users", host.id, "user.update") == [
        (manager.id, {"display_name": "Sanne", "role": "staff", "language": "nl"})]


def test_each_change_alone_is_audited_under_its_own_name(app_ctx, users):
    who = people(users)
    host, manager = who[Role.HOST], who[Role.MANAGER]
    operations.update_user(manager, host, display_name="Sanne")
    operations.update_user(manager, host, role=Role.STAFF)
    operations.update_user(manager, host, language="en")
    operations.update_user(manager, host, language="")  # back to the restaurant's language
    assert host.language is None
    assert logged("users", host.id, "user.update") == [
        (manager.id, {"display_name": "Sanne"}), (manager.id, {"role": "staff"}),
        (manager.id, {"language": "en"}), (manager.id, {"language": None})]


@pytest.mark.parametrize("length", [79, 80, 81, 85])
def test_a_display_name_keeps_its_first_80_characters(app_ctx, users, length):
    who = people(users)
    host = who[Role.HOST]
    name = "".join(chr(ord("a") + i % 26) for i in range(length))
    operations.update_user(who[Role.MANAGER], host, display_name=name)
    assert host.display_name == name[:80] and len(host.display_name) == min(length, 80)
    assert logged("users", host.id, "user.update")[0][1] == {"display_name": name[:80]}


def test_an_edit_that_leaves_the_language_out_keeps_it(app_ctx, users):
    who = people(users)
    host, manager = who[Role.HOST], who[Role.MANAGER]
    host.language = "nl"
    operations.update_user(manager, host, display_name=host.display_name)  # nothing changes
    operations.update_user(manager, host, display_name="Sanne")
    assert host.language == "nl"
    assert logged("users", host.id, "user.update") == [(manager.id, {"display_name": "Sanne"})]


def test_a_manager_is_told_to_ask_another_manager_to_change_their_role(app_ctx, users):
    manager = people(users)[Role.MANAGER]
    message = refusal(lambda: operations.update_user(manager, manager, role=Role.HOST))
    assert message == "You cannot change your own role; ask another manager."
    assert manager.role is Role.MANAGER
    assert logged("users", manager.id, "user.update") == []


# --- set_active and the sessions it ends ------------------------------------------------------

def test_deactivating_oneself_is_refused_in_these_words(app_ctx, users):
    manager = people(users)[Role.MANAGER]
    assert refusal(lambda: operations.set_active(manager, manager, False)) == "You cannot deactivate your own account."
    assert manager.active is True
    assert logged("users", manager.id, "user.deactivate") == []


def test_deactivating_ends_only_the_persons_open_sessions_and_both_switches_are_audited(app_ctx, users, frozen):
    who = people(users)
    host, manager = who[Role.HOST], who[Role.MANAGER]
    earlier = operations.start_session(host)
    operations.end_session(operations.find_session(earlier))
    desk, tablet = operations.start_session(host), operations.start_session(host)
    colleague = operations.start_session(manager)
    clock.advance(timedelta(hours=1))
    operations.set_active(manager, host, False)
    assert host.active is False
    assert ended_at(earlier) == frozen  # an ended session keeps the moment it ended
    assert ended_at(desk) == ended_at(tablet) == frozen + timedelta(hours=1)
    assert ended_at(colleague) is None
    operations.set_active(manager, host, True)
    assert host.active is True
    assert logged("users", host.id, "user.deactivate") == [(manager.id, {})]
    assert logged("users", host.id, "user.activate") == [(manager.id, {})]


# --- set_password and set_pin -----------------------------------------------------------------

def test_a_new_password_is_audited_by_its_setter_without_the_secret(app_ctx, users):
    who = people(users)
    host, manager = who[Role.HOST], who[Role.MANAGER]
    operations.set_password(manager, host, "brand-new-pass")
    assert verify_secret(host.password_hash, "brand-new-pass")
    assert logged("users", host.id, "user.password") == [(manager.id, {})]


def test_a_new_pin_lifts_the_lock_resets_the_count_and_is_audited(app_ctx, users, frozen):
    who = people(users)
    host, manager = who[Role.HOST], who[Role.MANAGER]
    host.pin_failures, host.pin_locked_at = 5, frozen
    operations.set_pin(manager, host, "80514")
    assert verify_secret(host.pin_hash, "80514")
    assert (host.pin_failures, host.pin_locked_at) == (0, None)
    assert logged("users", host.id, "user.pin") == [(manager.id, {})]


def test_a_new_pin_also_clears_a_count_below_the_lock(app_ctx, users):
    who = people(users)
    host = who[Role.HOST]
    host.pin_failures = 3
    operations.set_pin(host, host, "80514")
    assert host.pin_failures == 0
    assert logged("users", host.id, "user.pin") == [(host.id, {})]


# --- enroll_device ----------------------------------------------------------------------------

def test_enrolling_a_tablet_is_audited_by_the_person_with_its_name(app_ctx, users):
    host = people(users)[Role.HOST]
    device, token = operations.enroll_device(host, "  Host stand  ")
    assert device.name == "Host stand" and device.enrolled_by is host
    assert operations.find_device(token) is device
    assert logged("devices", device.id, "device.enroll") == [(host.id, {"name": "Host stand"})]


@pytest.mark.parametrize("name", [None, "", "   "])
def test_a_tablet_without_a_name_is_called_tablet(app_ctx, users, name):
    host = people(users)[Role.HOST]
    device, _token = operations.enroll_device(host, name)
    assert device.name == "Tablet"
    assert logged("devices", device.id, "device.enroll") == [(host.id, {"name": "Tablet"})]


@pytest.mark.parametrize("length", [80, 81, 90])
def test_a_tablet_name_keeps_its_first_80_characters(app_ctx, users, length):
    name = "".join(chr(ord("a") + i % 26) for i in range(length))
    device, _token = operations.enroll_device(people(users)[Role.HOST], name)
    assert device.name == name[:80] and len(device.name) == 80


# --- pin_users --------------------------------------------------------------------------------

def test_the_pin_screen_lists_active_people_with_a_pin_by_name(app_ctx, users):
    add_user(Role.STAFF, "aaron", pin=extra_pin(1))  # added last, first by name
    add_user(Role.HOST, "abel", active=False, pin=extra_pin(2))
    operations.create_user(None, "adam", "Adam", Role.HOST, PASSWORDS[Role.HOST])  # no PIN
    db.session.commit()
    assert [user.display_name for user in operations.pin_users()] == ["Aaron", "Host", "Manager", "Staff"]
