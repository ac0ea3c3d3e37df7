"""The guest's pages over HTTP: /book in Dutch and English, the manage link, the guard and limits,
nothing that tells whether a guest is known; and the host's resend of the confirmation."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.extensions import db
from hostdesk.lostfound.models import OutboxMail
from hostdesk.reservations.models import Reservation, Source, State
from hostdesk.settings import update_settings

from .conftest import SATURDAY, at

DAY = SATURDAY.isoformat()


def form_for(client, lang="en", party=2, day=DAY):
    page = client.get(f"/book?day={day}&party_size={party}", headers={"Accept-Language": lang})
    assert page.status_code == 200
    started = re.search(r'name="started"[^>]*value="([^"]+)"', page.text) or re.search(
        r'value="([^"]+)"[^>]*name="started"', page.text)
    clock.advance(timedelta(seconds=5))
    return page, started.group(1)


def booking(started, **extra):
    return {"day": DAY, "party_size": "2", "time": "19:00", "name": "Fleur Jansen", "phone": "06 12345678",
            "email": "fleur@example.nl", "allergy": "nuts", "occasion": "birthday", "high_chairs": "1",
            "notes": "", "website": "", "started": started, **extra}


def test_the_page_shows_the_free_times_for_the_day_and_party_in_the_browsers_language(frozen, online, client):
    page, _ = form_for(client, "nl")
    assert "Reserveer een tafel" in page.text and "Aantal gasten" in page.text
    assert 'value="19:00"' in page.text and 'value="17:00"' in page.text
    english, _ = form_for(client, "en")
    assert "Book a table" in english.text and "Show free times" in english.text


def test_a_booking_is_made_and_the_guest_lands_on_the_manage_page(frozen, online, client):
    _, started = form_for(client)
    answer = client.post("/book", data=booking(started), headers={"Accept-Language": "en"})
    assert answer.status_code == 302
    res = db.session.scalars(sa.select(Reservation)).one()
    assert answer.headers["Location"].endswith(f"/book/manage/{res.manage_token}?booked=1")
    assert res.source is Source.ONLINE and res.guest_language == "en" and res.allergy == "nuts" and res.high_chairs == 1
    page = client.get(answer.headers["Location"], headers={"Accept-Language": "en"})
    assert "Your table is booked" in page.text and "Fleur Jansen" in page.text and "19:00" in page.text
    assert db.session.scalar(sa.select(OutboxMail.to_address)) == "fleur@example.nl"  # kept: no mail server


def test_a_too_large_party_is_asked_to_call_with_the_restaurants_number(frozen, online, client):
    page = client.get(f"/book?day={DAY}&party_size=7", headers={"Accept-Language": "nl"})
    assert page.status_code == 422
    assert "020 123 4567" in page.text and "meer dan 6" in page.text


def test_a_known_phone_gets_the_same_answer_as_a_new_one(frozen, online, client, make_res):
    _, started = form_for(client)
    first = client.post("/book", data=booking(started, time="18:00"))
    _, started = form_for(client)
    again = client.post("/book", data=booking(started, time="18:30"))  # same phone, overlapping
    assert first.status_code == again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 2


def test_bad_input_keeps_what_was_typed_says_why_in_the_guests_language_and_stores_nothing(frozen, online, client):
    _, started = form_for(client, "nl")
    answer = client.post("/book", data=booking(started, phone="12", email=""), headers={"Accept-Language": "nl"})
    assert answer.status_code == 422
    assert "geldig telefoonnummer" in answer.text and 'value="Fleur Jansen"' in answer.text
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 0


def test_a_filled_honeypot_or_a_quick_form_books_nothing(frozen, online, client):
    page = client.get(f"/book?day={DAY}&party_size=2")
    started = re.search(r'name="started"[^>]*value="([^"]+)"', page.text).group(1)
    quick = client.post("/book", data=booking(started))  # no time passed
    clock.advance(timedelta(seconds=5))
    honey = client.post("/book", data=booking(started, website="http://spam.example"))
    assert quick.status_code == honey.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 0


def test_too_many_forms_from_one_address_are_refused_with_429(frozen, online, client, app):
    allowed, _ = app.config["PUBLIC_FORM_LIMIT"]
    answers = [client.post("/book", data={"day": DAY}).status_code for _ in range(allowed + 1)]
    assert answers[:allowed] == [422] * allowed and answers[-1] == 429


def test_when_online_booking_is_off_the_page_says_so_and_books_nothing(frozen, online, client):
    update_settings(None, online_booking=False)
    db.session.commit()
    page = client.get("/book", headers={"Accept-Language": "en"})
    assert page.status_code == 404 and "Online booking is closed" in page.text


def _book(client):
    _, started = form_for(client)
    client.post("/book", data=booking(started))
    return db.session.scalars(sa.select(Reservation)).one()


def test_the_guest_changes_the_time_through_the_link(frozen, online, client):
    res = _book(client)
    page = client.get(f"/book/manage/{res.manage_token}?day={DAY}&party_size=4")
    assert page.status_code == 200 and 'value="20:30"' in page.text
    answer = client.post(f"/book/manage/{res.manage_token}/change", data={"day": DAY, "party_size": "4",
                                                                          "time": "20:30"})
    assert answer.status_code == 302
    db.session.refresh(res)
    assert (res.start_at, res.party_size) == (at("20:30"), 4)


def test_the_guest_cancels_and_the_link_then_shows_nothing_like_an_unknown_link(frozen, online, client):
    res = _book(client)
    answer = client.post(f"/book/manage/{res.manage_token}/cancel", headers={"Accept-Language": "en"})
    assert answer.status_code == 200 and "Booking cancelled" in answer.text
    db.session.refresh(res)
    assert res.state is State.CANCELLED
    gone = client.get(f"/book/manage/{res.manage_token}", headers={"Accept-Language": "en"})
    unknown = client.get("/book/manage/" + "A" * 32, headers={"Accept-Language": "en"})
    assert gone.status_code == unknown.status_code == 404
    assert "Fleur" not in gone.text
    def page(text: str) -> str:  # the CSRF token carries the second it was made in
        return re.sub(r'("X-CSRFToken": "|name="csrf_token" type="hidden" value=")[^"]*"', r'\1"', text)

    assert page(gone.text.replace(res.manage_token, "A" * 32)) == page(unknown.text)  # but for the switch's link


def test_a_host_resends_the_confirmation_from_the_booking(frozen, online, client, host_client):
    res = _book(client)
    answer = host_client.post(f"/host/bookings/{res.id}/confirmation")
    assert answer.status_code == 302
    mails = list(db.session.scalars(sa.select(OutboxMail).where(OutboxMail.reservation_id == res.id)))
    assert len(mails) == 2 and all("BEGIN:VCALENDAR" in m.attachment for m in mails)


def test_head_on_the_booking_page_answers_like_get_and_stores_nothing(frozen, online, client):
    assert client.head("/book").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 0


def test_behind_the_trusted_proxy_each_guests_address_has_its_own_limit(database_url, tmp_path, online):
    from tests.conftest import served_app

    proxied = served_app(database_url, SECRET_KEY="proxy-secret", UPLOAD_FOLDER=str(tmp_path), PROXY_HOPS=1,
                         WTF_CSRF_ENABLED=False)
    allowed, _ = proxied.config["PUBLIC_FORM_LIMIT"]
    guest = proxied.test_client()

    def post(address):
        return guest.post("/book", data={"day": DAY}, headers={"X-Forwarded-For": address},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code

    first = [post("203.0.113.7") for _ in range(allowed + 1)]
    assert first[-1] == 429
    assert post("198.51.100.9") == 422  # another guest behind the same proxy is not held back


def test_a_time_after_midnight_is_booked_on_the_night_the_guest_chose(frozen, online, client):
    """A service past midnight: 00:30 on Saturday's page is the early hours of Sunday, still Saturday's evening."""
    update_settings(None, services=[{"name": "late", "start": "18:00", "end": "02:00"}])
    db.session.commit()
    page, started = form_for(client)
    assert 'value="00:30"' in page.text
    answer = client.post("/book", data=booking(started, time="00:30"), headers={"Accept-Language": "en"})
    assert answer.status_code == 302, answer.text
    res = db.session.scalars(sa.select(Reservation)).one()
    assert (res.start_at, res.service_day) == (at("00:30", SATURDAY + timedelta(days=1)), SATURDAY)
