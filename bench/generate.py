"""The benchmark's data set: a busy restaurant group's five years, reproducible from a seed.

`build(app, scale, seed)` makes a fresh schema (Alembic when migrations exist, else create_all)
and fills it with bulk core inserts in batches: users, 60 tables, today's board, the history,
lost-and-found. The same seed and the same "now" give the same rows.
"""
from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

BATCH = 10_000
# Logins the benchmark (and anyone looking at the data) uses: user / password / PIN.
LOGINS = {"host": ("bench-host-pass", "1111"), "staff": ("bench-staff-pass", "2222"),
          "manager": ("bench-manager-pass", "3333")}
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@dataclass(frozen=True)
class Scale:
    tables: int = 60
    today: int = 300
    past: int = 700_000
    years: int = 5
    guests: int = 150_000
    items: int = 25_000

    @classmethod
    def small(cls) -> Scale:
        """A few seconds' worth, for the test suite and for trying the benchmark out."""
        return cls(tables=12, today=40, past=3_000, years=1, guests=800, items=300)


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    schema: str = ""

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


def batches(rows: Iterable[dict], size: int = BATCH) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk(model, rows: Iterable[dict], counts: Counts) -> int:
    """Core INSERT ... executemany in batches; commits after each batch."""
    from hostdesk.extensions import db

    n = 0
    for batch in batches(rows):
        db.session.execute(sa.insert(model), batch)
        db.session.commit()
        n += len(batch)
    counts.add(model.__tablename__, n)
    return n


def has_migrations() -> bool:
    return any((MIGRATIONS / "versions").glob("*.py"))


def fresh_schema(app, migrations: bool | None = None) -> str:
    """Drop Hostdesk's tables (and Alembic's) and build the schema anew; returns how.

    By the migrations when there are any (as run.sh does), else (or with migrations=False) create_all."""
    from hostdesk.extensions import db

    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        if has_migrations() if migrations is None else migrations:
            from flask_migrate import upgrade

            upgrade(directory=str(MIGRATIONS))
            missing = _missing_columns()
            if not missing:
                return "flask db upgrade"
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.create_all()
            return f"db.create_all(): the migrations lack {', '.join(missing[:3])}"
        db.create_all()
        return "db.create_all() (no migrations yet)"


def bring_up_to_date(app) -> str:
    """A data set an earlier run left (--reuse-data): its schema brought to the migrations' head, as
    run.sh's `flask db upgrade` does, so a migration added since (an index, a column) is measured too."""
    from hostdesk.extensions import db

    with app.app_context():
        db.session.remove()
        if not has_migrations() or not sa.inspect(db.engine).has_table("alembic_version"):
            return "reused from an earlier run (--reuse-data; built without migrations)"
        from flask_migrate import upgrade

        upgrade(directory=str(MIGRATIONS))
    with app.test_request_context():
        store_figures()
    return "reused from an earlier run (--reuse-data), brought up to date by flask db upgrade"


def _missing_columns() -> list[str]:
    """Model columns the migrated schema does not have (migrations lagging behind the models)."""
    from hostdesk.extensions import db

    inspector = sa.inspect(db.engine)
    missing = []
    for table in db.metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)} if inspector.has_table(table.name) else set()
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


def build(app, scale: Scale = Scale(), seed: int = 7, now: datetime | None = None, log=print,
          migrations: bool | None = None) -> Counts:
    """A fresh database filled with `scale`'s data, reproducible from `seed` (and `now`)."""
    from hostdesk import clock
    from hostdesk.extensions import db

    from . import data_lostfound, data_reservations, data_today

    started = time.perf_counter()
    counts = Counts(schema=fresh_schema(app, migrations))
    now = now or clock.utcnow()
    rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible)
    with app.test_request_context():
        users = make_users(counts)
        log(f"  users {counts.rows['users']}, schema by {counts.schema}")
        floor = data_reservations.make_floor(rng, scale, counts)
        data_reservations.make_guests(rng, scale, now, counts)
        data_reservations.make_history(rng, scale, now, floor, users, counts, log)
        data_today.make_today(rng, scale, now, floor, users, counts)
        data_today.finish_guests(counts)
        data_lostfound.make_items(rng, scale, now, users, counts, log)
        db.session.commit()
        store_figures(log)
        if db.engine.dialect.name == "postgresql":
            _advance_sequences()
            # VACUUM too, as autovacuum does on a server that has been up a while: freshly bulk-loaded
            # tables otherwise get vacuumed in the background while the bench measures. Then a
            # CHECKPOINT: the load and the VACUUM leave gigabytes of log and dirty pages, which the
            # checkpointer would otherwise write out over the next minutes, while the bench measures
            # (and every page first changed after a checkpoint goes to the log whole).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM (ANALYZE)"))
                _checkpoint(conn, log)
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
    counts.seconds = time.perf_counter() - started
    return counts


def store_figures(log=print) -> None:
    """The stored figures of every closed day and month, as the app's job would have made them over the years."""
    from hostdesk.database import write_intent
    from hostdesk.manager.rollup import summarise

    started = time.perf_counter()
    with write_intent():
        log(f"  stored figures: {summarise(seconds=None)} in {time.perf_counter() - started:.0f} s")


def make_users(counts: Counts) -> dict[str, list[int]]:
    """The three bench logins plus a few more hosts and staff for realistic "by" columns."""
    from hostdesk.auth.models import Role
    from hostdesk.auth.operations import create_user
    from hostdesk.extensions import db

    users: dict[str, list[int]] = {"host": [], "staff": [], "manager": []}
    for role in ("host", "staff", "manager"):
        password, pin = LOGINS[role]
        # The bench's published logins, like the demo's: no password or PIN rules for them.
        users[role].append(create_user(None, role, role.title(), Role(role), password, pin=pin, vetted=False).id)
    for i, name in enumerate(("Sanne", "Daan", "Noor", "Milan", "Fleur", "Joris"), start=1):
        role = "host" if i <= 4 else "staff"
        users[role].append(create_user(None, f"{role}{i}", name, Role(role), f"{role}-pass-{i}-bench").id)
    db.session.commit()
    counts.add("users", sum(len(v) for v in users.values()))
    return users


def _checkpoint(conn, log) -> None:
    try:
        conn.execute(sa.text("CHECKPOINT"))
    except sa.exc.DBAPIError as error:  # needs a superuser or pg_checkpoint (PostgreSQL 15)
        log(f"  no CHECKPOINT after loading ({type(error.orig).__name__}): the server writes the load out "
            "while the bench runs")


def _advance_sequences() -> None:
    """PostgreSQL: rows inserted with explicit ids leave the id sequences behind; move them on."""
    from hostdesk.extensions import db

    for table in db.metadata.sorted_tables:
        column = table.columns.get("id")
        if column is None or not column.primary_key or not isinstance(column.type, sa.Integer):
            continue
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 (names from our metadata)
            f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
    db.session.commit()
