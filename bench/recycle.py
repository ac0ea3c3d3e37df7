"""Book parties again: a restaurant's next guests, for the simulated tablets (desk.py).

`reset` puts parties back to booked with their tables free and raises the board version, as a
change does (every tablet then shows them booked). `python -m bench.recycle DATABASE_URL` does it
for the tablets' process: "ready" once connected, then for each line of standard input (a JSON
list of party ids) "done" when committed; it ends at the end of its input or after --most
seconds. A process of its own, so the load generator's event loop never waits for the database.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import sqlalchemy as sa

CLEARED = ("arrived_at", "arrived_by_id", "greeted_at", "greeted_by_id", "seated_at", "seated_by_id",
           "left_at", "left_by_id", "called_at", "closed_at", "previous_state", "changed_at", "changed_by_id")


def engine_for(url: str) -> sa.Engine:
    from hostdesk.config import normalise_database_url

    url = normalise_database_url(url)
    return sa.create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})


def reset(connection: sa.Connection, ids: list[int]) -> None:
    """Parties `ids` booked again, their tables free, the board version raised; in the caller's transaction."""
    from hostdesk.reservations.models import Assignment, BoardVersion, Reservation, State

    if not ids:
        return
    reservations, assignments, version = Reservation.__table__, Assignment.__table__, BoardVersion.__table__
    connection.execute(sa.update(assignments).where(assignments.c.reservation_id.in_(ids),
                                                   assignments.c.occupied.is_(True)).values(occupied=False))
    connection.execute(sa.update(reservations).where(reservations.c.id.in_(ids))
                       .values(state=State.BOOKED, **dict.fromkeys(CLEARED)))
    connection.execute(sa.update(version).where(version.c.id == 1).values(version=version.c.version + 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recycle")
    parser.add_argument("url")
    parser.add_argument("--most", type=float, default=600.0, help="stop after this many seconds (default 600)")
    args = parser.parse_args(argv)
    engine = engine_for(args.url)
    with engine.connect():
        from hostdesk.reservations import models  # noqa: F401 (imported before the first line, not during it)
    deadline = time.monotonic() + args.most
    print("ready", flush=True)
    for line in sys.stdin:
        with engine.begin() as connection:
            reset(connection, [int(i) for i in json.loads(line)])
        print("done", flush=True)
        if time.monotonic() > deadline:
            break
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
