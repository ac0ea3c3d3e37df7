"""Five years of lost-and-found for the benchmark: items in every state, their questions, claims,
attempts, action points, lost reports and audit entries."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from .data_reservations import FIRST, LAST
from .generate import Counts, Scale, bulk

COLOURS = ("zwart", "zwarte", "blauwe", "grijze", "rode", "bruine", "witte", "groene", "zilveren", "gouden", "roze")
OBJECTS = {
    "phone": ("iPhone 14", "iPhone 12 met hoesje", "Samsung Galaxy", "Fairphone", "Google Pixel"),
    "bag": ("rugzak Eastpak", "leren handtas", "tote bag", "sporttas", "laptoptas"),
    "clothing": ("wollen sjaal", "jas maat M", "vest", "muts", "handschoenen", "colbert"),
    "umbrella": ("paraplu", "opvouwbare paraplu", "golfparaplu"),
    "keys": ("sleutelbos met hanger", "autosleutel Volkswagen", "fietssleutel", "huissleutels met pasje"),
    "wallet": ("portemonnee", "pasjeshouder", "leren portefeuille"),
    "glasses": ("leesbril in etui", "zonnebril Ray-Ban", "bril met montuur"),
    "jewellery": ("armband", "oorbel", "ring", "horloge Seiko", "ketting met hanger"),
    "bank_card": ("bankpas ING", "bankpas Rabobank", "creditcard Visa", "bankpas ABN AMRO"),
    "id_document": ("rijbewijs", "paspoort", "identiteitskaart", "OV-chipkaart"),
    "other": ("knuffelbeer", "boek", "oplader USB-C", "powerbank", "speelgoedauto", "koptelefoon"),
}
CATEGORY_WEIGHTS = {"phone": 10, "bag": 8, "clothing": 22, "umbrella": 14, "keys": 8, "wallet": 6, "glasses": 10,
                    "jewellery": 5, "bank_card": 7, "id_document": 3, "other": 7}
PLACES = ("Tafel 4", "Garderobe", "Toilet heren", "Toilet dames", "Terras", "Bar", "Serre", "Entree")
STORAGE = ("Kantoor la 1", "Kantoor la 2", "Kluis", "Garderobekast", "Doos kelder 2024", "Doos kelder 2025")


def _state_for(rng: random.Random, age_days: float) -> str:
    if age_days > 120:
        return rng.choices(("returned", "disposed"), (35, 65))[0]
    if age_days > 90:
        return rng.choices(("in_storage", "returned", "disposed"), (60, 25, 15))[0]
    return rng.choices(("in_storage", "claim_verified", "awaiting_pickup", "posted", "returned"), (70, 6, 8, 6, 10))[0]


def make_items(rng: random.Random, scale: Scale, now: datetime, users: dict, counts: Counts, log=print) -> None:
    from hostdesk.audit import AuditEntry
    from hostdesk.lostfound.matching import hash_expected
    from hostdesk.lostfound.models import (
        ActionPoint,
        Claim,
        ClaimAttempt,
        FoundItem,
        ItemWord,
        LostReport,
        Question,
        ReferenceCounter,
    )
    from hostdesk.lostfound.operations import description_words
    from hostdesk.settings import get_settings

    s = get_settings()
    staff = users["staff"] + users["host"]
    names = {uid: f"user{uid}" for uid in staff + users["manager"]}
    span = timedelta(days=365 * scale.years).total_seconds()
    found = sorted(now - timedelta(seconds=rng.uniform(3600, span)) for _ in range(scale.items))
    cats, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    expected = {kind: hash_expected(kind, answer) for kind, answer in
                (("choice", "zwart"), ("text", "ing"), ("digits", "1234"))}  # one hash per kind keeps it quick
    items, questions, words, claims, attempts, actions, audit, counters = [], [], [], [], [], [], [], {}
    audit_id = 0

    def log_event(at, actor, action, item_id, **changes):
        nonlocal audit_id
        audit_id += 1
        audit.append({"at": at, "actor_id": actor, "actor_name": names.get(actor, ""), "action": action,
                      "subject_type": "lf_item", "subject_id": item_id, "changes": changes})

    for item_id, found_at in enumerate(found, start=1):
        category = rng.choices(cats, weights)[0]
        description = f"{rng.choice(COLOURS)} {rng.choice(OBJECTS[category])}"
        year = found_at.astimezone(s.zone).year
        counters[year] = counters.get(year, 0) + 1
        registered = found_at + timedelta(minutes=rng.randint(5, 180))
        age = (now - found_at).total_seconds() / 86400
        state = _state_for(rng, age)
        finder = rng.choice(staff)
        row = {"id": item_id, "reference": f"LF-{year}-{counters[year]:04d}", "category": category,
               "description": description, "where_found": rng.choice(PLACES), "found_at": found_at,
               "found_by_id": finder, "storage_location": rng.choice(STORAGE), "photo_name": None, "state": state,
               "registered_at": registered, "dispose_after": registered + timedelta(days=s.retention_for(category)),
               "failed_attempts": 0, "locked_at": None, "disposal_method": None, "disposed_on": None,
               "disposal_witness": None, "closed_at": None}
        items.append(row)
        log_event(registered, finder, "lostfound.register", item_id, reference=row["reference"], category=category)
        kinds = ("digits", "choice", "text") if category == "bank_card" else ("choice", "text")[:rng.randint(1, 2)]
        for position, kind in enumerate(kinds):
            e = expected[kind]
            questions.append({"item_id": item_id, "position": position, "prompt": f"Vraag {position + 1}",
                              "kind": kind, "required": True, "salt": e.salt, "answer_hash": e.answer_hash,
                              "initial_hash": e.initial_hash})
        words.extend({"word": w, "item_id": item_id} for w in description_words(description))
        moment = registered + timedelta(hours=rng.randint(2, 24 * 20))
        if state == "in_storage" and rng.random() < 0.08:
            n = rng.randint(1, 3)
            row["failed_attempts"] = n
            for _ in range(n):
                taker = rng.choice(staff)
                attempts.append(_attempt(len(attempts) + 1, item_id, moment, "failed", taker, len(kinds)))
                log_event(moment, attempts[-1]["taken_by_id"], "lostfound.claim_failed", item_id)
            if n >= s.claim_lock_after_failures:
                row["locked_at"] = moment
                log_event(moment, None, "lostfound.claims_locked", item_id, failed_attempts=n)
        if state in ("claim_verified", "awaiting_pickup", "posted", "returned"):
            actor = rng.choice(staff)
            attempts.append(_attempt(len(attempts) + 1, item_id, moment, "verified", actor, len(kinds)))
            log_event(moment, actor, "lostfound.claim_verified", item_id, channel="phone")
            claims.append(_claim(rng, item_id, len(attempts), moment, state, actor, now))
            step = moment + timedelta(hours=rng.randint(1, 48))
            if state in ("awaiting_pickup", "returned") and claims[-1]["method"] == "pickup":
                log_event(step, actor, "lostfound.hold_for_pickup", item_id, language="nl")
            elif state in ("posted", "returned"):
                log_event(step, actor, "lostfound.agree_post", item_id, language="nl")
                log_event(step + timedelta(days=1), actor, "lostfound.post", item_id, carrier="PostNL")
                due = step + timedelta(days=1 + s.arrival_check_days)
                actions.append(_action(item_id, "arrival_check", due, actor, state == "returned" or due < now))
            if state == "returned":
                row["closed_at"] = claims[-1]["handed_over_at"] or step + timedelta(days=3)
                log_event(row["closed_at"], actor, "lostfound.hand_over" if claims[-1]["method"] == "pickup"
                          else "lostfound.arrival_confirmed", item_id)
        if state == "disposed":
            on = row["dispose_after"] + timedelta(days=rng.randint(1, 30))
            row.update(disposal_method=rng.choice(("destroyed", "donated", "to_bank", "to_police")),
                       disposed_on=on.date(), disposal_witness=rng.choice(FIRST), closed_at=on)
            log_event(on, rng.choice(users["manager"]), "lostfound.dispose", item_id, method=row["disposal_method"])
        if state == "in_storage" and rng.random() < 0.1:
            actions.append(_action(item_id, "callback", now + timedelta(hours=rng.randint(-48, 72)), finder,
                                   rng.random() < 0.4))
    bulk(FoundItem, items, counts)
    bulk(ReferenceCounter, [{"year": y, "last": n} for y, n in sorted(counters.items())], counts)
    bulk(Question, questions, counts)
    bulk(ItemWord, words, counts)
    bulk(ClaimAttempt, attempts, counts)
    bulk(Claim, claims, counts)
    bulk(ActionPoint, actions, counts)
    bulk(AuditEntry, sorted(audit, key=lambda e: e["at"]), counts)
    bulk(LostReport, _reports(rng, scale, now, items), counts)
    log(f"  lost-and-found: {len(items):,} items, {len(claims):,} claims, {len(audit):,} audit entries")


def _attempt(attempt_id: int, item_id: int, at: datetime, outcome: str, actor: int, n: int) -> dict:
    ok = outcome == "verified"
    return {"id": attempt_id, "item_id": item_id, "at": at, "channel": "phone", "claimant_name": None,
            "taken_by_id": actor,
            "outcome": outcome, "matched": {}, "matched_count": n if ok else max(0, n - 1), "question_count": n}


def _claim(rng: random.Random, item_id: int, attempt_id: int, at: datetime, state: str, actor: int,
           now: datetime) -> dict:
    method = None if state == "claim_verified" else "post" if state == "posted" else rng.choice(("pickup", "post"))
    handed = at + timedelta(days=rng.randint(1, 10)) if state == "returned" and method == "pickup" else None
    erased = handed is not None and handed < now - timedelta(days=90)
    return {"item_id": item_id, "attempt_id": attempt_id, "created_at": at, "channel": "phone",
            "claimant_name": None if erased else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "phone": None if erased else f"+316{rng.randrange(10**8):08d}", "email": None, "postal_address": None,
            "reply_note": None, "language": "nl", "method": method,
            "pickup_code": f"{rng.randrange(10**6):06d}" if method == "pickup" else None,
            "posted_on": at.date() if method == "post" else None, "carrier": "PostNL" if method == "post" else None,
            "tracking": None, "postage_cents": 495 if method == "post" else None, "id_checked": handed is not None,
            "handed_over_by_id": actor if handed else None, "handed_over_at": handed, "aftercare_sent_at": None,
            "reply_at": None, "erased_at": handed + timedelta(days=90) if erased else None}


def _action(item_id: int, kind: str, due: datetime, owner: int, done: bool) -> dict:
    return {"item_id": item_id, "report_id": None, "kind": kind, "note": "", "due_at": due, "owner_id": owner,
            "created_by_id": owner, "created_at": due - timedelta(days=1), "done_at": due if done else None,
            "done_by_id": owner if done else None, "done_note": None}


def _reports(rng: random.Random, scale: Scale, now: datetime, items: list[dict]):
    for i in range(1, scale.items // 10 + 1):
        item = rng.choice(items)
        matched = rng.random() < 0.5
        created = item["found_at"] + timedelta(hours=rng.randint(-24, 48))
        yield {"id": i, "category": item["category"], "what": item["description"], "lost_on": created.date(),
               "where": "", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "phone": None, "email": None,
               "language": "nl", "state": "matched" if matched else rng.choice(("open", "closed")),
               "item_id": item["id"] if matched else None, "created_by_id": None, "created_at": min(created, now),
               "closed_at": None, "erased_at": None}
