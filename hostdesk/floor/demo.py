"""Demo floor: three areas (window, main room, terrace), 25 tables of 2 to 8 seats.
`seed()` adds only what is missing and returns counts."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Area, Table

# (area, position, [(table, min, max, combinable), ...])
FLOOR = [
    ("Raam", 1, [("1", 1, 2, True), ("2", 1, 2, True), ("3", 1, 2, True), ("4", 2, 4, False),
                 ("5", 2, 4, False), ("6", 1, 2, True), ("7", 1, 2, True)]),
    ("Zaal", 2, [("10", 2, 4, True), ("11", 2, 4, True), ("12", 4, 8, False), ("14", 2, 4, False),
                 ("15", 2, 4, False), ("16", 3, 6, False), ("17", 4, 6, False), ("18", 2, 2, False),
                 ("19", 2, 2, False), ("20", 6, 8, False)]),
    ("Terras", 3, [("30", 2, 2, True), ("31", 2, 2, True), ("32", 2, 4, True), ("33", 2, 4, True),
                   ("34", 4, 6, False), ("35", 2, 4, False), ("36", 4, 8, False), ("37", 2, 2, False)]),
]


def seed() -> dict[str, int]:
    areas_added = tables_added = 0
    for area_name, area_position, tables in FLOOR:
        area = db.session.scalars(sa.select(Area).where(Area.name == area_name)).first()
        if area is None:
            area = Area(name=area_name, position=area_position)
            db.session.add(area)
            areas_added += 1
        for position, (name, low, high, combinable) in enumerate(tables, start=area_position * 100):
            if db.session.scalar(sa.select(Table.id).where(Table.name == name)) is None:
                db.session.add(Table(name=name, area=area, min_seats=low, max_seats=high, combinable=combinable,
                                     position=position))
                tables_added += 1
    db.session.flush()
    return {"areas": areas_added, "tables": tables_added}
