"""Demo service: about 60 reservations over today and tomorrow around the current time: parties
arriving in the next minutes, some late, some arrived, greeted or seated, with allergies,
anniversaries and high chairs; Dutch guest names. Adds nothing when today already has bookings."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import clock
from ..auth.models import User
from ..extensions import db
from ..floor.models import Table
from ..settings import get_settings
from . import live
from .models import Assignment, Guest, Occasion, Reservation, ShiftNote, Source, State

NAMES = ["De Waard", "Jansen", "De Vries", "Van den Berg", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder",
         "De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer", "De Wit", "Dijkstra",
         "De Graaf", "Van der Meer", "Van der Linden", "Kok", "Jacobs", "De Haan", "Vermeulen", "Van den Heuvel",
         "Van der Veen", "Van den Broek", "De Bruijn", "De Jong", "Schouten", "Van Beek", "Willems", "Van Dijk",
         "Hoekstra", "Maas", "Verhoeven", "Koster", "Prins", "Blom", "Huisman", "Kuipers", "Van Wijk", "Postma",
         "Kramer", "Van Dam", "Wouters", "Timmermans", "Molenaar", "Evers", "Veenstra", "Boersma", "Hermans",
         "Goossens", "Van Doorn", "Groen", "Scholten", "Claassen"]

EXTRAS = [
    {"allergy": "noten"}, {"occasion": Occasion.ANNIVERSARY, "notes": "25 jaar getrouwd, graag een rustige tafel"},
    {"high_chairs": 1}, {}, {"occasion": Occasion.BIRTHDAY, "notes": "Taart meegebracht, om 21:00 serveren"},
    {"allergy": "gluten (coeliakie)"}, {"vip": True, "notes": "Wethouder, vraagt naar de chef"}, {},
    {"wheelchair": True, "preferred": "Zaal"}, {"high_chairs": 2, "notes": "Twee kleine kinderen"},
    {"allergy": "schaaldieren"}, {}, {"regular": True, "preferred": "Raam"}, {"allergy": "lactose"}, {},
    {"occasion": Occasion.BUSINESS},
]

# Today, relative to now: (minutes from now, party size, state, seconds since the state began)
TODAY = [
    (-3, 2, State.ARRIVED, 12), (-1, 4, State.ARRIVED, 45), (0, 6, State.ARRIVED, 80), (-5, 3, State.GREETED, 60),
    (-8, 2, State.GREETED, 90), (-60, 2, State.SEATED, 3300), (-50, 4, State.SEATED, 2800),
    (-45, 5, State.SEATED, 2500), (-40, 2, State.SEATED, 2300), (-30, 7, State.SEATED, 1600),
    (-25, 4, State.SEATED, 1400), (-20, 2, State.SEATED, 1000), (-15, 3, State.SEATED, 700),
    (-120, 2, State.LEFT, 300), (-110, 4, State.LEFT, 900), (-100, 2, State.LEFT, 2000),
    (-10, 2, State.BOOKED, 0), (5, 4, State.BOOKED, 0), (10, 2, State.BOOKED, 0), (15, 6, State.BOOKED, 0),
    (20, 3, State.BOOKED, 0), (30, 2, State.BOOKED, 0), (-20, 4, State.BOOKED, 0), (-35, 2, State.BOOKED, 0),
    (-90, 2, State.NO_SHOW, 0), (60, 2, State.CANCELLED, 0), (45, 2, State.BOOKED, 0), (60, 8, State.BOOKED, 0),
    (75, 4, State.BOOKED, 0), (90, 2, State.BOOKED, 0), (105, 5, State.BOOKED, 0), (120, 2, State.BOOKED, 0),
    (150, 4, State.BOOKED, 0), (180, 2, State.BOOKED, 0),
]
TOMORROW = [(12, 0, 2), (12, 30, 4), (13, 0, 2), (13, 15, 6), (17, 30, 2), (18, 0, 4), (18, 0, 2), (18, 30, 8),
            (18, 30, 3), (19, 0, 2), (19, 0, 4), (19, 15, 2), (19, 30, 5), (19, 30, 2), (20, 0, 4), (20, 0, 2),
            (20, 30, 6), (20, 30, 2), (21, 0, 2), (21, 0, 4)]


class _Planner:
    """Gives each reservation a fitting table that is not booked at an overlapping time."""

    def __init__(self, tables: list[Table]):
        self.tables = sorted(tables, key=lambda t: (t.max_seats, t.position))
        self.busy: dict[int, list[tuple[datetime, datetime]]] = {t.id: [] for t in tables}

    def pick(self, size: int, start: datetime, end: datetime) -> Table | None:
        for table in self.tables:
            if table.fits(size) and all(end <= s or start >= e for s, e in self.busy[table.id]):
                self.busy[table.id].append((start, end))
                return table
        return None


def seed() -> dict[str, int]:
    s = get_settings()
    now = clock.utcnow().replace(second=0, microsecond=0)
    today = clock.service_day(now, s.zone, s.boundary)
    if db.session.scalar(sa.select(Reservation.id).where(Reservation.service_day == today).limit(1)):
        return {"reservations": 0}
    tables = list(db.session.scalars(sa.select(Table).where(Table.active.is_(True))))
    host = db.session.scalars(sa.select(User).where(User.username == "host")).first()
    planner = _Planner(tables)
    names = iter(NAMES)
    added = 0

    def add(name: str, size: int, start: datetime, state: State, ago: int, index: int, source=Source.PHONE) -> None:
        nonlocal added
        extra = dict(EXTRAS[index % len(EXTRAS)])
        preferred = extra.pop("preferred", None)
        guest = Guest(name=name, phone=f"+3161234{5000 + index:04d}", visits=(index % 5) if index % 3 == 0 else 0,
                      last_visit_note="Zat graag bij het raam" if index % 6 == 0 else "")
        duration = s.duration_for(size)
        res = Reservation(name=name, party_size=size, start_at=start, duration_minutes=duration, state=state,
                          service_day=clock.service_day(start, s.zone, s.boundary), source=source, guest=guest,
                          created_at=start - timedelta(days=3), created_by_id=host.id if host else None, **extra)
        if preferred:
            res.preferred_area_id = next((t.area_id for t in tables if t.area.name == preferred), None)
        moment = now - timedelta(seconds=ago)
        by = host.id if host else None
        if state in (State.ARRIVED, State.GREETED, State.SEATED, State.LEFT):
            res.arrived_at, res.arrived_by_id = moment - timedelta(seconds=30), by
        if state in (State.GREETED, State.SEATED, State.LEFT):
            res.greeted_at, res.greeted_by_id = moment - timedelta(seconds=20), by
        if state in (State.SEATED, State.LEFT):
            res.seated_at, res.seated_by_id = moment, by
            guest.visits += 1
        if state is State.LEFT:
            res.left_at, res.left_by_id = now - timedelta(seconds=ago // 3), by
        if state in (State.NO_SHOW, State.CANCELLED):
            res.closed_at = now - timedelta(minutes=5)
        if state not in (State.CANCELLED, State.NO_SHOW):
            window_start = res.seated_at or start
            table = planner.pick(size, window_start, window_start + timedelta(minutes=duration))
            if table is not None and not (state is State.ARRIVED and index % 3 == 2):  # one without a table
                res.assignments.append(Assignment(table=table, occupied=state is State.SEATED))
        db.session.add(res)
        added += 1

    for index, (offset, size, state, ago) in enumerate(TODAY):
        add(next(names), size, now + timedelta(minutes=offset), state, ago, index)
    for index, (quoted, size) in enumerate([(20, 2), (35, 4)]):
        db.session.add(Reservation(name=next(names), party_size=size, start_at=now, state=State.WAITING,
                                   service_day=today, source=Source.WALK_IN, quoted_wait_minutes=quoted,
                                   duration_minutes=s.duration_for(size),
                                   created_at=now - timedelta(minutes=8 + index * 4)))
        added += 1
    tomorrow = today + timedelta(days=1)
    for index, (hour, minute, size) in enumerate(TOMORROW):
        start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, hour, minute, tzinfo=s.zone)
        add(next(names, f"Gast {index}"), size, start.astimezone(now.tzinfo), State.BOOKED, 0, index + 40)
    if host is not None:
        db.session.add(ShiftNote(service_day=today, created_by_id=host.id, created_at=now,
                                 text="Vanavond groot gezelschap Bakker (8) aan tafel 12. Kreeft is op."))
    db.session.flush()
    live.bump()
    return {"reservations": added}
