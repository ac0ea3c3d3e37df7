"""Tables and areas. A table's state (free, reserved, occupied, to clear) is derived from the
reservations seated at it (see hostdesk/reservations/queries.py), plus `cleared_at`."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime
from ..extensions import db


class Area(db.Model):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    tables: Mapped[list[Table]] = relationship(back_populates="area", order_by="Table.position")

    def __repr__(self) -> str:
        return f"<Area {self.name}>"


class Table(db.Model):
    __tablename__ = "tables"
    __table_args__ = (
        sa.CheckConstraint("min_seats >= 1 AND max_seats >= min_seats", name="seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(20), unique=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id"), index=True)
    min_seats: Mapped[int] = mapped_column(default=1)
    max_seats: Mapped[int] = mapped_column(default=2)
    # Can be pushed together with its neighbours (the tables beside it in `position` order).
    combinable: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    area: Mapped[Area] = relationship(back_populates="tables", lazy="joined", innerjoin=True)

    def fits(self, party_size: int) -> bool:
        return self.min_seats <= party_size <= self.max_seats

    @property
    def label(self) -> str:
        return f"{self.name} ({self.area.name})"

    def __repr__(self) -> str:
        return f"<Table {self.name}>"
