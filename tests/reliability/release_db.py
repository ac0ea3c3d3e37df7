"""The "first release" database: the first migration's schema with a restaurant's data in it.

Stored as tests/reliability/first_release.db once a second migration exists (make it with
`python scripts/make_first_release_db.py` before changing the schema); until then it is built
from the first migration with today's code, which is the first release.
"""
from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from hostdesk import clock, create_app
from hostdesk.extensions import db

STORED = Path(__file__).with_name("first_release.db")
KEY_COLUMNS = {"id", "name", "username", "role", "state", "reference", "party_size", "category", "action",
               "subject_id", "table_id", "reservation_id", "item_id", "outcome", "key", "version"}


def revisions(app) -> tuple[str, str]:
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    bases, heads = script.get_bases(), script.get_heads()
    assert len(heads) == 1 and len(bases) == 1, (bases, heads)
    return bases[0], heads[0]


def _fill(app) -> None:
    from hostdesk.auth.models import Role, User
    from hostdesk.demo import seed_demo
    from hostdesk.lostfound.models import Category
    from hostdesk.lostfound.operations import NewItem, register_found_item
    from hostdesk.reservations import operations
    from hostdesk.reservations.models import Reservation
    from tests.lostfound.conftest import card_questions

    from .data import add_parties, add_tables

    with app.test_request_context():
        seed_demo()
        db.session.commit()
    tables = add_tables(app, 4, area="release", prefix="R")
    parties = add_parties(app, 6, prefix="Release")
    with app.test_request_context():
        host = db.session.scalar(sa.select(User).where(User.role == Role.HOST))
        staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF))
        from hostdesk.floor.models import Table

        for party, table in zip(parties[:3], tables, strict=False):
            operations.seat(db.session.get(Reservation, party), host, [db.session.get(Table, table)])
        operations.greet(db.session.get(Reservation, parties[4]), host)
        register_found_item(staff, NewItem(category=Category.BANK_CARD, description="release card",
                                           storage_location="safe", found_at=clock.utcnow() - timedelta(hours=1),
                                           questions=card_questions()))
        db.session.commit()


def build(path: Path, upload_folder: str) -> Path:
    """A SQLite database at the first revision, with data."""
    url = f"sqlite:///{path}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "UPLOAD_FOLDER": upload_folder})
    first, head = revisions(app)
    if STORED.exists():
        shutil.copyfile(STORED, path)
        return path
    if first != head:
        raise LookupError("a second migration exists: store the first release's database first "
                          "(scripts/make_first_release_db.py, run on the first release)")
    with app.app_context():
        flask_migrate.upgrade(revision=first)
        with db.engine.connect() as conn:
            ahead = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        if ahead:
            db.engine.dispose()
            raise ModelsAhead(f"the models differ from the only migration ({len(ahead)} differences): "
                              "regenerate it; tests/test_migrations.py reports the same")
        _fill(app)
        db.engine.dispose()
    return path


class ModelsAhead(Exception):
    """The code's models are ahead of the one migration there is: no first release to build yet."""


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Per table: its row count and key columns, sorted; independent of the dialect."""
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    result = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            keys = [c for c in table.columns if c.name in KEY_COLUMNS]
            rows = conn.execute(sa.select(*keys)).all() if keys else []
            count = conn.scalar(sa.select(sa.func.count()).select_from(table))
            result[table.name] = [count, sorted(tuple(str(v) for v in row) for row in rows)]
    engine.dispose()
    return result


def copy_rows(source_url: str, target_url: str) -> None:
    """Copy every row of the SQLite source into the (migrated, empty) target, in foreign-key order."""
    source, target = sa.create_engine(source_url), sa.create_engine(target_url)
    src_meta, dst_meta = sa.MetaData(), sa.MetaData()
    src_meta.reflect(source)
    dst_meta.reflect(target)
    with source.connect() as read, target.begin() as write:
        for table in dst_meta.sorted_tables:
            if table.name == "alembic_version" or table.name not in src_meta.tables:
                continue
            rows = [dict(r._mapping) for r in read.execute(sa.select(src_meta.tables[table.name]))]
            if rows:
                write.execute(table.insert(), rows)
            if target.dialect.name == "postgresql" and "id" in table.columns and rows:
                write.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT max(id) FROM \"{table.name}\"))"))
    source.dispose()
    target.dispose()
