import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_babel import get_locale

from hostdesk.extensions import db
from hostdesk.lostfound.models import Category, ItemState, ItemWord
from hostdesk.lostfound.operations import description_words
from hostdesk.manager import views_log
from hostdesk.manager.log import RowText, neutralise
from hostdesk.settings import update_settings
from tests.manager import factories as f

EN = {"Accept-Language": "en"}


def add_words(item):
    for word in description_words(item.description):
        db.session.add(ItemWord(word=word, item_id=item.id))


@pytest.fixture
def stock(app, frozen):
    """Six items with known properties; returns their references by nickname."""
    with app.app_context():
        made = {
            "umbrella": f.item(f.at(18, 20), description="Black umbrella with wooden handle", location="Cloakroom",
                               reference="LF-2026-0001"),
            "card": f.item(f.at(3, 21), category=Category.BANK_CARD, description="=HYPERLINK(\"http://x\") bank card",
                           location="Safe", locked=f.at(4, 12), reference="LF-2026-0002"),
            "phone": f.item(f.at(1, 19, month=10), category=Category.PHONE, description="Blue phone, cracked screen",
                            location="Safe", dispose_after=f.at(1, 19), reference="LF-2026-0003"),
            "scarf": f.item(f.at(2, 19, month=9), category=Category.CLOTHING, description="+red wool scarf",
                            state=ItemState.RETURNED, closed=f.at(10, 12, month=9), reference="LF-2026-0004"),
            "keys": f.item(f.at(15, 13), category=Category.KEYS, description="-keys on a red ring",
                           location="Cloakroom",
                           reference="LF-2026-0005"),
            "glasses": f.item(f.at(5, 13, month=1), category=Category.GLASSES, description="@reading glasses",
                              state=ItemState.DISPOSED, closed=f.at(10, 13, month=5), reference="LF-2026-0006"),
        }
        for it in made.values():
            add_words(it)
        f.action_point(made["keys"].id, due=f.at(21, 10), done=None)
        f.action_point(made["umbrella"].id, due=f.at(19, 10), done=f.at(19, 11))
        f.audit(made["card"].id, f.at(3, 21, 5), "lostfound.register", reference="LF-2026-0002")
        f.audit(made["card"].id, f.at(4, 11), "lostfound.claim_failed", matched=1, of=3)
        f.audit(made["card"].id, f.at(4, 12), "lostfound.claims_locked", failed_attempts=3)
        f.audit(made["scarf"].id, f.at(10, 12, month=9), "lostfound.hand_over", id_checked=True)
        db.session.commit()
        return {name: (it.id, it.reference) for name, it in made.items()}


def refs(client, **query) -> list[str]:
    page = client.get("/manager/lost-found", query_string=query, headers=EN).get_data(as_text=True)
    import re

    return re.findall(r'class="ref"[^>]*>(LF-\d{4}-\d{4})<', page)


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["0001", "0005", "0002", "0003", "0004", "0006"]),
    ({"state": "in_storage"}, ["0001", "0005", "0002", "0003"]),
    ({"state": "returned"}, ["0004"]),
    ({"category": "bank_card"}, ["0002"]),
    ({"found_from": "2026-11-01", "found_until": "2026-11-15"}, ["0005", "0002"]),
    ({"location": "Safe"}, ["0002", "0003"]),
    ({"past_retention": "1"}, ["0003"]),
    ({"locked": "1"}, ["0002"]),
    ({"open_actions": "1"}, ["0005"]),
    ({"q": "LF-2026-0004"}, ["0004"]),
    ({"q": "2026-4"}, ["0004"]),
    ({"q": "umbrella"}, ["0001"]),
    ({"q": "red"}, ["0005", "0004"]),
    ({"q": "red wool"}, ["0004"]),
    ({"q": "Umbrélla"}, ["0001"]),
    ({"q": "nothing-like-this"}, []),
    ({"q": "red", "state": "in_storage", "location": "Cloakroom"}, ["0005"]),
])
def test_filters_and_search_return_exactly_the_expected_items(manager_client, stock, query, expected):
    assert refs(manager_client, **query) == [f"LF-2026-{n}" for n in expected]


