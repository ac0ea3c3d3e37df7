"""Prompts that are right, without HTTP: the walk prompt names a table only when it is free now and
fits; a walk-in never gets a table of a party at the door; "Table ready" calls who fits the table
that came free; warnings stay on seated cards and tiles; notes; the PIN screen's counts; every
button's accessible name says which party."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.floor import operations as floor_ops
from hostdesk.reservations import bookings, operations, queries, walkins
from hostdesk.reservations.board import door_alerts, load_board
from hostdesk.reservations.models import State

from .conftest import minutes


def _board_html(language="en") -> str:
    with force_locale(language):
        return render_template("reservations/_board.html", board=load_board())


def test_walk_prompt_names_the_table_only_when_it_is_free(frozen, floor, actors, make_res):
    before = make_res("Vorige", 4, frozen - minutes(100), State.GREETED, greeted_at=frozen - minutes(100))
    operations.seat(before, actors["host"], [floor["10"]])
    booked = make_res("Dekker", 2, frozen, State.GREETED, tables=[floor["10"]], greeted_at=frozen)
    db.session.commit()
    board = load_board()
    card = next(c for c in board.walk if c.id == booked.id)
    assert card.table_state == "occupied" and card.options  # free tables that fit, offered on the card
    assert all(queries.blocked_tables([t.id for t in o.tables], None) == [] for o in card.options)
    html = _board_html()
    assert "Walk them to table 10" not in html
    assert "Table 10 (main room) is still occupied." in html
    operations.leave(before, actors["host"])
    db.session.commit()
    assert next(c for c in load_board().walk if c.id == booked.id).table_state == "occupied"  # to clear
    floor_ops.clear_table(floor["10"], actors["host"])
    db.session.commit()
    assert next(c for c in load_board().walk if c.id == booked.id).table_state == "ready"
    assert "Walk them to table 10 (main room)" in _board_html()


def test_other_table_dialog_calls_a_free_booked_table_free(frozen, floor, actors, make_res):
    res = make_res("Dekker", 2, frozen, State.GREETED, tables=[floor["10"]], greeted_at=frozen)
    assert queries.booked_tables_free(load_board().floor, res)
    with force_locale("en"):
        html = render_template("reservations/_seat_dialog.html", res=res, options=[], free=[], view="",
                               booked_free=queries.booked_tables_free(load_board().floor, res))
    assert "Booked at table 10 (main room), which is free." in html and "not free" not in html
    other = make_res("Bezet", 4, frozen, State.GREETED, greeted_at=frozen)
    operations.seat(other, actors["host"], [floor["10"]])
    db.session.commit()
    assert not queries.booked_tables_free(load_board().floor, res)


def test_walk_prompt_says_when_the_table_is_too_small(frozen, floor, actors, make_res):
    make_res("Groot", 4, frozen, State.GREETED, tables=[floor["1"]], greeted_at=frozen)
    card = load_board().walk[0]
    assert card.table_state == "small" and all(o.seats >= 4 for o in card.options)
    assert "Table 1 (window) seats at most 2 guests." in _board_html()


def test_walk_in_never_takes_a_table_of_a_party_at_the_door(frozen, floor, actors, make_res):
    at_door = make_res("Aan de deur", 2, frozen, State.ARRIVED, tables=[floor["2"]], arrived_at=frozen)
    board = load_board()
    for size in (2, 4, 6):
        options = queries.seating_options(board.floor, size)
        assert all(floor["2"].id not in [t.id for t in o.tables] for o in options), size
    own = queries.seating_options(board.floor, 2, own_id=at_door.id)
    assert any([t.id for t in o.tables] == [floor["2"].id] for o in own)  # its own table stays on offer
    with force_locale("en"):
        tiles = render_template("floor/_floor.html", board=board, areas={"window": board.floor.tables})
    assert "held for Aan de deur (2), at the door" in tiles


def test_table_ready_calls_the_first_who_fits_the_table_that_came_free(frozen, floor, actors, make_res):
    for table in floor.values():  # every table busy but 10
        if table.name != "10":
            make_res(f"at {table.name}", 2, frozen - minutes(30), State.SEATED, tables=[table], seated_at=frozen)
    for res in db.session.scalars(db.select(operations.Reservation)).all():
        for assignment in res.assignments:
            assignment.occupied = True
    db.session.commit()
    big = walkins.add_to_waitlist(actors["host"], 6, 30, "Groot")  # waited longest, needs 6 seats
    clock.advance(minutes(1))
    fits = walkins.add_to_waitlist(actors["host"], 3, 15, "Past")
    clock.advance(minutes(1))
    floor["10"].cleared_at = clock.utcnow()  # table 10 (2-4 seats) just came free
    db.session.commit()
    called = walkins.call_next(actors["host"])
    db.session.commit()
    assert called.id == fits.id and called.table_names == "10"
    assert big.state is State.WAITING


def test_warnings_stay_on_seated_cards_and_floor_tiles(frozen, floor, actors, make_res):
    res = make_res("Dekker", 2, frozen, State.GREETED, allergy="pinda", wheelchair=True, greeted_at=frozen)
    operations.seat(res, actors["host"], [floor["10"]])
    db.session.commit()
    html = _board_html()
    seated = html[html.index('id="cards-seated"'):]
    assert "Allergy: pinda" in seated and "Wheelchair" in seated
    board = load_board()
    with force_locale("nl"):
        tiles = render_template("floor/_floor.html", board=board, areas={"main room": board.floor.tables})
    tile = tiles[tiles.index(f'data-table-id="{floor["10"].id}"'):]
    assert "Allergie: pinda" in tile[:tile.index("</a>")]


def test_notes_of_the_service_host_writes_and_dismissing_one_leaves_the_others(frozen, floor, actors):
    first = bookings.post_note(actors["manager"], "Terras dicht")
    clock.advance(minutes(5))
    second = bookings.post_note(actors["host"], "Tafel 12 voor de bruiloft")
    db.session.commit()
    assert [n.id for n in load_board().notes] == [second.id, first.id]  # several, newest first
    bookings.dismiss_note(second, actors["host"])
    db.session.commit()
    board = load_board()
    assert [n.id for n in board.notes] == [first.id]  # was visible already: nothing comes back
    assert [n.id for n in board.dismissed_notes] == [second.id]
    bookings.dismiss_note(second, actors["manager"])  # a second tablet's dismiss: nothing happens twice
    from hostdesk.audit import entries_for

    assert len([e for e in entries_for("shift_notes", second.id) if e.action == "shift_note.dismiss"]) == 1


def test_every_action_button_names_its_party(frozen, floor, actors, make_res):
    make_res("Dekker", 2, frozen + minutes(10))
    make_res("Jansen", 4, frozen, State.ARRIVED, arrived_at=frozen)
    for language, expected in (("en", ('aria-label="Arrived: Dekker, 2 guests"',
                                       'aria-label="Greeted: Jansen, 4 guests"',
                                       'aria-label="Cancel: Dekker, 2 guests"')),
                               ("nl", ('aria-label="Aangekomen: Dekker, 2 gasten"',
                                       'aria-label="Begroet: Jansen, 4 gasten"'))):
        html = _board_html(language)
        for label in expected:
            assert label in html, (language, label)
    import re

    buttons = re.findall(r"<button[^>]*data-action=[^>]*>", _board_html())
    assert len(buttons) >= 4
    for button in buttons:
        assert "aria-label=" in button, button


def test_the_pin_screen_counts_who_waits_and_the_longest_wait(frozen, floor, actors, make_res):
    make_res("Dekker", 2, frozen, State.ARRIVED, arrived_at=frozen - timedelta(seconds=75))
    make_res("Jansen", 2, frozen, State.ARRIVED, arrived_at=frozen - timedelta(seconds=10))
    alerts = door_alerts()
    assert (alerts.waiting, alerts.longest_seconds, alerts.red) == (2, 75, 1)
    with force_locale("en"):
        html = render_template("reservations/_door.html", alerts=alerts)
    assert "2 parties are waiting to be greeted" in html and "longest wait 1:15" in html
    assert 'data-red="1"' in html and "Dekker" not in html
