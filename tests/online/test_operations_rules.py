"""Online booking's rules, held one by one (operations, without HTTP): the exact refusals and the
field each names, the boundaries of party size, horizon and cut-off, the settings a caller passes,
the board version each booking takes first, and the audit entries of a guest's change and cancellation."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import InvalidTransition
from hostdesk.extensions import db
from hostdesk.online import operations as ops
from hostdesk.online.errors import OnlineClosed, PleaseCall, SlotTaken
from hostdesk.reservations import live
from hostdesk.reservations.models import Occasion, State
from hostdesk.reservations.queries import today
from hostdesk.settings import get_settings, update_settings

from .conftest import SATURDAY, at

FRIDAY = SATURDAY - timedelta(days=1)  # the frozen evening's day
HORIZON = 30  # the online fixture's online_horizon_days
CALL_US = "For a party of more than 6 guests, please call us at 020 123 4567."
CLOSED = "Online booking is closed at the moment. Please call us."
NO_LONGER = "This booking can no longer be changed."
TOO_LATE = "Changes online are possible until 2 hours before your visit. Please call us."


def guest(**extra) -> ops.GuestBooking:
    values = {"start_at": at("19:00"), "party_size": 2, "name": "Fleur Jansen", "phone": "0612345678",
              "email": "fleur@example.nl", "language": "en"}
    return ops.GuestBooking(**{**values, **extra})


def refusal(error, call, *args, **kwargs):
    """The refusal `error` that call(*args) raises: (its English message, its details)."""
    with force_locale("en"):
        with pytest.raises(error) as refused:
            call(*args, **kwargs)
        assert type(refused.value) is error
        return str(refused.value.message), refused.value.details


def logged(res, action: str) -> list[tuple[int | None, dict]]:
    return [(e.actor_id, e.changes) for e in entries_for("reservations", res.id) if e.action == action]


# The horizon --------------------------------------------------------------------------------------

def test_the_last_day_is_the_horizon_from_today_or_from_the_settings_given(frozen, online):
    assert today() == FRIDAY
    assert ops.last_day() == FRIDAY + timedelta(days=HORIZON)
    assert ops.last_day(replace(get_settings(), online_horizon_days=5)) == FRIDAY + timedelta(days=5)


def test_a_day_from_today_up_to_the_last_day_is_offered_and_one_beyond_either_end_is_refused(frozen, online):
    assert ops.free_times(FRIDAY + timedelta(days=HORIZON), 2)
    assert isinstance(ops.free_times(FRIDAY, 2), list)
    expected = ("Online you can book from today up to 30 days ahead.", {"field": "day"})
    assert refusal(PleaseCall, ops.free_times, FRIDAY + timedelta(days=HORIZON + 1), 2) == expected
    assert refusal(PleaseCall, ops.free_times, FRIDAY - timedelta(days=1), 2) == expected


def test_check_request_holds_the_settings_it_is_given(frozen, online):
    nearer = replace(get_settings(), online_horizon_days=5, online_max_party=3)
    ops.check_request(FRIDAY + timedelta(days=5), 3, nearer)
    message, details = refusal(PleaseCall, ops.check_request, FRIDAY + timedelta(days=6), 3, nearer)
    assert (message, details) == ("Online you can book from today up to 5 days ahead.", {"field": "day"})
    message, details = refusal(PleaseCall, ops.check_request, FRIDAY, 4, nearer)
    assert (message, details) == ("For a party of more than 3 guests, please call us at 020 123 4567.",
                                  {"field": "party_size"})


# The party size -----------------------------------------------------------------------------------

def test_the_online_maximum_is_offered_and_one_more_is_asked_to_call_the_restaurant(frozen, online):
    assert ops.free_times(SATURDAY, 6)
    assert refusal(PleaseCall, ops.free_times, SATURDAY, 7) == (CALL_US, {"field": "party_size"})


def test_the_restaurants_number_is_given_without_its_spaces_around_it(frozen, online):
    update_settings(None, restaurant_phone="  020 123 4567 ")
    assert refusal(PleaseCall, ops.free_times, SATURDAY, 7) == (CALL_US, {"field": "party_size"})


def test_without_a_restaurants_number_the_guest_is_asked_to_call_without_one(frozen, online):
    expected = ("For a party of more than 6 guests, please call us.", {"field": "party_size"})
    update_settings(None, restaurant_phone="")
    assert refusal(PleaseCall, ops.free_times, SATURDAY, 7) == expected
    update_settings(None, restaurant_phone="   ")
    assert refusal(PleaseCall, ops.free_times, SATURDAY, 7) == expected


def test_a_party_of_one_is_offered_and_none_is_asked_for_the_number_of_guests(frozen, online):
    assert ops.free_times(SATURDAY, 1)
    expected = ("Give the number of guests.", {"field": "party_size"})
    assert refusal(PleaseCall, ops.free_times, SATURDAY, 0) == expected
    assert refusal(PleaseCall, ops.book_online, guest(party_size=0)) == expected


# Open or closed -----------------------------------------------------------------------------------

def test_while_online_booking_is_off_neither_a_booking_nor_a_change_is_made(frozen, online):
    res = ops.book_online(guest())
    db.session.commit()
    update_settings(None, online_booking=False)
    assert refusal(OnlineClosed, ops.book_online, guest(start_at=at("21:00"))) == (CLOSED, {})
    assert refusal(OnlineClosed, ops.change_online, res, at("20:30"), 2) == (CLOSED, {})
    assert (res.start_at, res.party_size) == (at("19:00"), 2)


def test_check_open_gives_the_settings_it_read(frozen, online):
    assert ops.check_open().online_max_party == 6
    given = replace(get_settings(), online_max_party=4)
    assert ops.check_open(given) is given


# Free times and a taken time ----------------------------------------------------------------------

def test_the_guests_own_tables_count_as_free_for_a_change(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    res = ops.book_online(guest())
    db.session.commit()
    assert at("19:00") not in ops.free_times(SATURDAY, 2)
    assert at("19:00") in ops.free_times(SATURDAY, 2, own=res)


def test_a_taken_time_names_itself_and_offers_the_next_free_times_on_the_time_field(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    ops.book_online(guest())
    db.session.commit()
    message, details = refusal(SlotTaken, ops.book_online, guest(start_at=at("19:30"), name="Other",
                                                                 phone="0611111111"))
    assert message == "Sorry, 19:30 has just been taken. These times are still free:"
    assert details["field"] == "time" and details["times"]


def test_when_nothing_else_is_free_that_day_the_guest_is_told_so_with_no_times(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])  # 4 seats: no time fits a party of 5
    message, details = refusal(SlotTaken, ops.book_online, guest(party_size=5))
    assert message == "Sorry, 19:00 has just been taken, and no other time is free that day."
    assert details == {"field": "time", "times": []}


def test_each_booking_first_takes_the_board_version_even_when_its_time_is_taken(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    ops.book_online(guest())
    db.session.commit()
    before = live.version()
    with pytest.raises(SlotTaken):
        ops.book_online(guest(start_at=at("19:30"), name="Other", phone="0611111111"))
    assert live.version() == before + 1  # the row lock was taken before the tables were looked at
    db.session.rollback()


# The booking itself -------------------------------------------------------------------------------

def test_a_booking_gets_a_link_of_its_own_and_a_language_the_restaurant_speaks(frozen, online):
    first = ops.book_online(guest())
    second = ops.book_online(guest(start_at=at("21:00"), name="Other", phone="0611111111", language="fr"))
    db.session.commit()
    assert first.manage_token and second.manage_token and first.manage_token != second.manage_token
    assert (first.guest_language, second.guest_language) == ("en", "nl")


# The cut-off --------------------------------------------------------------------------------------

def test_a_booking_can_change_until_just_before_the_cutoff_and_not_at_it(frozen, online):
    res = ops.book_online(guest(start_at=at("21:00", FRIDAY)))  # now is 19:00: exactly 2 hours before
    db.session.commit()
    assert not ops.can_change(res)
    assert refusal(PleaseCall, ops.cancel_online, res) == (TOO_LATE, {})
    assert refusal(PleaseCall, ops.change_online, res, at("21:30", FRIDAY), 2) == (TOO_LATE, {})
    clock.freeze(frozen - timedelta(minutes=1))
    assert ops.can_change(res)
    ops.cancel_online(res)
    assert res.state is State.CANCELLED


def test_can_change_holds_the_cutoff_of_the_settings_it_is_given(frozen, online):
    res = ops.book_online(guest(start_at=at("21:00", FRIDAY)))
    db.session.commit()
    assert not ops.can_change(res)
    assert ops.can_change(res, replace(get_settings(), online_cutoff_hours=1))


def test_a_booking_no_longer_booked_can_be_neither_changed_nor_cancelled_online(frozen, online):
    res = ops.book_online(guest())
    db.session.commit()
    ops.cancel_online(res)
    db.session.commit()
    assert not ops.can_change(res)
    assert refusal(InvalidTransition, ops.cancel_online, res) == (NO_LONGER, {})
    assert refusal(InvalidTransition, ops.change_online, res, at("20:30"), 2) == (NO_LONGER, {})


# Change and cancel --------------------------------------------------------------------------------

def test_a_change_keeps_the_guest_and_every_wish_and_is_audited_without_an_actor(frozen, online):
    res = ops.book_online(guest(allergy="gluten", occasion=Occasion.BIRTHDAY, high_chairs=1, wheelchair=True,
                                notes="by the window"))
    res.vip, res.regular, res.preferred_area_id = True, True, online["10"].area_id
    db.session.commit()
    guest_id = res.guest_id
    ops.change_online(res, at("20:30"), 4)
    db.session.commit()
    db.session.expire_all()
    assert (res.start_at, res.party_size, res.guest_id) == (at("20:30"), 4, guest_id)
    assert (res.guest.phone, res.guest.email) == ("+31612345678", "fleur@example.nl")
    assert (res.allergy, res.occasion, res.high_chairs, res.wheelchair, res.notes) == (
        "gluten", Occasion.BIRTHDAY, 1, True, "by the window")
    assert (res.vip, res.regular, res.preferred_area_id, res.name) == (True, True, online["10"].area_id,
                                                                      "Fleur Jansen")
    assert logged(res, "reservation.changed_online") == [
        (None, {"party_size": 4, "start_at": at("20:30").isoformat()})]


def test_a_change_to_a_party_beyond_the_online_maximum_is_asked_to_call(frozen, online):
    res = ops.book_online(guest())
    db.session.commit()
    assert refusal(PleaseCall, ops.change_online, res, at("19:00"), 7) == (CALL_US, {"field": "party_size"})
    assert refusal(PleaseCall, ops.change_online, res, at("19:00", SATURDAY + timedelta(days=HORIZON)), 2) == (
        "Online you can book from today up to 30 days ahead.", {"field": "day"})


def test_a_cancellation_online_is_audited_without_an_actor(frozen, online):
    res = ops.book_online(guest())
    db.session.commit()
    ops.cancel_online(res)
    assert logged(res, "reservation.cancelled_online") == [(None, {})]
    assert [actor for actor, _ in logged(res, "reservation.cancel")] == [None]
    assert res.state is State.CANCELLED



def test_a_change_to_a_time_overlapping_the_booking_may_keep_its_own_table(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    res = ops.book_online(guest())
    db.session.commit()
    ops.change_online(res, at("19:30"), 3)
    db.session.commit()
    assert (res.start_at, res.party_size, [t.name for t in res.tables]) == (at("19:30"), 3, ["10"])


@pytest.mark.parametrize(("phone", "email"), [("0612345678", ""), ("", "fleur@example.nl")])
def test_a_booking_with_only_a_phone_or_only_an_e_mail_can_be_changed_and_keeps_its_guest(frozen, online,
                                                                                         phone, email):
    res = ops.book_online(guest(phone=phone, email=email))
    db.session.commit()
    before = (res.guest_id, res.guest.phone, res.guest.email)
    ops.change_online(res, at("20:30"), 3)
    db.session.commit()
    db.session.expire_all()
    assert (res.start_at, res.party_size) == (at("20:30"), 3)
    assert (res.guest_id, res.guest.phone, res.guest.email) == before


def test_a_change_is_not_held_up_by_the_same_phones_other_booking_nearby(frozen, online):
    ops.book_online(guest(start_at=at("18:00")))
    res = ops.book_online(guest(start_at=at("18:30")))
    db.session.commit()
    ops.change_online(res, at("18:45"), 2)
    assert res.start_at == at("18:45") and res.state is State.BOOKED