@pytest.mark.parametrize("query", [
    {"state": "exploded"}, {"category": "<script>"}, {"found_from": "yesterday"}, {"page": "-3"}, {"page": "abc"},
    {"q": "x" * 500}, {"q": "'; DROP TABLE lf_items; --"}, {"page": "99999"}, {"q": "%_%"},
    {"q": "%_% ,.", "category": "phone"}, {"q": "... !", "state": "in_storage", "past_retention": "1"},
])
def test_nasty_filters_never_fail(manager_client, stock, query):
    response = manager_client.get("/manager/lost-found", query_string=query, headers=EN)
    assert response.status_code == 200
    assert manager_client.get("/manager/lost-found/export.csv", query_string=query).status_code == 200


def read_csv(response, delimiter=";"):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_csv_round_trips_and_neutralises_formulas(app, manager_client, stock):
    response = manager_client.get("/manager/lost-found/export.csv", headers=EN)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["Reference", "Found", "Category"]
    by_ref = {row[0]: row for row in rows[1:]}
    assert list(by_ref) == [f"LF-2026-000{n}" for n in (1, 5, 2, 3, 4, 6)]
    assert by_ref["LF-2026-0002"][3] == "'=HYPERLINK(\"http://x\") bank card"
    assert by_ref["LF-2026-0004"][3] == "'+red wool scarf"
    assert by_ref["LF-2026-0005"][3] == "'-keys on a red ring"
    assert by_ref["LF-2026-0006"][3] == "'@reading glasses"
    assert by_ref["LF-2026-0001"][3] == "Black umbrella with wooden handle"
    assert by_ref["LF-2026-0002"][7] == "Claims locked"
    assert by_ref["LF-2026-0004"][4] == "Returned" and by_ref["LF-2026-0004"][6] == "7"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_follows_filters_and_the_delimiter_setting(app, manager_client, stock, users):
    with app.app_context():
        update_settings(None, csv_delimiter=",")
        db.session.commit()
    rows = read_csv(manager_client.get("/manager/lost-found/export.csv", query_string={"location": "Safe"},
                                       headers={"Accept-Language": "nl"}), delimiter=",")
    assert rows[0][0] == "Kenmerk"
    assert [r[0] for r in rows[1:]] == ["LF-2026-0002", "LF-2026-0003"]


def test_neutralise():
    assert neutralise("=1+2") == "'=1+2"
    assert neutralise("\tx") == "'\tx" and neutralise("\rx") == "'\rx"
    assert neutralise("plain - text") == "plain - text"
    assert neutralise(None) == "" and neutralise(12) == "12"


def test_item_timeline_shows_failed_attempts_and_locks(manager_client, stock):
    item_id, reference = stock["card"]
    page = manager_client.get(f"/manager/lost-found/{item_id}", headers=EN).get_data(as_text=True)
    assert reference in page
    for label in ("Registered", "Claim attempt failed", "Claims locked"):
        assert label in page
    assert page.index("Claim attempt failed") < page.index("<strong>Claims locked")
    assert manager_client.get("/manager/lost-found/999999").status_code == 404


def test_printable_list(manager_client, stock):
    page = manager_client.get("/manager/lost-found/print", query_string={"state": "in_storage"},
                              headers=EN).get_data(as_text=True)
    assert "LF-2026-0001" in page and "LF-2026-0004" not in page
    assert "Items: 4" in page


def test_log_is_for_managers_only(host_client, staff_client):
    assert host_client.get("/manager/lost-found").status_code == 403
    assert staff_client.get("/manager/lost-found/export.csv").status_code == 403


def test_item_page_answers_who_handed_it_over(manager_client, stock):
    item_id, _ = stock["scarf"]
    page = manager_client.get(f"/manager/lost-found/{item_id}", headers=EN).get_data(as_text=True)
    assert "Handed over" in page and "by Tester" in page


