"""The demo service seeds a believable evening once, and nothing twice."""
from hostdesk.demo import seed_demo
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.board import load_board
from hostdesk.reservations.models import Reservation


def test_demo_is_believable_and_idempotent(frozen, app_ctx):
    first = seed_demo()
    db.session.commit()
    assert first["tables"] == 25 and first["areas"] == 3 and 55 <= first["reservations"] <= 65
    board = load_board()
    assert board.greet and board.walk and board.arriving and board.late and board.seated and board.later
    assert board.waiting and board.notes
    assert {v.state for v in board.floor.tables} >= {"free", "occupied", "reserved", "to_clear"}
    assert any(c.res.allergy for c in board.arriving + board.later + board.greet)
    second = seed_demo()
    assert second["tables"] == 0 and second["reservations"] == 0
    assert db.session.scalar(db.select(db.func.count(Table.id))) == 25
    assert db.session.scalar(db.select(db.func.count(Area.id))) == 3
    assert db.session.scalar(db.select(db.func.count(Reservation.id))) == first["reservations"]
