"""Helpers for the host screen's tests: a small floor, reservations around a frozen now."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from hostdesk import clock
from hostdesk.auth.models import User
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.models import Reservation, Source, State
from hostdesk.settings import get_settings


@pytest.fixture
def floor(app_ctx):
    """Two areas: window 1..4 (2 seats, 1-2 and 3 combinable), main 10 (4), 11 (6), 12 (8)."""
    window = Area(name="window", position=1)
    main = Area(name="main room", position=2)
    db.session.add_all([window, main])
    tables = {
        "1": Table(name="1", area=window, min_seats=1, max_seats=2, combinable=True, position=1),
        "2": Table(name="2", area=window, min_seats=1, max_seats=2, combinable=True, position=2),
        "3": Table(name="3", area=window, min_seats=1, max_seats=2, combinable=True, position=3),
        "10": Table(name="10", area=main, min_seats=2, max_seats=4, position=10),
        "11": Table(name="11", area=main, min_seats=3, max_seats=6, position=11),
        "12": Table(name="12", area=main, min_seats=4, max_seats=8, position=12),
    }
    db.session.add_all(tables.values())
    db.session.commit()
    return tables


@pytest.fixture
def actors(app_ctx, users):
    from hostdesk.auth.models import Role

    host = db.session.get(User, users[Role.HOST])
    host.display_name = "Sanne"
    manager = db.session.get(User, users[Role.MANAGER])
    db.session.commit()
    return {"host": host, "manager": manager}


@pytest.fixture
def make_res(app_ctx):
    def make(name="De Waard", size=2, at: datetime | None = None, state=State.BOOKED, tables=(), **extra):
        s = get_settings()
        at = at or clock.utcnow()
        day = clock.service_day(at, s.zone, s.boundary)
        res = Reservation(name=name, party_size=size, start_at=at, service_day=day,
                          duration_minutes=s.duration_for(size), state=state, source=extra.pop("source", Source.PHONE),
                          created_at=extra.pop("created_at", clock.utcnow()), **extra)
        from hostdesk.reservations.models import Assignment

        for table in tables:
            res.assignments.append(Assignment(table=table))
        db.session.add(res)
        db.session.commit()
        return res

    return make


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


class FreshClient:
    """A test client whose requests ask for English unless they say otherwise."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        attr = getattr(self._client, name)
        if name not in ("get", "post", "open"):
            return attr

        def call(*args, **kwargs):
            kwargs["headers"] = {"Accept-Language": "en", **(kwargs.get("headers") or {})}
            return attr(*args, **kwargs)

        return call


@pytest.fixture
def host_client_en(client_for):
    from hostdesk.auth.models import Role

    return FreshClient(client_for(Role.HOST))


@pytest.fixture
def staff_client_en(client_for):
    from hostdesk.auth.models import Role

    return FreshClient(client_for(Role.STAFF))


@pytest.fixture
def manager_client_en(client_for):
    from hostdesk.auth.models import Role

    return FreshClient(client_for(Role.MANAGER))
