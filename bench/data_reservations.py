"""Tables, guests, five years of visits and today's board for the benchmark's data set."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from .generate import Counts, Scale, bulk

UTC = timezone.utc
FIRST = ("Anna", "Bram", "Chris", "Daan", "Emma", "Femke", "Gijs", "Hanna", "Isa", "Jesse", "Kim", "Lars", "Maud",
         "Nina", "Olaf", "Pien", "Quinten", "Roos", "Sem", "Tess", "Ugo", "Vera", "Wout", "Xander", "Yara", "Zoë",
         "Mohammed", "Fatima", "Sophie", "Lucas", "Julia", "Thomas", "Eva", "Finn", "Lotte", "Ruben")
LAST = ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
        "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "de Haan", "Vermeulen", "Yilmaz",
        "El Amrani", "Öztürk", "Nguyen", "Schouten", "van Beek", "Willems")
AREAS = ("Raam", "Zaal", "Serre", "Terras")
SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12)
SIZE_WEIGHTS = (4, 46, 10, 22, 5, 7, 1, 3, 1, 1)
WEEKDAY = (0.7, 0.75, 0.85, 0.95, 1.3, 1.45, 1.0)  # Monday .. Sunday
LUNCH = [time(12, 0), time(12, 15), time(12, 30), time(12, 45), time(13, 0), time(13, 15), time(13, 30), time(14, 0)]
DINNER = [time(h, m) for h in range(17, 22) for m in (0, 15, 30, 45)][:19]
NOTES = ("", "", "", "", "", "", "Bij het raam graag", "Kinderwagen", "Rolstoel", "Verjaardag, taart om 21:00",
         "Zakelijk diner", "Laat: file")
ALLERGIES = ("", "", "", "", "", "", "", "", "", "noten", "gluten", "lactose", "schaaldieren", "pinda")


def durations(size: int) -> int:
    return 90 if size <= 2 else 120 if size <= 6 else 150


def make_floor(rng: random.Random, scale: Scale, counts: Counts) -> list[dict]:
    from hostdesk.floor.models import Area, Table

    areas = [{"id": i, "name": name, "position": i} for i, name in enumerate(AREAS, start=1)]
    bulk(Area, areas, counts)
    tables = []
    for i in range(1, scale.tables + 1):
        seats = (2, 2, 2, 4, 4, 4, 6, 8)[i % 8]
        tables.append({"id": i, "name": str(i), "area_id": (i - 1) * len(AREAS) // scale.tables + 1,
                       "min_seats": 1 if seats == 2 else seats // 2, "max_seats": seats,
                       "combinable": seats <= 4 and i % 3 != 0, "position": i, "active": True, "cleared_at": None})
    bulk(Table, tables, counts)
    return tables


def make_guests(rng: random.Random, scale: Scale, now: datetime, counts: Counts) -> None:
    from hostdesk.reservations.models import Guest

    start = now - timedelta(days=365 * scale.years)

    def rows():
        for i in range(1, scale.guests + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            yield {"id": i, "name": f"{first} {last}", "phone": f"+316{rng.randrange(10**8):08d}",
                   "email": f"{first.lower()}.{i}@example.nl" if rng.random() < 0.4 else None,
                   "visits": 0, "last_visit_at": None, "last_visit_note": "",
                   "created_at": start + timedelta(minutes=rng.randrange(365 * scale.years * 1440))}

    bulk(Guest, rows(), counts)


def _pick_guest(rng: random.Random, scale: Scale) -> int | None:
    """Three in four reservations belong to a known guest; a few guests come very often."""
    if rng.random() < 0.25:
        return None
    return int(scale.guests * rng.random() ** 2.5) + 1


def _tables_for(rng: random.Random, tables: list[dict], size: int) -> list[int]:
    fitting = [t["id"] for t in tables if t["min_seats"] <= size <= t["max_seats"]]
    if fitting:
        return [rng.choice(fitting)]
    big = sorted(tables, key=lambda t: -t["max_seats"])
    return [big[0]["id"], big[1]["id"]]


def _blank(res_id: int, day: date, start: datetime, size: int, guest: int | None, name: str) -> dict:
    """Every column, so each batch is one executemany."""
    return {"id": res_id, "guest_id": guest, "name": name, "party_size": size, "start_at": start, "service_day": day,
            "duration_minutes": durations(size), "source": "phone", "state": "booked", "notes": "", "allergy": "",
            "vip": False, "occasion": None, "high_chairs": 0, "wheelchair": False, "regular": False,
            "preferred_area_id": None, "quoted_wait_minutes": None, "created_at": start - timedelta(days=3),
            "created_by_id": None, "arrived_at": None, "arrived_by_id": None, "greeted_at": None,
            "greeted_by_id": None, "seated_at": None, "seated_by_id": None, "left_at": None, "left_by_id": None,
            "called_at": None, "closed_at": None, "previous_state": None, "changed_at": None, "changed_by_id": None}


def _walk_through(rng: random.Random, row: dict, hosts: list[int], arrived: datetime, until: str) -> None:
    """Fill the transition times up to `until` (arrived, greeted, seated, left)."""
    host = rng.choice(hosts)
    row.update(arrived_at=arrived, arrived_by_id=host, state="arrived", previous_state="booked", changed_at=arrived,
               changed_by_id=host)
    if until == "arrived":
        return
    greeted = arrived + timedelta(seconds=rng.randint(8, 240))
    row.update(greeted_at=greeted, greeted_by_id=host, state="greeted", previous_state="arrived", changed_at=greeted)
    if until == "greeted":
        return
    seated = greeted + timedelta(seconds=rng.randint(0, 600))
    row.update(seated_at=seated, seated_by_id=rng.choice(hosts), state="seated", previous_state="greeted",
               changed_at=seated)
    if until == "seated":
        return
    left = seated + timedelta(minutes=row["duration_minutes"] + rng.randint(-30, 30))
    row.update(left_at=left, left_by_id=rng.choice(hosts), state="left", previous_state="seated", changed_at=left)


def _extras(rng: random.Random, row: dict, guest_names: dict | None = None) -> None:
    row["source"] = rng.choices(("phone", "online", "walk_in"), (45, 45, 10))[0]
    row["notes"] = rng.choice(NOTES)
    row["allergy"] = rng.choice(ALLERGIES)
    row["vip"] = rng.random() < 0.02
    row["occasion"] = rng.choices((None, "birthday", "anniversary", "business", "other"), (88, 5, 3, 3, 1))[0]
    row["high_chairs"] = 1 if row["party_size"] >= 3 and rng.random() < 0.1 else 0
    row["wheelchair"] = rng.random() < 0.01
    row["created_at"] = row["start_at"] - timedelta(minutes=rng.randint(30, 30 * 1440))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def make_history(rng: random.Random, scale: Scale, now: datetime, tables: list[dict], users: dict, counts: Counts,
                 log=print) -> int:
    """About `scale.past` finished visits, one service day at a time, with their tables."""
    from hostdesk import clock
    from hostdesk.reservations.models import Assignment, Reservation
    from hostdesk.settings import get_settings

    s = get_settings()
    today = clock.service_day(now, s.zone, s.boundary)
    days = [today - timedelta(days=n) for n in range(365 * scale.years, 0, -1)]
    per_day = scale.past / sum(WEEKDAY[d.weekday()] for d in days)
    hosts = users["host"] + users["manager"]
    state = {"id": 0}
    assignments: list[dict] = []

    def rows():
        for day in days:
            offset = datetime.combine(day, time(12), tzinfo=s.zone).utcoffset()
            n = max(1, round(per_day * WEEKDAY[day.weekday()] * rng.uniform(0.85, 1.15)))
            for _ in range(n):
                slot = rng.choice(LUNCH) if rng.random() < 0.3 else rng.choice(DINNER)
                start = datetime.combine(day, slot, tzinfo=UTC) - offset
                size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
                state["id"] += 1
                row = _blank(state["id"], day, start, size, _pick_guest(rng, scale), _name(rng))
                _extras(rng, row)
                fate = rng.random()
                if fate < 0.87:
                    _walk_through(rng, row, hosts, start + timedelta(minutes=rng.randint(-10, 20)), "left")
                    for table_id in _tables_for(rng, tables, size):
                        assignments.append({"reservation_id": row["id"], "table_id": table_id, "occupied": False})
                elif fate < 0.91:
                    row.update(state="no_show", previous_state="booked", closed_at=start + timedelta(minutes=20),
                               changed_at=start + timedelta(minutes=20), changed_by_id=rng.choice(hosts))
                else:
                    closed = row["created_at"] + (start - row["created_at"]) * rng.random()
                    row.update(state="cancelled", previous_state="booked", closed_at=closed, changed_at=closed)
                yield row

    n = 0
    for chunk in _chunks(rows()):
        db_rows = chunk
        bulk(Reservation, db_rows, counts)
        bulk(Assignment, assignments, counts)
        assignments.clear()
        n += len(db_rows)
        if n % 100_000 < len(db_rows):
            log(f"  history: {n:,} reservations")
    return n


def _chunks(rows, size: int = 20_000):
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def next_id(model) -> int:
    from hostdesk.extensions import db

    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1
