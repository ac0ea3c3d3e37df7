"""On PostgreSQL a board step that is a whole change (arrive, greet, call, no-show, cancel) is one
statement that commits by itself; a step followed by more writes (leave, seat) is in the request's
transaction (steps.py, autocommit_reads.py)."""
from __future__ import annotations

import sqlalchemy as sa

from hostdesk.extensions import db


def test_a_tap_on_postgresql_sends_its_step_as_one_statement_that_commits_alone(
        postgresql, frozen, floor, make_res, host_client, autocommit_seen):
    from hostdesk.reservations import live
    from hostdesk.reservations.models import Reservation

    party = make_res("De Waard", 2, frozen).id
    live.bump()  # the version row exists, as on any database that has seen a change
    db.session.commit()  # the test's own session lets go of its connection, as a served request's would
    autocommit_seen.clear()
    response = host_client.post(f"/host/reservations/{party}/arrive", headers={"HX-Request": "true"})
    assert response.status_code == 200
    # the login, the party, the step with its entry and bump, the counts: no BEGIN, no COMMIT
    assert [word for word, _ in autocommit_seen] == ["SELECT", "SELECT", "WITH", "SELECT"]
    assert all(autocommit for _word, autocommit in autocommit_seen)
    db.session.expire_all()
    assert db.session.get(Reservation, party).state.value == "arrived"


def test_a_step_followed_by_more_writes_runs_in_one_transaction(
        postgresql, frozen, floor, make_res, host_client, actors, autocommit_seen):
    from hostdesk.reservations import operations

    res = make_res("De Waard", 2, frozen, tables=[floor["10"]])
    operations.arrive(res, actors["host"])
    operations.seat(res, actors["host"])
    party = res.id
    db.session.commit()
    autocommit_seen.clear()
    response = host_client.post(f"/host/reservations/{party}/leave", headers={"HX-Request": "true"})
    assert response.status_code == 200
    step = [autocommit for word, autocommit in autocommit_seen if word == "WITH"]
    assert step == [False]  # leave also frees the tables: the step is in the request's transaction


def test_a_tap_on_a_new_database_makes_the_version_row(postgresql, frozen, floor, make_res, host_client):
    from hostdesk.reservations import live
    from hostdesk.reservations.models import BoardVersion

    party = make_res("De Waard", 2, frozen).id
    db.session.execute(sa.delete(BoardVersion))
    db.session.commit()
    response = host_client.post(f"/host/reservations/{party}/arrive", headers={"HX-Request": "true"})
    assert response.status_code == 200
    db.session.expire_all()
    assert live.version() == 1
