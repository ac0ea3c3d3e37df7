"""A person's own password, PIN and language: checked against their current password, audited as
done by themselves."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from hostdesk.audit import entries_for
from hostdesk.auth.models import Role, User
from hostdesk.auth.passwords import verify_secret
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.manager import operations
from tests.conftest import PASSWORDS

NEW_PASSWORD = "koffie-met-appeltaart-7"


@pytest.fixture
def manager(app_ctx, users):
    return db.session.get(User, users[Role.MANAGER])


def last_entry(user: User):
    return entries_for("users", user.id)[-1]


@pytest.mark.parametrize("change", [
    lambda user, current: operations.change_own_password(user, current, NEW_PASSWORD),
    lambda user, current: operations.change_own_pin(user, current, "7391")])
def test_a_wrong_current_password_changes_nothing(manager, change):
    before = (manager.password_hash, manager.pin_hash, len(entries_for("users", manager.id)))
    for wrong in ("", None, PASSWORDS[Role.MANAGER] + "x"):
        with pytest.raises(ValidationFailed) as refused:
            change(manager, wrong)
        with force_locale("en"):
            assert str(refused.value.message) == "Your current password is not right."
    assert (manager.password_hash, manager.pin_hash, len(entries_for("users", manager.id))) == before


def test_own_password_and_pin_are_changed_and_audited_as_ones_own(manager):
    operations.change_own_password(manager, PASSWORDS[Role.MANAGER], NEW_PASSWORD)
    assert verify_secret(manager.password_hash, NEW_PASSWORD)
    assert (last_entry(manager).action, last_entry(manager).actor_id) == ("user.password", manager.id)
    operations.change_own_pin(manager, NEW_PASSWORD, "7391")
    assert verify_secret(manager.pin_hash, "7391")
    assert (last_entry(manager).action, last_entry(manager).actor_id) == ("user.pin", manager.id)


def test_own_language_is_set_and_cleared_back_to_the_browsers(manager):
    operations.change_own_language(manager, "en")
    assert manager.language == "en"
    assert (last_entry(manager).action, last_entry(manager).actor_id, last_entry(manager).changes) == (
        "user.update", manager.id, {"language": "en"})
    operations.change_own_language(manager, "")
    assert manager.language is None  # the browser's language again
    assert last_entry(manager).changes == {"language": None}
