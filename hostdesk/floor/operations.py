"""Changes to the floor: managers add and edit areas and tables; hosts mark a table cleared."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import clock
from ..audit import record
from ..errors import AlreadyDone, InvalidTransition, ValidationFailed
from ..extensions import db
from .models import Area, Table


def _bump() -> None:
    from ..reservations import live

    live.bump()


def save_area(actor, name: str, position: int = 0, area: Area | None = None) -> Area:
    name = name.strip()
    if not name:
        raise ValidationFailed(_l("Give the area a name."), field="name")
    clash = db.session.scalar(sa.select(Area.id).where(sa.func.lower(Area.name) == name.lower()))
    if clash is not None and (area is None or clash != area.id):
        raise ValidationFailed(_l("There is already an area called %(name)s.", name=name), field="name")
    if area is None:
        area = Area(name=name, position=position)
        db.session.add(area)
        action = "area.create"
    else:
        area.name, area.position = name, position
        action = "area.edit"
    db.session.flush()
    record(actor, action, area, name=name, position=position)
    _bump()
    return area


def save_table(actor, *, name: str, area: Area, min_seats: int, max_seats: int, combinable: bool = False,
               position: int = 0, active: bool = True, table: Table | None = None) -> Table:
    name = name.strip()
    if not name:
        raise ValidationFailed(_l("Give the table a name or number."), field="name")
    if not 1 <= min_seats <= max_seats <= 50:
        raise ValidationFailed(_l("Seats: the minimum must be at least 1 and at most the maximum (50 at most)."),
                               field="max_seats")
    clash = db.session.scalar(sa.select(Table.id).where(sa.func.lower(Table.name) == name.lower()))
    if clash is not None and (table is None or clash != table.id):
        raise ValidationFailed(_l("There is already a table %(name)s.", name=name), field="name")
    values = {"name": name, "area": area, "min_seats": min_seats, "max_seats": max_seats,
              "combinable": combinable, "position": position, "active": active}
    if table is None:
        table = Table(**values)
        db.session.add(table)
        action = "table.create"
    else:
        for key, value in values.items():
            setattr(table, key, value)
        action = "table.edit"
    db.session.flush()
    record(actor, action, table, **{k: v for k, v in values.items() if k != "area"}, area=area.id)
    _bump()
    return table


def clear_table(table: Table, actor) -> None:
    """The table is cleaned and laid: free again."""
    from ..reservations.operations import occupant
    from ..reservations.queries import blocked_tables

    party = occupant([table.id])
    if party is not None:
        raise InvalidTransition(_l("Table %(name)s is occupied by %(party)s: mark them as left first.",
                                   name=table.name, party=party.display_name))
    if table.id not in blocked_tables([table.id], None):
        raise AlreadyDone(_l("Table %(name)s is already free.", name=table.name))
    table.cleared_at = clock.utcnow()
    db.session.flush()
    record(actor, "table.clear", table)
    _bump()
