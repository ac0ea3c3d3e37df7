"""The login generation: one number the database raises whenever a checked login could stop being
good, so that a worker may trust a login it checked while the number stays the same (remembered.py).

Triggers raise it, not the app, so nothing can change a login's standing without it: a sign-out,
a PIN switch, a deactivated user, a new role or name, a revoked tablet, and also another app
server on the same database and SQL typed by hand. What raises it: any UPDATE or DELETE of a user
or a device, and any UPDATE of a login session other than its activity mark (`last_active_at`,
written every 30 seconds of use) or its DELETE. On PostgreSQL the raise is a deferred constraint
trigger, run at COMMIT as the transaction's last step: the row's lock is then always taken last,
so two transactions that each changed a user and a device cannot deadlock on it.

A database without the row (emptied by hand) has no generation: no login is then remembered.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import LoginGeneration

ROW_ID = 1
READ = sa.select(LoginGeneration.__table__.c.generation).where(LoginGeneration.__table__.c.id == ROW_ID)
FIRST_ROW = sa.insert(LoginGeneration.__table__).values(id=ROW_ID, generation=0)

_SESSION_COLUMNS = "token_hash, user_id, device_id, via_pin, created_at, ended_at"  # all but last_active_at
_WATCHED = (("users", ""), ("devices", ""), ("auth_sessions", f" OF {_SESSION_COLUMNS}"))
_ROW_EVENTS = ("update", "delete")  # SQLite: a trigger for each
_RAISE = "UPDATE login_generation SET generation = generation + 1"


def trigger_statements(dialect: str) -> list[str]:
    """The DDL that makes the database raise the generation (as the migration and create_all run it)."""
    if dialect == "postgresql":
        statements = [f"CREATE OR REPLACE FUNCTION login_generation_raise() RETURNS trigger "
                      f"LANGUAGE plpgsql AS $$ BEGIN {_RAISE}; RETURN NULL; END $$"]
        for table, columns in _WATCHED:
            statements += [
                f"CREATE CONSTRAINT TRIGGER login_generation_{table} AFTER UPDATE{columns} OR DELETE ON {table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION login_generation_raise()",
                f"CREATE TRIGGER login_generation_{table}_truncate AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION login_generation_raise()",
            ]
        return statements
    return [f"CREATE TRIGGER login_generation_{table}_{event} AFTER {event.upper()}"
            f"{columns if event == 'update' else ''} ON {table} BEGIN {_RAISE}; END"
            for table, columns in _WATCHED for event in _ROW_EVENTS]


def drop_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [statement for table, _ in _WATCHED for statement in (
            f"DROP TRIGGER IF EXISTS login_generation_{table} ON {table}",
            f"DROP TRIGGER IF EXISTS login_generation_{table}_truncate ON {table}")] + [
            "DROP FUNCTION IF EXISTS login_generation_raise()"]
    return [f"DROP TRIGGER IF EXISTS login_generation_{table}_{event}" for table, _ in _WATCHED
            for event in _ROW_EVENTS]


def install(connection: sa.Connection) -> None:
    """The first row and the triggers, on a schema that has just been made."""
    connection.execute(FIRST_ROW)
    for statement in trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


@sa.event.listens_for(db.metadata, "after_create")
def _after_create_all(_metadata, connection, tables=(), **_kw) -> None:
    """create_all (the tests, a database without migrations) installs them as the migration does."""
    if LoginGeneration.__table__ in tables:
        install(connection)
