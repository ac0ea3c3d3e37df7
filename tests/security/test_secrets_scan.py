"""After nasty and careless input, no expected verification answer and no card number (a Luhn-valid
run of 13-19 digits) is anywhere: not in the database, not in the logs, not in any response."""
from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.security import holds_card_number

from .world import crawl, populate

SECRETS = {"bank": "Zetabank", "sticker": "Parrotsticker", "name": "Quirijn Vosberg", "digits": "9377"}
CARDS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "6011.1111.1111.1117"]
STARTS = ["/host/", "/lost-found/", "/manager/", "htmx:/host/walk-in?party_size=2", "/host/bookings/new"]
TAG = re.compile(r"<[^>]+>")
# Random hex (salts, hashes of answers, passwords and tokens) may hold a Luhn-valid digit run by chance.
RANDOM = {"salt", "answer_hash", "initial_hash", "password_hash", "pin_hash", "token_hash"}
DIGITS = re.compile(r"\d(?:[ .\-/]?\d){12,}")


def _secret_item(app, staff_id: int) -> tuple[int, list[int]]:
    from hostdesk.lostfound.models import Category, QuestionKind
    from hostdesk.lostfound.operations import NewItem, NewQuestion, register_found_item

    with app.test_request_context():
        item = register_found_item(db.session.get(User, staff_id), NewItem(
            category=Category.BANK_CARD, description="green bank card", storage_location="safe",
            found_at=clock.utcnow() - timedelta(minutes=5), questions=[
                NewQuestion("Which bank?", QuestionKind.TEXT, SECRETS["bank"]),
                NewQuestion("Sticker on the back?", QuestionKind.TEXT, SECRETS["sticker"]),
                NewQuestion("Name on the card", QuestionKind.NAME, SECRETS["name"]),
                NewQuestion("Last 4 digits", QuestionKind.DIGITS, SECRETS["digits"])]))
        db.session.commit()
        return item.id, [q.id for q in item.questions]


def _database_text(app) -> list[tuple[str, str]]:
    cells = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                for column, value in row._mapping.items():
                    if value is not None and column not in RANDOM:
                        text = json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value)
                        cells.append((f"{table.name}.{column}", text))
    return cells


def _leaks(where: str, text: str) -> list[str]:
    found = [f"{where}: answer {name}" for name, secret in SECRETS.items()
             if name != "digits" and secret.lower() in text.lower()]
    plain = TAG.sub(" ", text)
    for match in DIGITS.finditer(plain):
        if holds_card_number(match.group()):
            found.append(f"{where}: card number …{plain[max(0, match.start() - 60):match.end() + 20]!r}")
    return found


def test_no_answer_and_no_card_number_anywhere(app, users, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    populate(app, users)
    item_id, questions = _secret_item(app, users[Role.STAFF])
    staff, manager = client_for(Role.STAFF), client_for(Role.MANAGER)
    responses: list[tuple[str, str]] = []
    right = {f"answer_{q}": answer for q, answer in zip(questions, SECRETS.values(), strict=True)}
    for data in ({"claimant_name": "", "channel": "phone", **right},  # refused: the form comes back
                 {"claimant_name": "Some One", "channel": "phone", **{k: "wrong" for k in right}},
                 {"claimant_name": "Some One", "channel": "phone", **right}):
        for htmx in (False, True):
            answer = staff.post(f"/lost-found/item/{item_id}/verify", data=data,
                                headers={"HX-Request": "true"} if htmx else {})
            responses.append((f"verify {data['claimant_name']!r} htmx={htmx}", answer.get_data(as_text=True)))
    # Careless input: a card number in every text field of every form.
    forms = [f for f in crawl(manager, STARTS)[1] if f.method == "post"]
    for form in forms:
        texts = [n for n, kind, _ in form.fields if kind in ("text", "textarea", "search", "tel")]
        if not texts or form.enctype == "multipart/form-data":
            continue
        for card in CARDS[:2]:
            data = {n: (o[0] if o else "") for n, kind, o in form.fields if kind in ("select", "radio", "hidden")}
            data.update({n: f"paid with {card}" for n in texts})
            answer = manager.post(form.action, data=data)
            responses.append((f"POST {form.action}", answer.get_data(as_text=True)))
    pages, _ = crawl(manager, STARTS + [f"/lost-found/item/{item_id}", f"/manager/lost-found/{item_id}"], limit=150)
    leaks = []
    for where, text in responses + list(pages.items()):
        leaks += _leaks(where, text)
    for where, text in _database_text(app):
        leaks += _leaks(where, text)
    for record in caplog.records:
        leaks += _leaks(f"log {record.name}", record.getMessage() + (record.exc_text or ""))
    assert not leaks, "\n".join(sorted(set(leaks)))
    print(f"secrets scan: {len(responses)} responses, {len(pages)} pages, {len(_database_text(app))} cells, "
          f"{len(caplog.records)} log records: clean")
