"""The log's search by number, open-items filter, orders, page numbers, date check, actions from the
item page, the fuller CSV, and the item timeline in the reader's words and the restaurant's time."""
from datetime import date

import pytest

from hostdesk.extensions import db
from hostdesk.lostfound.models import FoundItem, ItemState
from hostdesk.manager.log import neutralise
from tests.manager import factories as f
from tests.manager.test_log import read_csv, refs, stock  # noqa: F401 (the fixture)

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def short(client, **query) -> list[str]:
    return [r[-4:] for r in refs(client, **query)]


def test_a_number_finds_the_reference(manager_client, stock):  # noqa: F811
    assert short(manager_client, q="0003") == ["0003"]
    assert short(manager_client, q="3") == ["0003"]
    assert short(manager_client, q="lf-0002") == ["0002"]
    assert short(manager_client, q="LF-2026-0004") == ["0004"]


def test_all_open_items(manager_client, stock):  # noqa: F811
    assert short(manager_client, state="open") == ["0001", "0005", "0002", "0003"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", ["0001", "0005", "0002", "0003", "0004", "0006"]),
    ("oldest", ["0006", "0004", "0003", "0002", "0005", "0001"]),
    ("longest", ["0006", "0003", "0002", "0004", "0005", "0001"]),  # 125, 50, 17, 8, 5, 2 days
    ("category", ["0002", "0004", "0006", "0005", "0003", "0001"]),
    ("state", ["0006", "0001", "0005", "0002", "0003", "0004"]),
])
def test_sorting(manager_client, stock, sort, expected):  # noqa: F811
    assert short(manager_client, sort=sort) == expected


def test_page_numbers(app, manager_client, frozen):
    with app.app_context():
        for n in range(1, 160):
            f.item(f.at(1, 12, month=6), reference=f"LF-2026-{n + 100:04d}")
        db.session.commit()
    page = manager_client.get("/manager/lost-found", query_string={"page": 2}, headers=EN).get_data(as_text=True)
    assert 'aria-current="page">2<' in page
    for n in (1, 3, 4):
        assert f'aria-label="Page {n}"' in page


def test_from_after_until_is_said(manager_client, stock):  # noqa: F811
    response = manager_client.get("/manager/lost-found", query_string={
        "found_from": "2026-11-15", "found_until": "2026-11-01"}, headers=NL)
    page = response.get_data(as_text=True)
    assert "De vanaf-datum ligt na de tot-en-met-datum" in page
    assert "LF-2026-0001" in page  # the dates are left out, not an empty list


def test_unlock_and_dispose_from_the_manager_item_page(app, manager_client, stock):  # noqa: F811
    item_id, _ = stock["card"]
    page = manager_client.get(f"/manager/lost-found/{item_id}", headers=EN).get_data(as_text=True)
    assert "Unlock claims" in page and "Record the disposal" in page
    assert manager_client.post(f"/manager/lost-found/{item_id}/unlock").status_code == 302
    refused = manager_client.post(f"/manager/lost-found/{item_id}/dispose", headers=EN, data={
        "method": "destroyed", "disposed_on": "2026-11-20", "witness": ""})
    assert refused.status_code == 422
    early = manager_client.post(f"/manager/lost-found/{item_id}/dispose", headers=EN, data={
        "method": "destroyed", "disposed_on": "2026-11-20", "witness": "Bram"})
    assert early.status_code == 409 and 'role="alert"' in early.get_data(as_text=True)  # still within retention
    phone_id, _ = stock["phone"]  # past its retention date
    done = manager_client.post(f"/manager/lost-found/{phone_id}/dispose", data={
        "method": "destroyed", "disposed_on": "2026-11-20", "witness": "Bram"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(FoundItem, item_id).locked_at is None
        phone = db.session.get(FoundItem, phone_id)
        assert phone.state is ItemState.DISPOSED and phone.disposal_witness == "Bram"
    page = manager_client.get(f"/manager/lost-found/{item_id}", headers=EN).get_data(as_text=True)
    assert "Claims unlocked by a manager" in page
    page = manager_client.get(f"/manager/lost-found/{phone_id}", headers=EN).get_data(as_text=True)
    assert "Disposed" in page and "Destroyed" in page
    again = manager_client.post(f"/manager/lost-found/{phone_id}/dispose", headers=EN, data={
        "method": "not a method", "disposed_on": "9377", "witness": "Bram"})
    assert again.status_code == 409  # no disposal form on its page: the refusal says why in its banner
    assert "Not possible while the item is" in again.get_data(as_text=True)


def test_csv_has_who_where_and_how(app, manager_client, stock):  # noqa: F811
    with app.app_context():
        glasses = db.session.get(FoundItem, stock["glasses"][0])
        glasses.disposal_method, glasses.disposed_on, glasses.disposal_witness = "donated", date(2026, 5, 10), "Anna"
        db.session.commit()
    rows = read_csv(manager_client.get("/manager/lost-found/export.csv", headers=EN))
    header = rows[0]
    assert header[9:] == ["Found by", "Where found", "Keep until", "Returned or disposed of on", "How", "Witness"]
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_ref["LF-2026-0006"]["How"] == "Donated" and by_ref["LF-2026-0006"]["Witness"] == "Anna"
    assert by_ref["LF-2026-0006"]["Returned or disposed of on"] == "2026-05-10"
    assert by_ref["LF-2026-0004"]["How"] == "Handed over"
    assert by_ref["LF-2026-0004"]["Returned or disposed of on"] == "2026-09-10"
    assert by_ref["LF-2026-0001"]["Keep until"] == "2027-02-16"
    assert by_ref["LF-2026-0004"]["Description"] == "'+red wool scarf"  # would be read as a formula


def test_neutralise_only_formulas():
    assert neutralise("-5") == "-5" and neutralise("+2,5") == "+2,5" and neutralise("-12%") == "-12%"
    assert neutralise("-keys") == "'-keys" and neutralise("+31 6 1234") == "'+31 6 1234"
    assert neutralise("=SUM(A1)") == "'=SUM(A1)" and neutralise("@x") == "'@x"


def test_timeline_in_words_and_local_time(app, manager_client, stock):  # noqa: F811
    item_id, _ = stock["umbrella"]
    with app.app_context():
        f.audit(item_id, f.at(19, 15), "lostfound.action_added", kind="post_item", due_at="2026-12-06T15:33:29+00:00",
                owner="Anna", action_point=7)
        f.audit(item_id, f.at(19, 16), "lostfound.agree_post", language="nl", claim=3)
        f.audit(item_id, f.at(19, 17), "lostfound.register", category="bank_card")
        db.session.commit()
    for url in (f"/manager/lost-found/{item_id}", f"/lost-found/item/{item_id}"):
        page = manager_client.get(url, headers=EN).get_data(as_text=True)
        assert "Post the item" in page and "Nederlands" in page and "Bank card" in page, url
        assert "6 Dec 2026 16:33" in page, url
        for raw in ("post_item", "bank_card", "2026-12-06T15:33", ">nl<", ": nl"):
            assert raw not in page, (url, raw)
