"""The phone booking form: rules with clear messages in Dutch and English, nothing stored on error."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from hostdesk.extensions import db
from hostdesk.reservations.bookings import BookingData, book, find_or_add_guest, normalise_phone
from hostdesk.reservations.models import Guest, Reservation, State

FRIDAY = "2026-11-20"


def form(**changes) -> dict:
    data = {"name": "De Waard", "phone": "06 1234 5678", "email": "", "party_size": "4", "day": FRIDAY,
            "time": "19:30", "source": "phone", "occasion": "", "preferred_area": "0", "high_chairs": "0"}
    data.update(changes)
    return data


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(Reservation.id)))


def test_booking_is_stored_with_guest_and_table(frozen, floor, host_client_en):
    response = host_client_en.post("/host/bookings/new", data=form(table_ids=str(floor["10"].id), allergy="gluten",
                                                                 occasion="anniversary", vip="y"))
    assert response.status_code == 302
    res = db.session.scalars(db.select(Reservation)).one()
    assert res.state is State.BOOKED and res.guest.phone == "+31612345678" and res.table_names == "10"
    assert res.duration_minutes == 105 and res.allergy == "gluten" and res.vip
    assert res.start_at == datetime(2026, 11, 20, 18, 30, tzinfo=timezone.utc)
    assert res.service_day == date(2026, 11, 20)


CASES = [
    ({"party_size": "31"}, "The party size must be between 1 and 30.", "Het aantal gasten moet tussen 1 en 30 liggen."),
    ({"time": "16:00"}, "16:00 is outside opening hours (11:30–15:00, 17:00–23:00).",
     "16:00 valt buiten de openingstijden (11:30–15:00, 17:00–23:00)."),
    ({"phone": "", "email": ""}, "Give a phone number or an e-mail address.",
     "Vul een telefoonnummer of e-mailadres in."),
    ({"phone": "12"}, "This is not a valid phone number.", "Dit is geen geldig telefoonnummer."),
    ({"phone": "", "email": "not-an-address"}, "This is not a valid e-mail address.",
     "Dit is geen geldig e-mailadres."),
    ({"name": "  "}, "Give the guest's name.", "Vul de naam van de gast in."),
]


@pytest.mark.parametrize(("changes", "english", "dutch"), CASES)
def test_validation_messages_in_both_languages(frozen, floor, host_client_en, changes, english, dutch):
    for language, message in (("en", english), ("nl", dutch)):
        response = host_client_en.post("/host/bookings/new", data=form(**changes),
                                       headers={"Accept-Language": language})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True), (language, message)
    assert _count() == 0


def test_overlapping_booking_names_the_conflict(frozen, floor, host_client_en):
    table = str(floor["10"].id)
    assert host_client_en.post("/host/bookings/new", data=form(table_ids=table)).status_code == 302
    for language, message in (("en", "Table 10 is already booked from 19:30 to 21:15 for De Waard (4)."),
                              ("nl", "Tafel 10 is al gereserveerd van 19:30 tot 21:15 voor De Waard (4).")):
        clash = host_client_en.post("/host/bookings/new", data=form(name="Jansen", time="21:00", table_ids=table),
                                 headers={"Accept-Language": language})
        assert clash.status_code == 422 and message in clash.get_data(as_text=True)
    assert host_client_en.post("/host/bookings/new", data=form(name="Jansen", time="21:15", table_ids=table)
                            ).status_code == 302
    assert _count() == 2


@pytest.mark.parametrize("nasty", [
    {"party_size": "-1"}, {"party_size": "abc"}, {"party_size": "99999999999999999999"}, {"day": "2026-02-30"},
    {"time": "25:99"}, {"table_ids": "99999"}, {"table_ids": "abc"}, {"name": "x" * 500}, {"occasion": "wedding"},
    {"source": "carrier-pigeon"}, {"duration": "5"}, {"preferred_area": "77"}, {"phone": "+31 6 1234 5678 9999 9999"},
    {"name": "<script>alert(1)</script>", "notes": "' OR 1=1 --"},
])
def test_nasty_input_never_500(frozen, floor, host_client_en, nasty):
    response = host_client_en.post("/host/bookings/new", data=form(**nasty))
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert _count() == 0
    assert "<script>alert(1)" not in host_client_en.get("/host/bookings?day=2026-11-20").get_data(as_text=True)


def test_edit_and_cancel(frozen, floor, host_client_en):
    host_client_en.post("/host/bookings/new", data=form())
    res = db.session.scalars(db.select(Reservation)).one()
    page = host_client_en.get(f"/host/bookings/{res.id}/edit")
    assert page.status_code == 200 and 'value="De Waard"' in page.get_data(as_text=True)
    edited = host_client_en.post(f"/host/bookings/{res.id}/edit", data=form(party_size="6", time="20:00"))
    assert edited.status_code == 302
    db.session.expire_all()
    assert res.party_size == 6 and res.duration_minutes == 120
    assert host_client_en.post(f"/host/bookings/{res.id}/cancel").status_code == 302
    db.session.expire_all()
    assert res.state is State.CANCELLED
    assert host_client_en.get("/host/bookings?day=not-a-day").status_code == 200


def test_guest_recognised_by_phone_or_email(frozen, floor, app_ctx, actors):
    first = book(actors["host"], BookingData("De Waard", 2, datetime(2026, 11, 20, 18, 30, tzinfo=timezone.utc),
                                             phone="0612345678"))
    second = book(actors["host"], BookingData("M. de Waard", 2, datetime(2026, 11, 21, 18, 30, tzinfo=timezone.utc),
                                              phone="+31 6 12345678", email="DW@example.nl"))
    third = book(actors["host"], BookingData("De Waard", 2, datetime(2026, 11, 22, 18, 30, tzinfo=timezone.utc),
                                             email="dw@example.nl"))
    assert first.guest is second.guest is third.guest
    assert db.session.scalar(db.select(db.func.count(Guest.id))) == 1
    assert normalise_phone("020-1234567") == "+31201234567"
    assert find_or_add_guest("x", "", "") is None


def test_a_phone_number_that_looks_like_a_card_number_is_booked(frozen, floor, host_client_en):
    """"0031 6 …" is 13 digits, Luhn-valid one time in ten: a phone number all the same (security.py)."""
    from tests.security.test_card_guard_phones import PHONE

    response = host_client_en.post("/host/bookings/new", data=form(phone=PHONE))
    assert response.status_code == 302, response.get_data(as_text=True)
    res = db.session.scalars(db.select(Reservation)).one()
    assert res.guest.phone == "+31" + PHONE.removeprefix("0031").replace(" ", "")


def _refused(actor, data, own=None) -> str:
    from flask_babel import force_locale

    from hostdesk.errors import ValidationFailed
    from hostdesk.reservations.bookings import edit_booking

    with pytest.raises(ValidationFailed) as refused:
        edit_booking(own, actor, data) if own is not None else book(actor, data)
    db.session.rollback()
    with force_locale("en"):
        return str(refused.value.message)


def test_booking_checks_past_seats_duplicates_and_long_names(frozen, floor, app_ctx, actors):
    """Yesterday 19:00, 8 guests on a 2-seat table, raising a party past its table's seats, the same
    phone at the same time twice (until confirmed) and a name past the limit are all refused."""
    host = actors["host"]
    at = datetime(2026, 11, 20, 18, 30, tzinfo=timezone.utc)  # 19:30 tonight
    yesterday = datetime(2026, 11, 19, 18, 0, tzinfo=timezone.utc)
    assert _refused(host, BookingData("De Waard", 2, yesterday, phone="0612345678")) == (
        "19:00 on that day has passed: give a time from now on.")
    two_seats = floor["1"].id
    assert _refused(host, BookingData("Groot", 8, at, phone="0611111111", table_ids=[two_seats])) == (
        "Table 1 seats at most 2 guests: choose more or larger tables, or book at most 2.")
    res = book(host, BookingData("Klein", 2, at, phone="0622222222", table_ids=[two_seats]))
    db.session.commit()
    assert _refused(host, BookingData("Klein", 3, at, phone="0622222222", table_ids=[two_seats]), own=res).startswith(
        "Table 1 seats at most 2 guests")
    again = BookingData("Klein", 2, at + timedelta(minutes=30), phone="06 2222 2222")
    assert _refused(host, again) == "This phone number already has a booking at 19:30: Klein, 2 guests. Book again?"
    again.book_again = True
    assert book(host, again).id != res.id
    assert _refused(host, BookingData("x" * 81, 2, at, phone="0633333333")) == (
        "The name is too long: at most 80 characters.")


def test_form_messages_say_the_real_limits(frozen, floor, host_client_en):
    response = host_client_en.post("/host/bookings/new", data=form(party_size="999"))
    assert "The party size must be between 1 and 30." in response.get_data(as_text=True)
    long_name = host_client_en.post("/host/bookings/new", data=form(name="x" * 81))
    assert long_name.status_code == 422 and "The name is too long: at most 80 characters." in long_name.get_data(
        as_text=True)
    first = host_client_en.post("/host/bookings/new", data=form())
    assert first.status_code == 302
    twice = host_client_en.post("/host/bookings/new", data=form(name="Jansen"))
    assert twice.status_code == 422 and "Book again?" in twice.get_data(as_text=True)
    assert 'name="book_again"' in twice.get_data(as_text=True)
    assert host_client_en.post("/host/bookings/new", data=form(name="Jansen", book_again="y")).status_code == 302
    assert _count() == 2


def test_a_time_after_midnight_belongs_to_the_evening_of_the_date_given(frozen, floor, host_client_en, actors):
    """The form's date is the service day: with service until 02:00, 00:30 on Friday is Saturday 00:30."""
    from hostdesk.settings import update_settings

    update_settings(actors["manager"], services=[{"name": "late", "start": "18:00", "end": "02:00"}])
    db.session.commit()
    response = host_client_en.post("/host/bookings/new", data=form(time="00:30", party_size="2",
                                                                  table_ids=str(floor["10"].id)))
    assert response.status_code == 302, response.get_data(as_text=True)
    res = db.session.scalars(db.select(Reservation)).one()
    assert res.service_day == date(2026, 11, 20)
    assert res.start_at == datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc)  # 00:30 in Amsterdam (UTC+1)
    edit = host_client_en.get(f"/host/bookings/{res.id}/edit").get_data(as_text=True)
    assert 'value="2026-11-20"' in edit and 'value="00:30"' in edit  # the form gives back what was typed