def test_csv_last_event_time_is_local_time(manager_client, stock):
    rows = read_csv(manager_client.get("/manager/lost-found/export.csv", headers=EN))
    by_ref = {row[0]: row for row in rows[1:]}
    # claims locked at 12:00 UTC on 4 November: 13:00 in Amsterdam (the found time is read the same way)
    assert by_ref["LF-2026-0002"][7:9] == ["Claims locked", "2026-11-04 13:00"]
    assert by_ref["LF-2026-0002"][1] == "2026-11-03 22:00"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_row_dates_read_exactly_as_the_local_datetime_filter(app, language):
    """The log writes its dates itself (quicker than babel per cell); they must be babel's."""
    local_datetime = app.jinja_env.filters["local_datetime"]
    moments = [datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)
               for month in range(1, 13) for day, hour, minute in ((1, 0, 0), (9, 7, 5), (28, 23, 59))]
    moments += [datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc) + timedelta(minutes=m) for m in (0, 1, 2)]
    moments += [datetime(2026, 10, 25, 0, 59, tzinfo=timezone.utc) + timedelta(minutes=m) for m in (0, 1, 2)]
    moments += [datetime(2001, 12, 31, 23, 30, tzinfo=timezone.utc), datetime(2099, 1, 1, 9, 0, tzinfo=timezone.utc)]
    with app.test_request_context(headers={"Accept-Language": language}):
        assert str(get_locale()) == language
        text = RowText()
        for moment in moments:
            assert text.day(moment) == local_datetime(moment, "d MMM yyyy")
            assert text.minute(moment) == local_datetime(moment)
        assert text.minute(None) == ""


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("query", [
    {}, {"state": "returned", "category": "", "locked": "1"}, {"category": "phone", "past_retention": "yes"},
    {"state": "exploded", "open_actions": "<b>"},
])
def test_log_selects_read_exactly_as_the_field_macro_writes_them(app, manager_client, query):
    page = manager_client.get("/manager/lost-found", query_string=query, headers=EN).get_data(as_text=True)
    macro = app.jinja_env.from_string('{% from "_macros.html" import field %}{{ field(f) }}')
    with app.test_request_context("/manager/lost-found", query_string=query, headers=EN):
        form, _ = views_log._filter_form()
        for name in ("state", "category", "past_retention", "locked", "open_actions"):
            written = _squeezed(macro.render(f=form[name]))
            assert written.count("<select") == 1
            assert written in _squeezed(page), name


def test_an_htmx_search_answers_the_table_alone(manager_client, stock):
    response = manager_client.get("/manager/lost-found", query_string={"q": "red"},
                                  headers={"HX-Request": "true", **EN})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="log-table"') and "log-filters" not in html
    assert re.findall(r'class="ref" href="/manager/lost-found/\d+\?q=red">(LF-2026-\d{4})<', html) == [
        "LF-2026-0005", "LF-2026-0004"]
    assert "Items: 2" in html


def _places(client) -> list[str]:
    page = client.get("/manager/lost-found", headers=EN).get_data(as_text=True)
    menu = re.search(r'<select id="location" name="location">(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]+)"', menu)


def test_the_storage_places_follow_every_change_at_once(app, manager_client, stock, frozen):
    from hostdesk.lostfound.models import FoundItem

    assert _places(manager_client) == ["Cloakroom", "Office drawer 1", "Safe"]
    with app.app_context():
        f.item(f.at(20, 12), location="Attic")
        db.session.commit()
    assert _places(manager_client) == ["Attic", "Cloakroom", "Office drawer 1", "Safe"]
    with app.app_context():  # a change through another worker or plain SQL shows at the next page too
        db.session.execute(sa.update(FoundItem).where(FoundItem.reference == "LF-2026-0005")
                           .values(storage_location="Basement"))
        db.session.commit()
    assert _places(manager_client) == ["Attic", "Basement", "Cloakroom", "Office drawer 1", "Safe"]
