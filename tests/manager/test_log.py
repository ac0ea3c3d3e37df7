import csv
import io

import pytest

from hostdesk.extensions import db
from hostdesk.lostfound.models import Category, ItemState, ItemWord
from hostdesk.lostfound.operations import description_words
from hostdesk.manager.log import neutralise
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
