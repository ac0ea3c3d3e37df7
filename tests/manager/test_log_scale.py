"""The log on 25,000 items: exactly the right items, pages and totals; quick answers; a bounded
number of statements; an index behind every filter."""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.lostfound.models import ActionKind, ActionPoint, Category, FoundItem, ItemState, ItemWord
from hostdesk.lostfound.queries import COMMON_WORD, ItemFilter, search_values, select_items
from hostdesk.manager.log import _places, all_locations, statements
from hostdesk.settings import get_settings
from tests.conftest import forget_kept_rows, keep_rows

N = 25_000
START = datetime(2025, 11, 20, 12, 0, tzinfo=timezone.utc)
COLOURS = ["black", "blue", "red", "green", "grey", "brown", "white", "yellow"]
THINGS = ["umbrella", "scarf", "phone", "wallet", "glove", "hat", "charger", "book", "card", "keys"]
LOCATIONS = ["Cloakroom", "Office drawer 1", "Office drawer 2", "Safe", "Bar shelf"]
STATES = [ItemState.IN_STORAGE, ItemState.IN_STORAGE, ItemState.RETURNED, ItemState.DISPOSED, ItemState.POSTED]
CATEGORIES = list(Category)


RARE = "opal"  # in a few dozen descriptions: the search lets the word's index lead


