import pytest

from hostdesk.auth import operations
from hostdesk.auth.models import Role, User
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db


def test_a_manager_cannot_demote_or_deactivate_themselves(app_ctx, users):
    manager = db.session.get(User, users[Role.MANAGER])
    with pytest.raises(ValidationFailed):
        operations.update_user(manager, manager, role=Role.HOST)
    with pytest.raises(ValidationFailed):
        operations.set_active(manager, manager, False)
    assert manager.role is Role.MANAGER and manager.active


def test_another_manager_can_change_a_role(app_ctx, users):
    manager = db.session.get(User, users[Role.MANAGER])
    host = db.session.get(User, users[Role.HOST])
    operations.update_user(manager, host, role=Role.STAFF)
    assert host.role is Role.STAFF


@pytest.mark.parametrize("pin", ["123", "1234567", "12a4", "", "١٢٣٤"])
def test_pins_are_four_to_six_ascii_digits(app_ctx, users, pin):
    host = db.session.get(User, users[Role.HOST])
    with pytest.raises(ValidationFailed):
        operations.set_pin(host, host, pin)
