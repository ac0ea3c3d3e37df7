"""The timeline page and moving a booking on it: blocks, the now-line, covers against pacing, the
move's checks and its audit, 409 when another tablet changed the booking first."""
from __future__ import annotations

from hostdesk.audit import entries_for
from hostdesk.extensions import db
from hostdesk.reservations import timeline
from hostdesk.reservations.models import Reservation
from hostdesk.settings import update_settings

from .test_availability import at, seat


def move_form(res, table, hhmm, **extra):
    return {"day": "2026-11-20", "seen_start": res.start_at.isoformat(),
            "seen_tables": ",".join(str(t.id) for t in res.tables), "table_ids": str(table.id), "time": hhmm, **extra}


def test_timeline_blocks_from_start_to_expected_end_with_late_and_over_in_words(frozen, floor, make_res):
    make_res(name="Booked", size=2, at=at("20:00"), tables=[floor["1"]])
    make_res(name="Late", size=2, at=at("18:45"), tables=[floor["2"]])
    seat(make_res, floor["11"], 5, 130, name="Over")
    tl = timeline.load()
    blocks = {b.res.name: b for _area, rows in tl.areas for row in rows for b in row.blocks}
    assert blocks["Booked"].kind == "booked" and blocks["Booked"].end == at("21:30")
    assert blocks["Booked"].width == 90 // timeline.STEP
    assert blocks["Late"].kind == "late" and blocks["Late"].late_minutes == 15
    assert blocks["Over"].kind == "over" and blocks["Over"].end == frozen
    assert tl.now_x == tl.x(frozen) and tl.start == at("11:00") and tl.end == at("23:00")


def test_timeline_page_shows_blocks_now_line_and_covers_against_the_limit(frozen, floor, make_res, host_client_en,
                                                                          actors):
    update_settings(actors["manager"], pacing_limits={"dinner": 4})
    db.session.commit()
    make_res(name="Visser", size=6, at=at("20:00"), tables=[floor["11"]])
    make_res(name="Late", size=2, at=at("18:45"), tables=[floor["2"]])
    html = host_client_en.get("/host/timeline").get_data(as_text=True)
    assert "Visser · 6" in html and "late 15 min" in html and 'class="tl-now tl-x-' in html
    assert ' tl-slot-over"' in html and "6/4" in html
    dutch = host_client_en.get("/host/timeline", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "15 min te laat" in dutch and "Tijdlijn" in dutch


def test_timeline_poll_answers_204_until_something_changes(frozen, floor, make_res, host_client_en):
    token = timeline.load().token
    assert host_client_en.get(f"/host/timeline/poll?v={token}").status_code == 204
    make_res(name="New", at=at("20:00"), tables=[floor["1"]])
    from hostdesk.reservations import live

    live.bump()
    db.session.commit()
    answer = host_client_en.get(f"/host/timeline/poll?v={token}")
    assert answer.status_code == 200 and "New · 2" in answer.get_data(as_text=True)


def test_move_a_booking_to_another_table_and_time_is_audited(frozen, floor, make_res, host_client_en):
    res = make_res(name="Mol", size=2, at=at("20:00"), tables=[floor["1"]])
    answer = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["10"], "21:00"),
                              headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "Moved: Mol to table 10 at 21:00." in answer.get_data(as_text=True)
    db.session.expire_all()
    res = db.session.get(Reservation, res.id)
    assert res.table_names == "10" and res.start_at == at("21:00")
    entry = [e for e in entries_for("reservations", res.id) if e.action == "reservation.move_booking"][0]
    assert entry.actor_name and entry.changes["tables"] == [[floor["1"].id], [floor["10"].id]]


def test_move_checks_capacity_and_overlap_like_the_booking_form(frozen, floor, make_res, host_client_en):
    res = make_res(name="Groot", size=6, at=at("20:00"), tables=[floor["11"]])
    make_res(name="Other", size=4, at=at("20:30"), tables=[floor["12"]])
    small = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["1"], "20:00"))
    assert small.status_code == 422 and "seats at most 2 guests" in small.get_data(as_text=True)
    taken = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["12"], "20:00"))
    assert taken.status_code == 409 and "already booked from 20:30" in taken.get_data(as_text=True)
    closed = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["11"], "16:00"))
    assert closed.status_code == 422
    db.session.expire_all()
    assert db.session.get(Reservation, res.id).table_names == "11"


def test_move_of_a_booking_changed_on_another_tablet_is_refused_with_who(frozen, floor, make_res, host_client_en):
    res = make_res(name="Mol", size=2, at=at("20:00"), tables=[floor["1"]])
    stale = move_form(res, floor["2"], "20:00")
    first = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["3"], "20:00"))
    assert first.status_code == 200
    second = host_client_en.post(f"/host/timeline/move/{res.id}", data=stale)
    assert second.status_code == 409 and "was just changed on another tablet by Host" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Reservation, res.id).table_names == "3"


def test_move_over_pacing_asks_a_reason_then_goes_through(frozen, floor, make_res, host_client_en, actors):
    update_settings(actors["manager"], pacing_limits={"dinner": 4})
    db.session.commit()
    make_res(name="Busy", size=4, at=at("21:00"))
    res = make_res(name="Mol", size=2, at=at("20:00"), tables=[floor["1"]])
    asked = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["1"], "21:00"))
    assert asked.status_code == 422 and 'name="pacing_reason"' in asked.get_data(as_text=True)
    done = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["1"], "21:00",
                                                                            pacing_reason="birthday"))
    assert done.status_code == 200
    assert [e.changes["reason"] for e in entries_for("reservations", res.id)
            if e.action == "reservation.pacing_override"] == ["birthday"]


def test_a_seated_party_is_not_moved_on_the_timeline(frozen, floor, make_res, host_client_en):
    res = seat(make_res, floor["10"], 2, 10)
    answer = host_client_en.post(f"/host/timeline/move/{res.id}", data=move_form(res, floor["1"], "19:00"))
    assert answer.status_code == 409


def test_bad_move_input_gets_a_message_not_an_error(frozen, floor, make_res, host_client_en):
    res = make_res(name="Mol", size=2, at=at("20:00"), tables=[floor["1"]])
    for data in ({**move_form(res, floor["1"], "25:61")}, {**move_form(res, floor["1"], "20:00"), "seen_start": "x"},
                 {**move_form(res, floor["1"], "20:00"), "table_ids": "abc"}):
        assert host_client_en.post(f"/host/timeline/move/{res.id}", data=data).status_code in (404, 409, 422)
    db.session.expire_all()
    assert db.session.get(Reservation, res.id).start_at == at("20:00")
