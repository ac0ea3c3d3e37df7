"""Between and during steps the bench books the tapped parties again (recycle.reset): the day keeps
its parties, their tables come free and every tablet sees it (the board version goes up)."""
from __future__ import annotations

import sqlalchemy as sa

from bench.generate import LOGINS, Scale, build
from bench.recycle import reset
from bench.run import door, transitions
from hostdesk.extensions import db
from hostdesk.reservations.models import Assignment, BoardVersion, Reservation, State


def test_tapped_parties_are_booked_again_with_their_tables_free(app, frozen):
    build(app, Scale.small(), seed=5, now=frozen, log=lambda *_: None, migrations=False)
    at_door = door(app)
    assert len(at_door.parties) >= 3 and at_door.tables
    party, table = at_door.parties[0], at_door.tables[0]
    client = app.test_client()
    assert client.post("/login", data={"username": "host", "password": LOGINS["host"][0]}).status_code == 302
    with app.app_context():
        before = transitions(db.engine)
    htmx = {"HX-Request": "true"}
    for action, form in (("arrive", {}), ("greet", {}), ("seat", {"table_ids": str(table)})):
        assert client.post(f"/host/reservations/{party}/{action}", data=form, headers=htmx).status_code == 200
    with app.app_context():
        assert transitions(db.engine) - before == 3
        assert db.session.get(Reservation, party).state is State.SEATED
        version = db.session.scalar(sa.select(BoardVersion.version))
        db.session.remove()
        with db.engine.begin() as connection:
            reset(connection, [party])
        res = db.session.get(Reservation, party)
        assert res.state is State.BOOKED and res.arrived_at is None and res.seated_at is None
        assert res.previous_state is None and res.changed_at is None
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)
                                     .where(Assignment.table_id == table, Assignment.occupied.is_(True)))
        assert db.session.scalar(sa.select(BoardVersion.version)) == version + 1
    assert door(app).parties == at_door.parties and door(app).tables == at_door.tables
