"""The log on 25,000 items: quick answers, a constant number of statements, an index behind every filter."""
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.lostfound.models import ActionKind, ActionPoint, Category, FoundItem, ItemState, ItemWord
from hostdesk.lostfound.queries import ItemFilter, select_items
from hostdesk.manager.log import last_events

N = 25_000
START = datetime(2025, 11, 20, 12, 0, tzinfo=timezone.utc)
COLOURS = ["black", "blue", "red", "green", "grey", "brown", "white", "yellow"]
THINGS = ["umbrella", "scarf", "phone", "wallet", "glove", "hat", "charger", "book", "card", "keys"]
LOCATIONS = ["Cloakroom", "Office drawer 1", "Office drawer 2", "Safe", "Bar shelf"]
STATES = [ItemState.IN_STORAGE, ItemState.IN_STORAGE, ItemState.RETURNED, ItemState.DISPOSED, ItemState.POSTED]
CATEGORIES = list(Category)


def _bulk(app):
    items, words, audits, points = [], [], [], []
    for i in range(1, N + 1):
        found = START + timedelta(minutes=21 * i)
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


@pytest.fixture
def many(app, frozen):
    started = time.perf_counter()
    _bulk(app)
    return time.perf_counter() - started


class Statements:
    def __init__(self, engine):
        self.count = 0
        self.engine = engine

    def __call__(self, *args):
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
]


def test_log_on_25000_items(app, manager_client, many, capsys):
    timings, counts = {}, {}
    manager_client.get("/manager/lost-found")  # warm up templates and the session
    with app.app_context():
        engine = db.engine
    for query in QUERIES:
        with Statements(engine) as statements:
            started = time.perf_counter()
            response = manager_client.get("/manager/lost-found", query_string=query)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, query
        key = "&".join(f"{k}={v}" for k, v in query.items()) or "(all)"
        timings[key], counts[key] = elapsed, statements.count
    page = manager_client.get("/manager/lost-found").get_data(as_text=True)
    assert "Items: 25000" in page or "Voorwerpen: 25000" in page
    assert len(re.findall(r'class="ref"', page)) == 50
    with capsys.disabled():
        print(f"\n  bulk insert of {N} items (+ words, audit, action points): {many:.2f} s")
        for key, elapsed in timings.items():
            print(f"  /manager/lost-found?{key:<55} {elapsed * 1000:7.1f} ms  {counts[key]} statements")
    # The same number of statements whatever the page or filter (an empty page skips the last-events query).
    non_empty = {k: n for k, n in counts.items() if k != "q=blue&state=returned&location=Cloakroom&page=3"}
    assert len(set(non_empty.values())) == 1 and max(counts.values()) <= 7, counts
    assert max(timings.values()) < 1.5, timings


def test_csv_of_25000_items(app, manager_client, many, capsys):
    started = time.perf_counter()
    response = manager_client.get("/manager/lost-found/export.csv")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response.get_data().count(b"\r\n") == N + 1
    with capsys.disabled():
        print(f"\n  CSV export of {N} items: {elapsed:.2f} s")
    assert elapsed < 10


FILTERS = [ItemFilter(state=ItemState.IN_STORAGE), ItemFilter(category=Category.PHONE),
           ItemFilter(storage_location="Safe"), ItemFilter(past_retention=True), ItemFilter(claims_locked=True),
           ItemFilter(open_actions=True), ItemFilter(search="red umbrella"), ItemFilter(search="LF-2026-12345")]


def test_an_index_behind_every_filter(app_ctx, many):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan check reads SQLite's EXPLAIN QUERY PLAN")
    for f in FILTERS:
        stmt = select_items(f).limit(50)
        sql = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = [row[3] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"))]
        full_scans = [line for line in plan if re.fullmatch(r"SCAN \w+", line)]
        assert not full_scans, (f, plan)
    ids = list(range(1, 51))
    newest = sa.select(sa.func.max(AuditEntry.id)).where(AuditEntry.subject_type == "lf_item",
                                                         AuditEntry.subject_id.in_(ids)).group_by(AuditEntry.subject_id)
    sql = newest.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = [row[3] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"))]
    assert any("ix_audit_subject" in line for line in plan), plan
    assert len(last_events(ids)) == 50
