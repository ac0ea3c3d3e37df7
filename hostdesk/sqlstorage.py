"""A storage for the `limits` library (Flask-Limiter's counters) in the app's own database, so that
every worker and every app server on the database shares the counts with nothing else installed.

Registered under the scheme `hostdesk+db://` through limits' storage extension interface (a
subclass of limits.storage.Storage with STORAGE_SCHEME). It works on its own small engine in
autocommit: a count stays when the request's own transaction rolls back. One statement per hit
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on SQLite as on PostgreSQL).
"""
from __future__ import annotations

import hashlib
import itertools

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .extensions import db

CLEAN_EVERY = 200  # hits between two sweeps of expired counters


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(sa.Float, index=True)


_table = RateLimitCounter.__table__


def _now() -> float:
    """Seconds since the epoch, from the app's clock (tests freeze it)."""
    return clock.utcnow().timestamp()


def _stored_key(key: str) -> str:
    return key if len(key) <= 200 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """Fixed-window counters in the table rate_limit_counters (options: `url`, the database's URL)."""

    STORAGE_SCHEME = ["hostdesk+db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *, url: str, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        connect_args = {"timeout": 10} if url.startswith("sqlite") else {}
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=2,
                                       pool_pre_ping=True, connect_args=connect_args)
        self.insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[self.engine.dialect.name]
        self.hits = itertools.count()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = _now()
        expired = _table.c.expires_at <= now
        statement = self.insert(_table).values(key=_stored_key(key), count=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(index_elements=[_table.c.key], set_={
            "count": sa.case((expired, amount), else_=_table.c.count + amount),
            "expires_at": sa.case((expired, now + expiry), else_=_table.c.expires_at),
        }).returning(_table.c.count)
        with self.engine.connect() as connection:
            count = connection.execute(statement).scalar_one()
            if next(self.hits) % CLEAN_EVERY == 0:
                connection.execute(sa.delete(_table).where(_table.c.expires_at <= now))
        return count

    def _row(self, key: str):
        with self.engine.connect() as connection:
            return connection.execute(sa.select(_table.c.count, _table.c.expires_at)
                                      .where(_table.c.key == _stored_key(key))).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row is not None and row.expires_at > _now() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > _now() else _now()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.connect() as connection:
            return connection.execute(sa.delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.delete(_table).where(_table.c.key == _stored_key(key)))
