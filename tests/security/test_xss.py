"""An XSS corpus in every text field: escaped in every page and fragment, the labels, the outbox,
and the CSV export (where formulas are neutralised too)."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.settings import SettingValue

from .world import crawl, populate

PAYLOAD = "\"><img src=x onerror=alert(1)>' hx-get=\"/x\" A{{7*7}}B javascript:alert(1)"
RAW = ["<img src=x", 'hx-get="/x"', "A49B", 'href="javascript:', "src=\"javascript:"]
ESCAPED = "&lt;img src=x"
NOT_TEXT = {"password_hash", "pin_hash", "token_hash", "salt", "answer_hash", "initial_hash", "photo_name", "key",
            "language", "username", "reference", "pickup_code", "word"}
STARTS = ["/host/", "/host/floor/", "/lost-found/", "/lost-found/outbox", "/manager/", "/manager/lost-found",
          "/manager/lost-found/print", "htmx:/host/walk-in?party_size=2", "/host/walk-in?party_size=2",
          "/host/bookings"]
DOUBLE_ESCAPED = ["&lt;form", "&lt;div", "&lt;button", "&amp;lt;", "&amp;#34;"]  # our own markup shown as text


def inject(app, payload: str = PAYLOAD) -> int:
    """Write the payload into every free-text column of every row (where it fits); returns the cells."""
    cells = 0
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String) and not isinstance(c.type, sa.Enum)
                       and c.name not in NOT_TEXT and not c.primary_key and not c.foreign_keys
                       and (c.type.length or 10_000) >= len(payload) + 3]
            if not columns:
                continue
            key = next(iter(table.primary_key.columns))
            for n, row_key in enumerate(db.session.scalars(sa.select(key))):
                values = {c.name: f"{payload}{n}" if c.unique else payload for c in columns}
                db.session.execute(table.update().where(key == row_key).values(**values))
                cells += len(values)
        db.session.merge(SettingValue(key="restaurant_name", value=PAYLOAD))
        db.session.commit()
    return cells


def _check(url: str, body: str) -> None:
    for raw in RAW:
        assert raw not in body, f"{url}: unescaped {raw!r} near …{body[max(0, body.find(raw) - 200):][:400]}"
    for twice in DOUBLE_ESCAPED:
        assert twice not in body, f"{url}: escaped twice {twice!r} near …{body[max(0, body.find(twice) - 200):][:400]}"


def test_payload_in_every_text_field_is_escaped_in_pages_and_fragments(app, users, client_for):
    populate(app, users, text=PAYLOAD[:60])
    cells = inject(app)
    client = client_for(Role.MANAGER)
    pages, _ = crawl(client, STARTS, limit=150)
    shown = 0
    for url, body in pages.items():
        _check(url, body)
        shown += ESCAPED in body
        fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        _check(url + " (fragment)", fragment)
    for poll in ("/host/board/poll?v=0", "/host/floor/poll?v=0"):
        _check(poll, client.get(poll, headers={"HX-Request": "true"}).get_data(as_text=True))
    assert len(pages) >= 40 and shown >= 20, (len(pages), shown)  # the payload really was on the pages
    print(f"XSS: {cells} cells hold the payload; {len(pages)} pages and their fragments escaped it "
          f"({shown} pages show it)")


def test_csv_export_neutralises_formulas_and_keeps_text(app, users, client_for):
    from hostdesk.lostfound.models import FoundItem

    populate(app, users)
    formulas = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+31 6 1234", "-2+3", "@SUM(A1)", PAYLOAD]
    with app.app_context():
        items = list(db.session.scalars(sa.select(FoundItem).order_by(FoundItem.id)))
        items[0].description, items[0].storage_location = formulas[0], formulas[1]
        items[1].description, items[1].storage_location = formulas[2], formulas[3]
        db.session.commit()
    response = client_for(Role.MANAGER).get("/manager/lost-found/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    for formula in formulas[:4]:
        assert "'" + formula in cells, (formula, cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells


def test_every_page_sends_the_protective_headers(app, users, client_for):
    populate(app, users)
    pages, _ = crawl(client_for(Role.MANAGER), STARTS, limit=60)
    client = client_for(Role.MANAGER)
    for url in pages:
        headers = client.get(url).headers
        csp = headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, url
        assert "frame-ancestors 'none'" in csp and headers.get("X-Frame-Options") == "DENY", url
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("Referrer-Policy") == "same-origin", url
