"""Many tablets seating different parties at one table at the same moment: exactly one wins,
the others are told who sits there; never a 500. Real commits, on the file SQLite database or
PostgreSQL (TEST_DATABASE_URL), each thread with its own app context and session."""
from __future__ import annotations

import threading
from collections import Counter

from hostdesk.auth.models import Role, User
from hostdesk.database import write_intent
from hostdesk.extensions import db
from hostdesk.reservations import operations
from hostdesk.reservations.models import Assignment, Reservation, State

THREADS = 8


def _parties(make_res, frozen, count: int) -> list[int]:
    return [make_res(f"Party {i}", 4, frozen, State.GREETED, greeted_at=frozen).id for i in range(count)]


def test_operations_from_threads(frozen, floor, make_res, app, users):
    ids = _parties(make_res, frozen, THREADS)
    table_id = floor["12"].id
    barrier = threading.Barrier(THREADS)
    results: list[str] = []

    def tablet(reservation_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with write_intent():  # as a POST request: SQLite's BEGIN IMMEDIATE
                    res = db.session.get(Reservation, reservation_id)
                    user = db.session.get(User, users[Role.HOST])
                    table = db.session.get(type(floor["12"]), table_id)
                    operations.seat(res, user, [table])
                db.session.commit()
                results.append("won")
            except operations.TableTaken as error:
                db.session.rollback()
                message = str(error.message)  # names who sits there now
                results.append("taken" if "12" in message and "(4)" in message and "Host" in message else message)
            except Exception as error:  # noqa: BLE001 - any other failure is the bug we look for
                db.session.rollback()
                results.append(f"error: {error!r}")

    threads = [threading.Thread(target=tablet, args=(rid,)) for rid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Counter(results) == {"won": 1, "taken": THREADS - 1}, results
    db.session.rollback()  # end this test's own read transaction: see what the tablets committed
    occupied = db.session.scalars(db.select(Assignment).where(Assignment.occupied.is_(True))).all()
    assert len(occupied) == 1
    seated = db.session.scalars(db.select(Reservation).where(Reservation.state == State.SEATED)).all()
    assert [r.id for r in seated] == [occupied[0].reservation_id]


def test_http_seat_race_from_several_tablets(frozen, floor, make_res, client_for):
    ids = _parties(make_res, frozen, THREADS)
    table_id = floor["12"].id
    clients = [client_for(Role.HOST) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    bodies: list[str] = []

    def tablet(client, reservation_id: int) -> None:
        barrier.wait()
        response = client.post(f"/host/reservations/{reservation_id}/seat", data={"table_ids": str(table_id)},
                               headers={"HX-Request": "true", "Accept-Language": "en"})
        statuses.append(response.status_code)
        bodies.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=tablet, args=(c, rid)) for c, rid in zip(clients, ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Counter(statuses) == {200: 1, 409: THREADS - 1}, statuses
    refused = [b for b, s in zip(bodies, statuses, strict=True) if s == 409]
    assert all("Table 12 (main room) is taken" in b for b in refused), refused[:1]


def test_double_greet_race(frozen, floor, make_res, client_for):
    rid = make_res("De Waard", 2, frozen, State.ARRIVED, arrived_at=frozen).id
    clients = [client_for(Role.HOST) for _ in range(4)]
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def tablet(client) -> None:
        barrier.wait()
        statuses.append(client.post(f"/host/reservations/{rid}/greet", headers={"HX-Request": "true"}).status_code)

    threads = [threading.Thread(target=tablet, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Counter(statuses) == {200: 1, 409: 3}, statuses
    from hostdesk.audit import entries_for

    assert len([e for e in entries_for("reservations", rid) if e.action == "reservation.greet"]) == 1


def test_a_tap_reads_without_the_write_lock_and_catches_a_change_in_between(frozen, floor, make_res, client_for, app,
                                                                             users, monkeypatch):
    """The transition route reads its party before taking the write lock (database.reads_first): another
    tablet may commit in between, and the conditional UPDATE then refuses instead of writing over it."""
    from hostdesk.audit import entries_for
    from hostdesk.reservations import queries

    rid = make_res("De Waard", 2, frozen, State.BOOKED).id
    db.session.commit()
    other_user = users[Role.MANAGER]
    loaded = queries.get_reservation
    errors: list[BaseException] = []

    def other_tablet() -> None:  # a thread of its own: with the write lock held here it would wait 10 s
        try:
            with app.app_context(), write_intent():
                res = db.session.get(Reservation, rid)
                operations.arrive(res, db.session.get(User, other_user))
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def read_then_someone_else_taps(reservation_id: int):
        res = loaded(reservation_id)
        assert res.state is State.BOOKED
        thread = threading.Thread(target=other_tablet)
        thread.start()
        thread.join(5)
        assert not thread.is_alive(), "the other tablet waited: the read held the write lock"
        return res

    monkeypatch.setattr(queries, "get_reservation", read_then_someone_else_taps)
    response = client_for(Role.HOST).post(f"/host/reservations/{rid}/arrive",
                                          headers={"HX-Request": "true", "Accept-Language": "en"})
    assert not errors, errors
    assert response.status_code == 409
    assert "Already marked arrived by Manager" in response.get_data(as_text=True)
    db.session.rollback()
    arrived = [e for e in entries_for("reservations", rid) if e.action == "reservation.arrive"]
    assert [e.actor_id for e in arrived] == [other_user]
    assert db.session.get(Reservation, rid).arrived_by_id == other_user


def test_a_reads_first_view_upgrades_before_a_savepoint_and_writes_once(app, frozen, make_res):
    """SQLite: in a reads_first view the read transaction ends at the first write or savepoint and
    the write one begins there; what was written before the commit is all committed."""
    import pytest
    import sqlalchemy as sa

    from hostdesk.database import begin_view, is_sqlite

    rid = make_res("De Waard", 2, frozen, State.BOOKED).id
    db.session.commit()
    if not is_sqlite():
        pytest.skip("the upgrade is SQLite's (PostgreSQL locks rows)")
    with app.test_request_context(f"/host/reservations/{rid}/arrive", method="POST"):
        begin_view()
        connection = db.session.connection()
        info = connection.connection.info
        assert db.session.get(Reservation, rid).state is State.BOOKED
        assert info["reading"] and not info.get("holds_writer_lock")
        seen: list[str] = []

        def statement(_conn, _cursor, sql, *_args) -> None:
            seen.append(sql.split()[0])

        sa.event.listen(db.engine, "before_cursor_execute", statement)
        try:
            with db.session.begin_nested():  # its SAVEPOINT begins the write transaction
                db.session.execute(sa.update(Reservation).where(Reservation.id == rid).values(name="Savepoint"))
                assert not info["reading"] and info["holds_writer_lock"]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", statement)
        assert seen[:3] == ["SAVEPOINT", "UPDATE", "RELEASE"], seen
        db.session.execute(sa.update(Reservation).where(Reservation.id == rid).values(party_size=5))
        db.session.commit()
        assert not info.get("holds_writer_lock")  # given back with the connection
    db.session.expire_all()
    res = db.session.get(Reservation, rid)
    assert (res.name, res.party_size) == ("Savepoint", 5)
