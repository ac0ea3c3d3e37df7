"""Many tablets seating different parties at one table at the same moment: exactly one wins,
the others are told who sits there; never a 500. Real commits, on the file SQLite database or
PostgreSQL (TEST_DATABASE_URL), each thread with its own app context and session."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

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


@pytest.mark.postgresql
def test_a_tap_catches_a_change_committed_after_its_read(frozen, floor, make_res, client_for, app, users,
                                                         monkeypatch):
    """PostgreSQL: another tablet may commit between a tap's read and its write; the conditional
    UPDATE then refuses (409) instead of writing over it. On SQLite a write request holds the write
    lock from its first statement (BEGIN IMMEDIATE), so nothing can come in between."""
    import pytest

    from hostdesk.audit import entries_for
    from hostdesk.database import is_sqlite

    if is_sqlite():
        pytest.skip("SQLite serialises write requests from their first statement")
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
        assert not thread.is_alive(), "the other tablet waited for this one"
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




def _race(clients, posts) -> tuple[list[int], list[str]]:
    """Each client posts its (path, data) at the same moment; their statuses and bodies, in order."""
    barrier = threading.Barrier(len(clients))
    results: dict[int, tuple[int, str]] = {}

    def tablet(index: int) -> None:
        path, data = posts[index]
        barrier.wait()
        response = clients[index].post(path, data=data, headers={"HX-Request": "true", "Accept-Language": "en"})
        results[index] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=tablet, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return [results[i][0] for i in range(len(clients))], [results[i][1] for i in range(len(clients))]


def test_two_tablets_move_two_parties_to_one_table_at_once(frozen, floor, make_res, client_for, app, users):
    """Two seated parties moved to table 12 from two tablets at once: one moves, the other is told
    who sits there now and stays where it was."""
    ids = []
    with write_intent():
        host = db.session.get(User, users[Role.HOST])
        for name, table in (("Bakker", "10"), ("Smit", "11")):
            res = make_res(name, 4, frozen, State.GREETED, greeted_at=frozen)
            operations.seat(res, host, [floor[table]])
            ids.append(res.id)
    db.session.commit()
    target = str(floor["12"].id)
    statuses, bodies = _race([client_for(Role.HOST), client_for(Role.MANAGER)],
                             [(f"/host/reservations/{rid}/move", {"table_ids": target}) for rid in ids])
    assert sorted(statuses) == [200, 409], statuses
    loser = statuses.index(409)
    winner_name = ("Bakker", "Smit")[1 - loser]
    assert f"Table 12 (main room) is taken: {winner_name} (4)" in bodies[loser], bodies[loser][:300]
    db.session.rollback()
    occupied = db.session.scalars(db.select(Assignment).where(Assignment.occupied.is_(True))).all()
    assert sorted((a.reservation_id, a.table_id) for a in occupied) == sorted(
        [(ids[1 - loser], floor["12"].id), (ids[loser], floor["11" if loser else "10"].id)])


def test_two_tablets_combine_overlapping_tables_at_once(frozen, floor, make_res, client_for):
    """Two parties seated by hand at 1 + 2 and at 2 + 3 from two tablets at once: table 2 goes to
    one of them; the other gets a 409 naming who sits there and holds no table."""
    ids = [make_res(name, 3, frozen, State.GREETED, greeted_at=frozen).id for name in ("Visser", "Mulder")]
    picks = [f'{floor["1"].id},{floor["2"].id}', f'{floor["2"].id},{floor["3"].id}']
    statuses, bodies = _race([client_for(Role.HOST), client_for(Role.MANAGER)],
                             [(f"/host/reservations/{rid}/seat", {"table_ids": p}) for rid, p in zip(ids, picks,
                                                                                                  strict=True)])
    assert sorted(statuses) == [200, 409], statuses
    loser = statuses.index(409)
    winner_name = ("Visser", "Mulder")[1 - loser]
    assert "is taken" in bodies[loser] and f"{winner_name} (3)" in bodies[loser], bodies[loser][:300]
    db.session.rollback()
    assert db.session.get(Reservation, ids[loser]).state is State.GREETED
    occupied = db.session.scalars(db.select(Assignment).where(Assignment.occupied.is_(True))).all()
    assert {a.reservation_id for a in occupied} == {ids[1 - loser]} and len(occupied) == 2
