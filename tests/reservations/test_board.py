"""The board's sections around a frozen "now", across midnight and daylight-saving changes,
and the number of SQL statements that render it (the same for 10 and 300 reservations)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import render_template

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.reservations.board import load_board
from hostdesk.reservations.models import State
from hostdesk.settings import update_settings

from .conftest import minutes


def sections(board) -> dict[str, list[str]]:
    return {name: [c.res.name for c in getattr(board, name)]
            for name in ("greet", "walk", "arriving", "late", "waiting", "seated", "later", "done")}


def test_sections_around_a_frozen_now(frozen, floor, make_res):
    now = frozen  # 19:00 in Amsterdam
    make_res("Arrived early", 2, now - minutes(5), State.ARRIVED, arrived_at=now - minutes(2))
    make_res("Arrived big", 6, now, State.ARRIVED, arrived_at=now - minutes(1))
    make_res("Arrived small", 2, now, State.ARRIVED, arrived_at=now - minutes(1))
    make_res("Greeted", 4, now, State.GREETED, arrived_at=now - minutes(3), greeted_at=now - minutes(2))
    make_res("Due soon", 2, now + minutes(30))
    make_res("Slightly late", 2, now - minutes(14))
    make_res("Late", 2, now - minutes(15))
    make_res("Later", 2, now + minutes(31))
    make_res("Seated", 2, now - minutes(60), State.SEATED, seated_at=now - minutes(50))
    make_res("Waiting", 2, now, State.WAITING, quoted_wait_minutes=20, source="walk_in")
    make_res("Gone", 2, now - minutes(120), State.LEFT)
    make_res("Cancelled", 2, now + minutes(10), State.CANCELLED)
    make_res("Tomorrow", 2, now + timedelta(days=1))
    make_res("Yesterday", 2, now - timedelta(days=1))
    board = load_board()
    got = sections(board)
    # First arrived first; at the same moment the larger party first.
    assert got["greet"] == ["Arrived early", "Arrived big", "Arrived small"]
    assert got["walk"] == ["Greeted"]
    assert got["arriving"] == ["Slightly late", "Due soon"]
    assert got["late"] == ["Late"]
    assert got["later"] == ["Later"]
    assert got["seated"] == ["Seated"]
    assert got["waiting"] == ["Waiting"]
    assert sorted(got["done"]) == ["Cancelled", "Gone"]
    assert [c.level for c in board.greet] == ["red", "red", "red"]  # waiting a minute or more
    assert board.attention == 3
    assert (board.covers_expected, board.covers_arrived, board.covers_seated) == (26, 18, 4)


@pytest.mark.parametrize(("waited", "level"), [(0, "ok"), (29, "ok"), (30, "amber"), (59, "amber"), (60, "red")])
def test_greet_levels_follow_the_settings(frozen, floor, make_res, waited, level):
    make_res("A", 2, frozen, State.ARRIVED, arrived_at=frozen - timedelta(seconds=waited))
    assert load_board().greet[0].level == level


def test_greet_thresholds_are_settings(frozen, floor, make_res, actors):
    update_settings(actors["manager"], greet_amber_seconds=10, greet_red_seconds=20)
    make_res("A", 2, frozen, State.ARRIVED, arrived_at=frozen - timedelta(seconds=15))
    assert load_board().greet[0].level == "amber"


def test_service_past_midnight_still_belongs_to_the_evening(frozen, floor, make_res, actors):
    update_settings(actors["manager"], services=[{"name": "dinner", "start": "18:00", "end": "02:00"}])
    # Friday 20 Nov: 23:50 and 00:40 (Saturday, local) belong to Friday's service.
    evening = datetime(2026, 11, 20, 22, 50, tzinfo=timezone.utc)
    make_res("Before midnight", 2, evening, State.SEATED, seated_at=evening)
    make_res("After midnight", 2, evening + minutes(50))
    make_res("Saturday evening", 2, datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc))
    clock.freeze(datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc))  # 00:30 local on Saturday
    got = sections(load_board())
    assert got["seated"] == ["Before midnight"] and got["arriving"] == ["After midnight"]
    assert "Saturday evening" not in sum(got.values(), [])
    clock.freeze(datetime(2026, 11, 21, 3, 30, tzinfo=timezone.utc))  # 04:30 local: Saturday's day has begun
    got = sections(load_board())
    assert got["later"] == ["Saturday evening"] and not got["seated"]


def test_daylight_saving_change_during_a_late_service(floor, make_res, actors):
    """25 Oct 2026: at 03:00 CEST the clocks go back to 02:00 CET; the day boundary is 04:00 CET."""
    update_settings(actors["manager"], services=[{"name": "late", "start": "20:00", "end": "03:30"}])
    make_res("At 01:30 CEST", 2, datetime(2026, 10, 24, 23, 30, tzinfo=timezone.utc), State.SEATED,
             seated_at=datetime(2026, 10, 24, 23, 30, tzinfo=timezone.utc))
    make_res("At 02:30 CET", 2, datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc))  # the second 02:30
    make_res("Sunday dinner", 2, datetime(2026, 10, 25, 18, 0, tzinfo=timezone.utc))
    clock.freeze(datetime(2026, 10, 25, 1, 20, tzinfo=timezone.utc))  # 02:20 CET, after the change
    board = load_board()
    got = sections(board)
    assert str(board.day) == "2026-10-24"
    assert got["seated"] == ["At 01:30 CEST"] and got["arriving"] == ["At 02:30 CET"]
    assert board.arriving[0].minutes_until == 10
    clock.freeze(datetime(2026, 10, 25, 3, 0, tzinfo=timezone.utc))  # 04:00 CET: Sunday starts
    assert sections(load_board())["later"] == ["Sunday dinner"]


def test_spring_forward_day_bounds(floor, make_res):
    """29 Mar 2026: 02:00 CET jumps to 03:00 CEST; the service day is 23 hours long."""
    make_res("Saturday late", 2, datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc))  # 01:30 CET
    make_res("Sunday lunch", 2, datetime(2026, 3, 29, 10, 30, tzinfo=timezone.utc))  # 12:30 CEST
    clock.freeze(datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc))  # 03:30 CEST, still Saturday's day
    got = sections(load_board())
    assert got["late"] == ["Saturday late"] and "Sunday lunch" not in sum(got.values(), [])
    clock.freeze(datetime(2026, 3, 29, 2, 0, tzinfo=timezone.utc))  # 04:00 CEST
    assert sections(load_board())["later"] == ["Sunday lunch"]


def _many(make_res, floor, now, count: int) -> None:
    from hostdesk.reservations.models import Guest

    states = [State.BOOKED, State.ARRIVED, State.GREETED, State.SEATED, State.LEFT, State.WAITING]
    tables = list(floor.values())
    for i in range(count):
        state = states[i % len(states)]
        extra = {"arrived_at": now, "greeted_at": now, "seated_at": now, "quoted_wait_minutes": 10,
                 "allergy": "nuts" if i % 3 == 0 else "", "guest": Guest(name=f"G{i}", visits=i % 5)}
        make_res(f"Party {i}", 2 + i % 5, now + minutes((i % 40) - 20), state, tables=[tables[i % len(tables)]],
                 **extra)


def _count_statements(app, floor_make, now) -> int:
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        if statement.strip().upper() != "BEGIN":  # SQLite's explicit BEGIN (database.py) is not a query
            statements.append(statement)

    db.session.expire_all()
    from flask import g

    g.pop("hostdesk_settings", None)  # the settings' read counted, as every request makes it
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        board = load_board()
        html = render_template("reservations/_board.html", board=board)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert "data-reservation-id" in html
    return len(statements)


def test_statement_count_is_constant(frozen, floor, make_res, app, capsys):
    _many(make_res, floor, frozen, 10)
    ten = _count_statements(app, make_res, frozen)
    _many(make_res, floor, frozen, 290)
    three_hundred = _count_statements(app, make_res, frozen)
    with capsys.disabled():
        print(f"\nboard statements: 10 reservations -> {ten}, 300 reservations -> {three_hundred}")
    assert ten == three_hundred
    assert ten <= 7  # one of them: the waitlist guests' messages, for every card at once


def test_unchanged_poll_is_two_reads(frozen, floor, make_res, host_client_en, capsys):
    """204 No Content: the login session and the board version, nothing rendered."""
    from hostdesk.reservations import live

    _many(make_res, floor, frozen, 30)
    token = live.token()
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        if statement.strip().upper() != "BEGIN":
            statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", listen)  # the app's and the poll shortcut's
    try:
        response = host_client_en.get(f"/host/board/poll?v={token}", headers={"HX-Request": "true"})
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", listen)
    assert response.status_code == 204 and response.data == b""
    with capsys.disabled():
        print(f"\nunchanged poll: {len(statements)} statements")
    assert len(statements) <= 2
    assert "board_version" in statements[-1]