def _found(i: int) -> datetime:
    """A permutation of 21-minute slots, two items to a slot: found order is neither id order nor free of ties."""
    return START + timedelta(minutes=42 * ((i * 7919) % N // 2))


@dataclass
class DataSet:
    items: list[dict]
    words: dict[int, list[str]]
    open_actions: set[int]


def _bulk(app) -> DataSet:
    items, words, audits, points = [], [], [], []
    for i in range(1, N + 1):
        found = _found(i)
        state = STATES[i % len(STATES)]
        colour, thing = COLOURS[i % len(COLOURS)], THINGS[(i // 8) % len(THINGS)]
        items.append({
            "id": i, "reference": f"LF-{found.year}-{i:05d}", "category": CATEGORIES[i % len(CATEGORIES)].value,
            "description": f"{colour} {thing} number {i}", "where_found": "", "found_at": found,
            "storage_location": LOCATIONS[i % len(LOCATIONS)], "state": state.value, "registered_at": found,
            "dispose_after": found + timedelta(days=90), "failed_attempts": 0,
            "locked_at": found if i % 97 == 0 else None,
            "closed_at": found + timedelta(days=3) if state in (ItemState.RETURNED, ItemState.DISPOSED) else None,
        })
        words += [{"word": colour, "item_id": i}, {"word": thing, "item_id": i}]
        if i % 1009 == 0:
            words.append({"word": RARE, "item_id": i})
        audits.append({"at": found, "actor_name": "Tester", "action": "lostfound.register", "subject_type": "lf_item",
                       "subject_id": i, "changes": {}})
        if i % 50 == 0:
            points.append({"item_id": i, "kind": ActionKind.CALLBACK.value, "note": "", "due_at": found,
                           "created_at": found, "done_at": None})
    with app.app_context():
        db.session.execute(sa.insert(FoundItem.__table__), items)
        db.session.execute(sa.insert(ItemWord.__table__), words)
        db.session.execute(sa.insert(AuditEntry.__table__), audits)
        db.session.execute(sa.insert(ActionPoint.__table__), points)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
    by_item: dict[int, list[str]] = {}
    for w in words:
        by_item.setdefault(w["item_id"], []).append(w["word"])
    return DataSet(items, by_item, {p["item_id"] for p in points})


@pytest.fixture(scope="module")
def many(app):
    """The 25,000 items, built once for the module's tests (which only read them)."""
    data = _bulk(app)
    keep_rows(app, [FoundItem.__tablename__, ItemWord.__tablename__, AuditEntry.__tablename__,
                    ActionPoint.__tablename__])
    yield data
    forget_kept_rows(app)


@pytest.fixture(autouse=True)
def _at_the_data_sets_now(frozen):
    """Every test reads the data set at the frozen moment (retention, due actions)."""
    return frozen


class Statements:
    def __init__(self, engine):
        self.count = 0
        self.engine = engine

    def __call__(self, _conn, _cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


QUERIES = [
    {}, {"page": "2"}, {"page": "300"}, {"state": "in_storage"}, {"category": "phone"},
    {"found_from": "2026-03-01", "found_until": "2026-03-31"}, {"location": "Safe"}, {"past_retention": "1"},
    {"locked": "1"}, {"open_actions": "1"}, {"q": "red umbrella"}, {"q": "LF-2026-12345"},
    {"q": "blue", "state": "returned", "location": "Cloakroom", "page": "3"},
    {"q": "black", "category": "phone", "found_from": "2025-12-01"}, {"q": RARE, "category": "phone"},
]


def test_log_on_25000_items(app, manager_client, many):
    """Every page and filter of the log reads a bounded number of statements, nothing per row (its
    speed on five years of data is `python -m bench`'s, docs/performance.md)."""
    counts = {}
    manager_client.get("/manager/lost-found")  # warm up templates and the session
    with app.app_context():
        engine = db.engine
    for query in QUERIES:
        with Statements(engine) as statements:
            response = manager_client.get("/manager/lost-found", query_string=query)
        assert response.status_code == 200, query
        counts["&".join(f"{k}={v}" for k, v in query.items()) or "(all)"] = statements.count
    page = manager_client.get("/manager/lost-found", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Items: 25000" in page
    assert len(re.findall(r'class="ref"', page)) == 50
    # A bounded number of statements whatever the page or filter: the login, the settings, the demo
    # band's check, the count, the page's rows with their last events, the storage places, and (on
    # SQLite) with search words and a category or state one read that tells common words from rare
    # ones. Nothing per row.
    assert max(counts.values()) <= 7, counts
    assert counts["page=300"] == counts["(all)"] == counts["page=2"], counts


def test_csv_of_25000_items(app, manager_client, many):
    response = manager_client.get("/manager/lost-found/export.csv")
    assert response.status_code == 200
    assert response.get_data().count(b"\r\n") == N + 1


# --- exactly the right items, order, totals and pages ------------------------------------------

def _local_start(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), clock_time(0, 0), tzinfo=get_settings().zone)


def expected_page(data: DataSet, query: dict[str, str], now: datetime,
                  per_page: int = 50) -> tuple[list[str], int, int, int]:
    """The log's answer worked out in Python from the generated rows: references, total, page, pages."""
    def wanted(item: dict) -> bool:
        checks = [
            not query.get("state") or item["state"] == query["state"],
            not query.get("category") or item["category"] == query["category"],
            not query.get("found_from") or item["found_at"] >= _local_start(query["found_from"]),
            not query.get("found_until")
            or item["found_at"] < _local_start(query["found_until"]) + timedelta(days=1),
            not query.get("location") or item["storage_location"] == query["location"],
            not query.get("past_retention")
            or (item["state"] == ItemState.IN_STORAGE.value and item["dispose_after"] <= now),
            not query.get("locked") or item["locked_at"] is not None,
            not query.get("open_actions") or item["id"] in data.open_actions,
        ]
        words = data.words[item["id"]]
        checks += [any(w.startswith(term) for w in words) for term in query.get("q", "").lower().split()]
        return all(checks)

    matches = sorted((i for i in data.items if wanted(i)), key=lambda i: (i["found_at"], i["id"]), reverse=True)
    pages = max(1, -(-len(matches) // per_page))
    page = min(max(1, int(query.get("page", 1))), pages)
    return [i["reference"] for i in matches[(page - 1) * per_page:page * per_page]], len(matches), page, pages


EXACT = [
    {"q": "black", "category": "phone"}, {"q": "black", "category": "phone", "page": "2"},
    {"q": "black", "category": "phone", "page": "6"}, {"q": "black", "category": "phone", "page": "99"},
    {"q": "black", "category": "phone", "found_from": "2026-01-01", "found_until": "2026-06-30", "page": "2"},
    {"q": RARE, "category": "phone"}, {"q": RARE}, {"q": f"{RARE} black", "category": "umbrella"},
    {"q": "black umbr", "state": "in_storage"}, {"q": "black umbr", "state": "in_storage", "page": "4"},
    {"q": "bl", "state": "in_storage", "found_from": "2026-03-01", "page": "3"},
    {"q": "grey", "past_retention": "1", "page": "2"}, {"q": "green", "location": "Safe", "category": "keys"},
    {"q": "red", "found_from": "2026-01-01", "found_until": "2026-02-15", "page": "2"},
    {"q": "white", "open_actions": "1"}, {"q": "hat", "category": "umbrella", "page": "5"},
    {"category": "clothing", "page": "46"}, {"state": "disposed", "locked": "1"}, {"page": "500"},
]


def test_exactly_the_right_items_in_the_right_order(manager_client, many, frozen):
    for query in EXACT:
        page = manager_client.get("/manager/lost-found", query_string=query, headers={"Accept-Language": "en"})
        assert page.status_code == 200, query
        html = page.get_data(as_text=True)
        with manager_client.application.test_request_context():
            references, total, number, pages = expected_page(many, query, frozen)
        links = re.findall(r'<a class="ref" href="/manager/lost-found/(\d+)[^"]*">(LF-\d{4}-\d{5})</a>', html)
        assert [ref for _, ref in links] == references, query
        assert all(many.items[int(item_id) - 1]["reference"] == ref for item_id, ref in links), query
        assert re.search(rf"Items: {total}\b", html), (query, total)
        assert (f"page {number} of {pages}" in html) == (pages > 1), (query, number, pages)
        assert total > 0, query  # each case has something to compare
    # The printable list and the CSV: every match, in the same order.
    query = {"q": "black umbr", "state": "in_storage"}
    with manager_client.application.test_request_context():
        every = expected_page(many, {**query, "page": 1}, frozen, per_page=N)[0]
    printed = manager_client.get("/manager/lost-found/print", query_string=query).get_data(as_text=True)
    assert re.findall(r"<tr><td>(LF-\d{4}-\d{5})</td>", printed) == every
    exported = manager_client.get("/manager/lost-found/export.csv", query_string=query).get_data(as_text=True)
    assert re.findall(r"^(LF-\d{4}-\d{5});", exported, re.MULTILINE) == every
    assert len(every) > 50


def test_common_and_rare_words_are_searched_each_their_own_way(app_ctx, many):
    """Both ways (EXISTS item by item, IN from the words) give the answers above; this checks both are
    used on SQLite. PostgreSQL plans both as one semi-join, so it is always given IN."""
    common = str(select_items(ItemFilter(category=Category.PHONE, search="black")))
    rare = str(select_items(ItemFilter(category=Category.PHONE, search=RARE)))
    no_category = str(select_items(ItemFilter(search="black")))
    if db.engine.dialect.name == "sqlite":
        assert "EXISTS (SELECT" in common and "IN (SELECT" not in common
    else:
        assert "EXISTS (SELECT" not in common and "IN (SELECT" in common
    assert "EXISTS (SELECT" not in rare and "IN (SELECT" in rare
    assert "EXISTS (SELECT" not in no_category and "IN (SELECT" in no_category
    assert len([w for w in many.words.values() if RARE in w]) < COMMON_WORD


def test_storage_places_are_every_place_in_use_a_to_z(app_ctx, many):
    in_use = sorted({i["storage_location"] for i in many.items})
    assert list(all_locations()) == in_use
    assert list(db.session.scalars(_places(3))) == in_use[:3]


FILTERS = [ItemFilter(state=ItemState.IN_STORAGE), ItemFilter(category=Category.PHONE),
           ItemFilter(storage_location="Safe"), ItemFilter(past_retention=True), ItemFilter(claims_locked=True),
           ItemFilter(open_actions=True), ItemFilter(search="red umbrella"), ItemFilter(search="LF-2026-12345"),
           ItemFilter(category=Category.PHONE, search="black"), ItemFilter(category=Category.PHONE, search=RARE)]


def _plan(stmt) -> list[str]:
    sql = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    return [row[3] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"))]


def test_an_index_behind_every_filter(app_ctx, many):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan check reads SQLite's EXPLAIN QUERY PLAN")
    for f in FILTERS:
        plan = _plan(select_items(f).limit(50))
        full_scans = [line for line in plan if re.fullmatch(r"SCAN \w+", line)]
        assert not full_scans, (f, plan)

    # The benchmark's kind of search: a common word, a category, a date. The items come newest first
    # from (category, found_at), each word checked from (item_id, word): nothing sorted, no table read.
    stmt = select_items(ItemFilter(category=Category.PHONE, found_from=date(2025, 12, 1), search="black"))
    ids = _plan(stmt.with_only_columns(FoundItem.id).limit(50))
    assert "TEMP B-TREE" not in " ".join(ids), ids
    assert any("COVERING INDEX ix_lf_items_category_found" in line for line in ids), ids
    assert any("COVERING INDEX ix_lf_item_words_item_word" in line for line in ids), ids
    count = _plan(stmt.with_only_columns(sa.func.count()).select_from(FoundItem).order_by(None))
    assert any("COVERING INDEX ix_lf_items_category_found" in line for line in count), count

    # A rare word leads from its own index entries.
    rare = _plan(select_items(ItemFilter(category=Category.PHONE, search=RARE)).with_only_columns(FoundItem.id))
    assert any("lf_item_words USING COVERING INDEX sqlite_autoindex_lf_item_words_1" in line for line in rare), rare

    # A page's rows: 50 ids by the index, then the rows by primary key, each last event by the subject index.
    shape, values = search_values(ItemFilter(category=Category.PHONE, found_from=date(2025, 12, 1), search="black"))
    rows = _plan(statements(shape).page.params(values, limit=50, offset=0, now=clock.utcnow()))
    assert any("USING INTEGER PRIMARY KEY" in line for line in rows), rows
    assert sum("ix_audit_subject" in line for line in rows) == 2, rows
