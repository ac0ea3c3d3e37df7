"""A guest books, changes and cancels online: the rules, on known data, without HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.floor.models import Table
from hostdesk.online import operations as ops
from hostdesk.online import queries
from hostdesk.online.errors import OnlineClosed, PleaseCall, SlotTaken
from hostdesk.reservations.models import Occasion, Reservation, Source, State
from hostdesk.reservations.operations import local_hhmm
from hostdesk.settings import update_settings

from .conftest import SATURDAY, at


def guest(**extra) -> ops.GuestBooking:
    values = {"start_at": at("19:00"), "party_size": 2, "name": "Fleur Jansen", "phone": "0612345678",
              "email": "fleur@example.nl", "language": "en"}
    return ops.GuestBooking(**{**values, **extra})


def test_an_online_booking_is_marked_online_holds_a_table_and_its_wishes_become_tags(frozen, online):
    res = ops.book_online(guest(allergy="nuts", occasion=Occasion.BIRTHDAY, high_chairs=1, wheelchair=True,
                                notes="by the window please"))
    db.session.commit()
    assert res.source is Source.ONLINE and res.state is State.BOOKED
    assert res.tables and res.seats >= 2
    assert (res.allergy, res.occasion, res.high_chairs, res.wheelchair, res.notes) == (
        "nuts", Occasion.BIRTHDAY, 1, True, "by the window please")
    assert res.guest_language == "en" and len(res.manage_token) == 32
    assert res.guest.phone == "+31612345678" and res.guest.email == "fleur@example.nl"
    assert queries.booking_by_token(res.manage_token) is res


def test_only_the_tables_and_areas_opened_online_are_given(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    res = ops.book_online(guest())
    assert [t.name for t in res.tables] == ["10"]
    with pytest.raises(SlotTaken):
        ops.book_online(guest(name="Second", phone="0687654321", email=""))


def test_a_party_larger_than_the_online_maximum_is_asked_to_call_the_restaurants_number(frozen, online):
    with pytest.raises(PleaseCall) as refused:
        ops.book_online(guest(party_size=7))
    assert "020 123 4567" in str(refused.value.message) and "6" in str(refused.value.message)
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 0


def test_a_day_beyond_the_horizon_or_in_the_past_is_refused(frozen, online):
    with pytest.raises(PleaseCall):
        ops.book_online(guest(start_at=at("19:00", SATURDAY + timedelta(days=31))))
    with pytest.raises(PleaseCall):
        ops.book_online(guest(start_at=at("19:00", SATURDAY - timedelta(days=2))))


def test_nothing_is_booked_while_the_manager_has_online_booking_off(frozen, online):
    update_settings(None, online_booking=False)
    with pytest.raises(OnlineClosed):
        ops.book_online(guest())


def test_a_time_outside_the_free_times_is_refused_with_the_nearest_free_times(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    ops.book_online(guest())
    with pytest.raises(SlotTaken) as taken:
        ops.book_online(guest(start_at=at("19:30"), name="Other", phone="0611111111"))
    times = taken.value.details["times"]
    assert times and all(t <= at("19:00") - timedelta(minutes=90) or t >= at("20:30") for t in times)
    assert local_hhmm(times[-4]) == "20:30"


def test_a_known_phone_number_books_like_any_other_and_is_not_told_so(frozen, online, make_res):
    ops.book_online(guest(start_at=at("18:00")))
    second = ops.book_online(guest(start_at=at("18:30")))  # the same phone at an overlapping time
    assert second.state is State.BOOKED


def test_a_booking_with_a_known_phone_changes_nothing_of_that_guest(frozen, online):
    from hostdesk.reservations.models import Guest

    known = Guest(name="Fleur Jansen", phone="+31612345678", email="fleur@example.nl", visits=3, last_visit_note="")
    db.session.add(known)
    db.session.commit()
    other = ops.book_online(guest(name="Someone Else", email="someone@example.com"))
    db.session.commit()
    db.session.refresh(known)
    assert (known.name, known.phone, known.email) == ("Fleur Jansen", "+31612345678", "fleur@example.nl")
    assert other.guest_id != known.id and other.guest.email == "someone@example.com"
    same = ops.book_online(guest(start_at=at("21:00"), name="F. Jansen"))
    assert same.guest_id == known.id and known.name == "Fleur Jansen"


def test_the_guest_changes_to_another_free_time_and_size_keeping_the_wishes(frozen, online):
    res = ops.book_online(guest(allergy="gluten"))
    db.session.commit()
    ops.change_online(res, at("20:30"), 4)
    db.session.commit()
    assert (res.start_at, res.party_size, res.allergy, res.source) == (at("20:30"), 4, "gluten", Source.ONLINE)
    assert res.seats >= 4
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.subject_id == res.id)))
    assert "reservation.changed_online" in actions


def test_a_change_to_a_taken_time_changes_nothing(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    first = ops.book_online(guest())
    second = ops.book_online(guest(start_at=at("21:00"), name="Other", phone="0611111111"))
    db.session.commit()
    with pytest.raises(SlotTaken):
        ops.change_online(second, at("19:30"), 2)
    db.session.rollback()
    assert db.session.get(Reservation, second.id).start_at == at("21:00")
    assert first.start_at == at("19:00")


def test_the_guest_cancels_until_the_cutoff_and_the_link_then_shows_nothing(frozen, online):
    res = ops.book_online(guest())
    db.session.commit()
    ops.cancel_online(res)
    db.session.commit()
    assert res.state is State.CANCELLED and res.changed_by_id is None
    assert queries.booking_by_token(res.manage_token) is None


def test_after_the_cutoff_neither_change_nor_cancel_is_possible_online(frozen, online):
    res = ops.book_online(guest(start_at=at("21:00", SATURDAY - timedelta(days=1))))  # tonight, 21:00
    db.session.commit()
    clock.advance(timedelta(minutes=61))  # 20:01: less than 2 hours before
    assert not ops.can_change(res)
    with pytest.raises(PleaseCall):
        ops.cancel_online(res)
    with pytest.raises(PleaseCall):
        ops.change_online(res, at("22:00", SATURDAY - timedelta(days=1)), 2)
    assert res.state is State.BOOKED


def test_a_past_booking_shows_nothing_through_its_link(frozen, online):
    res = ops.book_online(guest(start_at=at("21:00", SATURDAY - timedelta(days=1))))
    db.session.commit()
    clock.advance(timedelta(hours=3))
    assert queries.booking_by_token(res.manage_token) is None


def test_the_cancelled_table_is_free_again_for_the_next_guest(frozen, online):
    update_settings(None, online_table_ids=[online["10"].id])
    res = ops.book_online(guest())
    db.session.commit()
    ops.cancel_online(res)
    db.session.commit()
    other = ops.book_online(guest(name="Next", phone="0622222222"))
    assert [t.name for t in other.tables] == ["10"]
    assert db.session.get(Table, online["10"].id) is not None
