"""Control characters are refused in every name and note (one rule); tabs and line breaks only in
multi-line fields."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Device, Role, User
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.models import Reservation, ShiftNote
from tests.conftest import PASSWORDS, login

BAD = ["\x1b[31m", "\x7f", "\x08", "\x07", "\x9b", "\x85"]


def _counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Reservation, ShiftNote, User, Area, Table, Device, AuditEntry)]


@pytest.fixture
def area_id(app, users):
    with app.app_context():
        area = Area(name="Zaal", position=0)
        db.session.add(area)
        db.session.flush()
        db.session.add(Table(name="T1", area_id=area.id, min_seats=1, max_seats=4, position=0))
        db.session.commit()
        return area.id


def _forms(area_id):
    booking = {"name": "Jansen", "party_size": "2", "day": "2026-12-01", "time": "19:00", "source": "phone",
               "notes": "window"}
    return [
        ("/host/bookings/new", booking, "name"),
        ("/host/bookings/new", booking, "notes"),
        ("/host/walk-in/wait", {"party_size": "2", "quoted_wait": "10", "name": "Bakker"}, "name"),
        ("/host/shift-note", {"text": "VIP at 8"}, "text"),
        ("/manager/users", {"username": "sanne2", "display_name": "Sanne", "role": "host",
                            "password": "a-long-password-9", "language": ""}, "display_name"),
        ("/host/floor/areas/new", {"name": "Terras", "position": "1"}, "name"),
        ("/host/floor/tables/new", {"name": "T9", "area_id": str(area_id), "min_seats": "1", "max_seats": "2",
                               "position": "1", "active": "y"}, "name"),
    ]


def test_control_characters_are_refused_in_every_name_and_note(app, client_for, area_id):
    manager = client_for(Role.MANAGER)
    with app.app_context():
        before = _counts()
    for path, data, field in _forms(area_id):
        for bad in BAD:
            response = manager.post(path, data={**data, field: f"Ja{bad}nsen"}, headers={"Accept-Language": "en"})
            assert response.status_code == 422, f"{path} {field} {bad!r}: {response.status_code}"
            assert "Control characters" in response.get_data(as_text=True), f"{path} {field}"
    tablet = app.test_client()
    response = login(tablet, "host", PASSWORDS[Role.HOST], shared_tablet="y", device_name="Door\x1b")
    assert response.status_code == 422
    with app.app_context():
        assert _counts() == before


def test_line_breaks_only_in_multi_line_fields(app, client_for, area_id):
    manager = client_for(Role.MANAGER)
    with app.app_context():
        before = _counts()
    with app.app_context():
        table_id = db.session.scalar(sa.select(Table.id))
    one_line = [form for form in _forms(area_id) if form[2] not in ("notes", "text")]
    for path, data, field in one_line:
        for brk in ("\n", "\t", "\r"):
            response = manager.post(path, data={**data, field: f"Ja{brk}nsen"}, headers={"Accept-Language": "en"})
            assert response.status_code == 422, f"{path} {field} {brk!r}: {response.status_code}"
            assert "on one line" in response.get_data(as_text=True), f"{path} {field}"
    response = manager.post("/host/walk-in/seat", data={"party_size": "2", "table_ids": str(table_id), "name": "A\nB"},
                            headers={"Accept-Language": "en"})
    assert response.status_code == 422
    with app.app_context():
        assert _counts() == before
    response = manager.post("/host/shift-note", data={"text": "VIP at 8\nwindow\ttable"})
    assert response.status_code in (200, 302)
    with app.app_context():
        assert db.session.scalar(sa.select(ShiftNote.text)) == "VIP at 8\nwindow\ttable"
