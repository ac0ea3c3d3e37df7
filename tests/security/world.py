"""A restaurant with something in every state, so every page shows its forms; and a crawler that
finds those pages and forms from the links, as a user would."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.reservations.models import State
from tests.reliability.data import add_parties, add_tables


def populate(app, users, text: str | None = None) -> dict:
    """Tables, parties in each state, a shift note, found items (one with a verified claim), a lost report.
    With `text`, every free-text value is that text (for the escaping tests)."""
    from hostdesk.lostfound.models import Category, Channel, QuestionKind
    from hostdesk.lostfound.operations import NewItem, NewQuestion, register_found_item, verify_claim
    from hostdesk.lostfound.reports import report_lost
    from hostdesk.reservations import bookings, walkins
    from tests.lostfound.conftest import card_questions, right_answers

    tables = add_tables(app, 4)
    label = text or "Party"
    parties = {state: add_parties(app, 1, state=state, prefix=f"{label} {state.value}")[0]
               for state in (State.BOOKED, State.ARRIVED)}
    with app.test_request_context():
        host = db.session.get(User, users[Role.HOST])
        staff = db.session.get(User, users[Role.STAFF])
        walkins.add_to_waitlist(host, 2, 15, name=text or "Waiting guest", phone="")
        bookings.post_note(host, text or "VIP at eight")
        found = clock.utcnow() - timedelta(hours=2)
        umbrella = register_found_item(staff, NewItem(
            category=Category.UMBRELLA,
            description=text or "umbrella", storage_location=(text or "coat rack")[:80],
            where_found=(text or "table 4")[:120], found_at=found,
            questions=[NewQuestion(text or "Colour", QuestionKind.CHOICE, "zwart"),
                       NewQuestion("Brand", QuestionKind.TEXT, "Knirps")]))
        card = register_found_item(staff, NewItem(category=Category.BANK_CARD, description="bank card",
                                                  storage_location="safe", found_at=found,
                                                  questions=card_questions()))
        verify_claim(staff, card, claimant_name=text or "Remco de Waard", channel=Channel.PHONE,
                     answers=right_answers(card))
        report_lost(staff, category=Category.CLOTHING,
                    what=text or "blue scarf", lost_on=date.today() - timedelta(days=1),
                    where=(text or "terrace")[:120], name=text or "Anna Jansen", phone="0612345678")
        db.session.commit()
        return {"tables": tables, "parties": parties, "items": [umbrella.id, card.id]}


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str, list[str]]] = field(default_factory=list)  # name, kind, options

    @property
    def key(self) -> tuple:
        return re.sub(r"\d+", "N", self.action), tuple(sorted(n for n, _, _ in self.fields))


class _Parser(HTMLParser):
    def __init__(self, page: str = ""):
        super().__init__()
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("hx-get"):
            self.links.append("htmx:" + a["hx-get"])
        if tag == "form":
            self._form = Form(a.get("action") or a.get("hx-post") or self.page, (a.get("method") or "get").lower(),
                              a.get("enctype") or "")
            self.forms.append(self._form)
        elif self._form is not None and a.get("name"):
            if tag == "input":
                kind = (a.get("type") or "text").lower()
                existing = [f for f in self._form.fields if f[0] == a["name"]]
                if kind in ("radio", "checkbox") and existing:
                    existing[0][2].append(a.get("value") or "y")
                else:
                    self._form.fields.append((a["name"], kind, [a.get("value") or "y"] if kind in (
                        "radio", "checkbox", "hidden") else []))
            elif tag == "textarea":
                self._form.fields.append((a["name"], "textarea", []))
            elif tag == "select":
                self._select = (a["name"], [])
                self._form.fields.append((a["name"], "select", self._select[1]))
        if tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


SKIP = re.compile(r"^/(static|logout)|\.(csv|png|jpg)$|/photo$")


def crawl(client, starts: list[str], limit: int = 120) -> tuple[dict[str, str], list[Form]]:
    """Follow links from `starts` (GET, same site) up to `limit` pages; every page and each distinct form."""
    pages: dict[str, str] = {}
    forms: dict[tuple, Form] = {}
    queue = list(starts)
    seen_paths: set[str] = set()
    while queue and len(pages) < limit:
        url = queue.pop(0)
        htmx = url.startswith("htmx:")
        path = url.removeprefix("htmx:").split("#")[0]
        bare = re.sub(r"\d+", "N", path.split("?")[0])
        if not path.startswith("/") or path in pages or SKIP.search(path.split("?")[0]):
            continue
        if "?" in path and bare in seen_paths:
            continue  # one filtered or paged variant of a page is enough
        seen_paths.add(bare)
        headers = {"Accept-Language": "nl", **({"HX-Request": "true"} if htmx else {})}
        response = client.get(path, headers=headers)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        pages[path] = html
        parser = _Parser(path)
        parser.feed(html)
        queue += parser.links
        for form in parser.forms:
            if form.action:
                forms.setdefault((form.method, *form.key), form)
    return pages, list(forms.values())


def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
            if t.name not in ("auth_sessions",)}
