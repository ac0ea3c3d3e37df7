"""Turn times learned from history, each table's expected free time, availability, pacing and the
waitlist quote: domain functions on known data, without HTTP."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.reservations import availability, queries, turntimes
from hostdesk.reservations.models import Assignment, State, TurnTime
from hostdesk.settings import update_settings

from .conftest import minutes

FRIDAY = date(2026, 11, 20)


def at(hhmm: str, day: date = FRIDAY) -> datetime:
    """A local (Amsterdam, winter: UTC+1) time of a day, in UTC."""
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=timezone.utc) - timedelta(hours=1)


def visits(make_res, count: int, size: int, start: datetime, sat: int) -> None:
    """`count` past visits of a party size, each seated `sat` minutes, one a day going back from `start`."""
    for i in range(count):
        begin = start - timedelta(days=i + 1)
        make_res(name=f"v{i}", size=size, at=begin, state=State.LEFT, seated_at=begin, left_at=begin + minutes(sat))


# Turn times


def test_bands_cover_every_party_size():
    assert [turntimes.band_of(n) for n in (1, 2, 3, 4, 5, 6, 7, 30)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_empty_history_falls_back_to_the_managers_defaults(frozen, app_ctx):
    assert turntimes.refresh() == "0 turn times"
    times = turntimes.current()
    assert times.minutes_for(2, at("19:00")) == 90 and times.minutes_for(8, at("19:00")) == 150


def test_learned_median_per_band_and_service_once_there_are_twenty_visits(frozen, app_ctx, make_res):
    visits(make_res, 19, 2, at("19:00"), sat=70)
    visits(make_res, 2, 2, at("19:30"), sat=200)  # 21 dinner visits of 1-2: the median is 70
    visits(make_res, 25, 4, at("12:00"), sat=50)  # lunch, 3-4
    visits(make_res, 19, 6, at("20:00"), sat=60)  # too few: the default holds
    turntimes.refresh()
    stored = {(t.service, t.band): (t.minutes, t.visits) for t in db.session.scalars(db.select(TurnTime))}
    assert stored[("dinner", 0)] == (70, 21) and stored[("lunch", 1)] == (50, 25) and stored[("dinner", 2)] == (60, 19)
    times = turntimes.current()
    assert times.minutes_for(2, at("20:00")) == 70
    assert times.minutes_for(3, at("12:30")) == 50
    assert times.minutes_for(3, at("20:00")) == 105  # no dinner history for 3-4
    assert times.minutes_for(5, at("20:00")) == 120  # 19 visits: not trusted


def test_turn_times_are_read_once_per_request(frozen, app_ctx, make_res):
    from tests.statements import Statements

    with Statements(db.engine) as statements:
        turntimes.minutes_for(2, at("19:00"))
        turntimes.minutes_for(5, at("12:30"))
        turntimes.current()
    assert sum("FROM turn_times" in s for s in statements.seen) == 1
    visits(make_res, 20, 2, at("19:00"), sat=70)
    turntimes.refresh()  # what this request learned is what it reads from then on
    assert turntimes.minutes_for(2, at("19:00")) == 70


def test_visits_older_than_eight_weeks_are_not_learned(frozen, app_ctx, make_res):
    visits(make_res, 25, 2, at("19:00") - timedelta(weeks=9), sat=40)
    turntimes.refresh()
    assert turntimes.current().minutes_for(2, at("19:00")) == 90


def test_a_service_past_midnight_learns_its_late_visits(frozen, app_ctx, make_res, actors):
    update_settings(actors["manager"], services=[{"name": "late", "start": "18:00", "end": "02:00"}])
    visits(make_res, 20, 2, at("00:30", FRIDAY + timedelta(days=1)), sat=45)
    turntimes.refresh()
    assert turntimes.current().minutes_for(2, at("00:15", FRIDAY + timedelta(days=1))) == 45


# Availability


def test_free_options_leave_out_tables_booked_during_the_turn(frozen, floor, make_res):
    make_res(size=4, at=at("20:30"), tables=[floor["10"]])
    options = availability.free_options(at("19:30"), 4)
    assert "10" not in [o.names for o in options]  # 19:30 + 105 minutes runs into 20:30
    assert [o.names for o in options][:1] == ["11"]
    assert "10" in [o.names for o in availability.free_options(at("22:15"), 4)]


def test_free_options_offer_combinations_when_no_single_table_fits(frozen, floor):
    names = [o.names for o in availability.free_options(at("20:00"), 9)]
    assert names == []
    update_settings(None, max_party_size=30)
    floor["12"].combinable = floor["11"].combinable = True
    db.session.commit()
    assert [o.names for o in availability.free_options(at("20:00"), 10)] == ["11 + 12"]


def test_a_booking_being_edited_does_not_block_itself(frozen, floor, make_res):
    own = make_res(size=4, at=at("20:00"), tables=[floor["10"]])
    assert "10" not in [o.names for o in availability.free_options(at("20:00"), 4)]
    assert "10" in [o.names for o in availability.free_options(at("20:00"), 4, own_id=own.id)]


def local_times(times: list[datetime]) -> list[str]:
    return [t.astimezone(timezone(timedelta(hours=1))).strftime("%H:%M") for t in times]


def test_bookable_times_are_the_open_quarter_hours_from_now(frozen, floor):
    times = local_times(availability.bookable_times(FRIDAY, 2))
    assert times[0] == "19:00" and times[-1] == "22:45" and len(times) == 16  # lunch has passed; 23:00 closes


def test_bookable_times_skip_times_whose_turn_runs_into_bookings(frozen, floor, make_res):
    for name in ("1", "2", "3"):
        make_res(name=name, size=2, at=at("20:00"), tables=[floor[name]])
    make_res(name="ten", size=2, at=at("19:45"), tables=[floor["10"]])
    # 11 (3-6) and 12 (4-8) do not take 2; 10 is free again from 21:15, 1-3 from 21:30
    assert local_times(availability.bookable_times(FRIDAY, 2))[0] == "21:15"
    assert local_times(availability.bookable_times(FRIDAY, 2, tables=[floor["1"]]))[0] == "21:30"


def test_nearest_times_before_and_after_when_nothing_is_free(frozen, floor, make_res):
    make_res(size=8, at=at("20:00"), tables=[floor["12"]])
    before, after = availability.nearest_times(at("20:30"), 8)
    assert before is None  # 19:00 + 150 minutes runs into 20:00
    assert after == at("22:30")


def test_a_day_past_midnight_offers_times_after_midnight(frozen, floor, actors):
    update_settings(actors["manager"], services=[{"name": "late", "start": "18:00", "end": "01:00"}])
    times = availability.bookable_times(FRIDAY, 2)
    assert times[-1] == at("00:45", FRIDAY + timedelta(days=1))
    assert availability.free_options(at("00:30", FRIDAY + timedelta(days=1)), 2)


def test_restricting_to_some_tables(frozen, floor):
    options = availability.free_options(at("20:00"), 2, tables=[floor["3"]])
    assert [o.names for o in options] == ["3"]


# Pacing


def test_pacing_counts_covers_per_quarter_hour_against_the_limit(frozen, floor, make_res, actors):
    update_settings(actors["manager"], pacing_limits={"dinner": 10})
    make_res(size=6, at=at("20:00"))
    make_res(size=4, at=at("20:10"))
    slots = {s.start: s for s in availability.pacing_slots(FRIDAY)}
    assert slots[at("20:00")].covers == 10 and not slots[at("20:00")].over and slots[at("20:15")].covers == 0
    over = availability.pacing_over(at("20:05"), 2)
    assert over is not None and over.covers == 12 and over.limit == 10
    assert availability.pacing_over(at("20:15"), 2) is None
    assert at("20:00") not in availability.bookable_times(FRIDAY, 2)
    assert at("20:00") in availability.bookable_times(FRIDAY, 2, pacing=False)


def test_no_pacing_limit_means_no_warning(frozen, floor, make_res):
    make_res(size=30, at=at("20:00"))
    assert availability.pacing_over(at("20:00"), 8) is None


# Expected free times and the waitlist quote


def seat(make_res, table, size, seated_minutes_ago, **extra):
    now = clock.utcnow()
    res = make_res(size=size, at=now - minutes(seated_minutes_ago), state=State.SEATED,
                   seated_at=now - minutes(seated_minutes_ago), **extra)
    res.assignments.append(Assignment(table=table, occupied=True))
    db.session.commit()
    return res


def test_quote_is_zero_while_a_fitting_table_is_free(frozen, floor):
    assert availability.waitlist_quote(8) == 0


def test_quote_waits_for_the_first_fitting_table_and_the_parties_ahead(frozen, floor, make_res):
    seat(make_res, floor["12"], 8, 120)  # free in 30 minutes
    seat(make_res, floor["11"], 6, 60)   # 4-8 fits table 12 only, 11 takes 3-6
    assert availability.waitlist_quote(8) == 30
    # a party of 7 ahead takes table 12 at +30 for 150 minutes
    assert availability.waitlist_quote(8, ahead=[7]) == 180


def test_quote_counts_a_booking_that_would_run_into_the_turn(frozen, floor, make_res):
    make_res(size=8, at=frozen + minutes(60), tables=[floor["12"]])
    seat(make_res, floor["11"], 6, 0)
    # 12 is free now but booked in an hour; 8 needs 150 minutes: after that booking's 150
    assert availability.waitlist_quote(8) == 210


# Party size at the door


def test_changing_the_party_size_at_the_door_recomputes_its_expected_end(frozen, floor, actors, make_res):
    from hostdesk.reservations import door

    res = make_res(size=2, at=at("19:30"), tables=[floor["11"]])
    assert res.end_at == at("21:00")
    door.change_party_size(res, actors["host"], 5)
    db.session.commit()
    db.session.expire_all()
    res = db.session.get(type(res), res.id)
    assert res.duration_minutes == 120 and res.end_at == at("21:30")
    visits(make_res, 20, 3, at("19:30"), sat=65)
    turntimes.refresh()
    door.change_party_size(res, actors["host"], 3)
    db.session.commit()
    assert res.duration_minutes == 65 and res.end_at == at("20:35")


# The booking form


def test_booking_form_fragment_lists_free_tables_and_fills_nothing_when_typed_badly(frozen, floor, make_res,
                                                                                     host_client_en):
    make_res(size=4, at=at("20:30"), tables=[floor["10"]])
    page = host_client_en.get("/host/bookings/availability?day=2026-11-20&time=19:30&party_size=4")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="availability"' in html
    assert f'data-fill-tables="{floor["11"].id}"' in html and f'data-fill-tables="{floor["10"].id}"' not in html
    bad = host_client_en.get("/host/bookings/availability?day=2026-13-40&time=25:99&party_size=x")
    assert bad.status_code == 200 and "Type a date, time and party size" in bad.get_data(as_text=True)


def test_booking_form_fragment_answers_nothing_for_a_party_size_no_booking_may_have(frozen, floor, host_client_en):
    for size in ("0", "99"):
        html = host_client_en.get(f"/host/bookings/availability?day=2026-11-20&time=19:30&party_size={size}")
        assert "Type a date, time and party size" in html.get_data(as_text=True), size


def test_booking_form_fragment_offers_nearest_times_when_nothing_is_free(frozen, floor, make_res, host_client_en):
    make_res(size=8, at=at("20:00"), tables=[floor["12"]])
    html = host_client_en.get(
        "/host/bookings/availability?day=2026-11-20&time=20:30&party_size=8").get_data(as_text=True)
    assert "No table or combination is free at 20:30 for 8 guests" in html
    assert 'data-fill-time="22:30"' in html
    dutch = host_client_en.get("/host/bookings/availability?day=2026-11-20&time=20:30&party_size=8",
                            headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Geen tafel of combinatie is vrij om 20:30 voor 8 gasten" in dutch


def test_booking_over_pacing_needs_a_reason_which_is_audited(frozen, floor, make_res, host_client_en, actors):
    from hostdesk.audit import entries_for
    from hostdesk.reservations.models import Reservation

    from .test_bookings import form

    update_settings(actors["manager"], pacing_limits={"dinner": 6})
    db.session.commit()
    make_res(name="Jansen", size=4, at=at("19:30"))
    html = host_client_en.get(
        "/host/bookings/availability?day=2026-11-20&time=19:30&party_size=4").get_data(as_text=True)
    assert "Pacing: 8 covers would start between 19:30 and 19:45, the limit is 6" in html
    refused = host_client_en.post("/host/bookings/new", data=form(time="19:30"))
    assert refused.status_code == 422 and "Give a reason to book it anyway" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Reservation.id))) == 1
    booked = host_client_en.post("/host/bookings/new",
                                 data=form(time="19:30", pacing_reason="regulars, kitchen agrees"))
    assert booked.status_code == 302
    res = db.session.scalars(db.select(Reservation).where(Reservation.name == "De Waard")).one()
    entry = [e for e in entries_for("reservations", res.id) if e.action == "reservation.pacing_override"][0]
    assert entry.changes["reason"] == "regulars, kitchen agrees" and entry.changes["limit"] == 6


# Expected free time on the floor view and seated cards


def test_seated_tables_show_expected_free_time_and_over_time_in_words(frozen, floor, make_res, host_client_en):
    seat(make_res, floor["10"], 4, 30, name="Bakker")  # 105 minutes: free at 20:15 local
    seat(make_res, floor["11"], 5, 130, name="Claes")  # 120 minutes: over by 10
    for page in ("/host/floor/", "/host/"):
        html = host_client_en.get(page).get_data(as_text=True)
        assert 'class="turn turn-ok">free ~20:15' in html, page
        assert 'class="turn turn-over">over by 10 min' in html, page
    dutch = host_client_en.get("/host/floor/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "vrij ~20:15" in dutch and "10 min over tijd" in dutch


def test_turn_is_soon_in_the_last_ten_minutes(frozen, floor, make_res):
    res = seat(make_res, floor["10"], 2, 85)
    turn = queries.turn_of(res, clock.utcnow())
    assert turn.level == "soon" and turn.minutes_left == 5 and turn.until == frozen + minutes(5)


def test_walk_in_dialog_offers_the_computed_quote_and_keeps_it_beside_the_hosts(frozen, floor, make_res,
                                                                               host_client_en):
    from hostdesk.reservations.models import Reservation, Source

    seat(make_res, floor["12"], 8, 120, name="Groot")  # the only 7-8 table frees in 30 minutes
    dialog = host_client_en.get("/host/walk-in?party_size=8").get_data(as_text=True)
    assert "Expected wait: about 30 minutes." in dialog and 'name="computed_wait" type="hidden" value="30"' in dialog
    kept = host_client_en.post("/host/walk-in/wait", data={"party_size": "8", "quoted_wait": "30",
                                                           "computed_wait": "30", "name": "Kept"})
    changed = host_client_en.post("/host/walk-in/wait", data={"party_size": "8", "quoted_wait": "45",
                                                            "computed_wait": "30", "name": "Changed"})
    assert kept.status_code in (200, 302) and changed.status_code in (200, 302)
    quotes = {r.name: (r.quoted_wait_minutes, r.computed_wait_minutes) for r in db.session.scalars(
        db.select(Reservation).where(Reservation.source == Source.WALK_IN))}
    assert quotes == {"Kept": (30, 30), "Changed": (45, 30)}
