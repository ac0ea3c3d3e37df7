"""The desk gives the simulated tablets real transitions: each party booked -> arrived -> greeted
-> seated at a free table, one tap at a time, and back to booked through the recycler."""
from __future__ import annotations

from bench.desk import Desk, Tap


def test_a_party_is_arrived_greeted_and_seated_in_turn():
    desk = Desk([11], [5])
    first = desk.next_tap()
    assert first == Tap(11, "arrive")
    assert desk.next_tap() is None  # its tap is not answered yet: nobody taps it twice
    desk.answered(first, moved=True)
    second = desk.next_tap()
    assert second == Tap(11, "greet")
    desk.answered(second, moved=True)
    third = desk.next_tap()
    assert third == Tap(11, "seat", 5) and third.path == "/host/reservations/11/seat"
    assert third.form == "table_ids=5" and first.form == ""
    desk.answered(third, moved=True)
    assert desk.next_tap() is None
    assert desk.to_recycle() == [(11, 5)]
    assert desk.parties() == 1  # at the recycler
    desk.recycled([(11, 5)])
    assert list(desk.free_tables) == [5]
    assert desk.next_tap() == Tap(11, "arrive")


def test_the_most_advanced_step_goes_first():
    desk = Desk([1, 2, 3], [7])
    taps = [desk.next_tap() for _ in range(2)]
    assert taps == [Tap(1, "arrive"), Tap(2, "arrive")]
    desk.answered(taps[0], moved=True)
    assert desk.next_tap() == Tap(1, "greet")


def test_without_a_free_table_nobody_is_seated():
    desk = Desk([1, 2], [])
    arrive = desk.next_tap()
    desk.answered(arrive, moved=True)
    greet = desk.next_tap()
    desk.answered(greet, moved=True)
    assert desk.next_tap() == Tap(2, "arrive")  # party 1 waits for a table
    assert list(desk.waiting["seat"]) == [1]
    desk.recycled([(9, 3)])  # a table freed by the recycler
    assert desk.next_tap() == Tap(1, "seat", 3)


def test_a_refused_tap_sends_the_party_to_the_recycler_with_its_table():
    desk = Desk([1], [4])
    for _ in range(2):
        desk.answered(desk.next_tap(), moved=True)
    seat = desk.next_tap()
    desk.answered(seat, moved=False)  # a 409 or an error: the party's state is unknown
    assert desk.to_recycle() == [(1, 4)] and desk.to_recycle() == []
    desk2 = Desk([2], [4])
    desk2.answered(desk2.next_tap(), moved=False)
    assert desk2.to_recycle() == [(2, None)]


def test_every_party_and_table_stays_known_whatever_happens():
    desk = Desk(list(range(20)), [1, 2, 3])
    pending: list[Tap] = []
    kinds = set()
    for number in range(300):
        tap = desk.next_tap()
        if tap is not None:
            pending.append(tap)
            kinds.add(tap.action)
        if number % 3 == 0 and pending:  # answers come later than the taps, some refused
            desk.answered(pending.pop(0), moved=number % 7 != 0)
        if number % 10 == 0:
            done = desk.to_recycle()
            assert desk.parties() == 20
            desk.recycled(done)
        assert desk.parties() == 20
    for tap in pending:
        desk.answered(tap, moved=True)
    desk.recycled(desk.to_recycle())
    assert kinds == {"arrive", "greet", "seat"}
    assert sorted(desk.free_tables) == [1, 2, 3] and desk.parties() == 20
