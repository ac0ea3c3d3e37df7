"""login_generation: a number the database raised whenever a login could stop being good

Dropped again by revision 9d2f4a6b8c13; kept so that databases made in between upgrade in order.
The triggers' DDL is written out here: migrations import no app code.

Revision ID: 3f6a9c2e4b71
Revises: 8c3d5e7f9a10
Create Date: 2026-11-24 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6a9c2e4b71'
down_revision = '8c3d5e7f9a10'
branch_labels = None
depends_on = None

_SESSION_COLUMNS = "token_hash, user_id, device_id, via_pin, created_at, ended_at"
WATCHED = (("users", ""), ("devices", ""), ("auth_sessions", f" OF {_SESSION_COLUMNS}"))
_RAISE = "UPDATE login_generation SET generation = generation + 1"


def _create_statements(dialect):
    if dialect == "postgresql":
        statements = ["CREATE OR REPLACE FUNCTION login_generation_raise() RETURNS trigger "
                      f"LANGUAGE plpgsql AS $$ BEGIN {_RAISE}; RETURN NULL; END $$"]
        for table, columns in WATCHED:
            statements += [
                f"CREATE CONSTRAINT TRIGGER login_generation_{table} AFTER UPDATE{columns} OR DELETE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION login_generation_raise()",
                f"CREATE TRIGGER login_generation_{table}_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION login_generation_raise()",
            ]
        return statements
    return [f"CREATE TRIGGER login_generation_{table}_{event} AFTER {event.upper()}"
            f"{columns if event == 'update' else ''} ON {table} BEGIN {_RAISE}; END"
            for table, columns in WATCHED for event in ("update", "delete")]


def drop_statements(dialect):
    if dialect == "postgresql":
        return [statement for table, _ in WATCHED for statement in (
            f"DROP TRIGGER IF EXISTS login_generation_{table} ON {table}",
            f"DROP TRIGGER IF EXISTS login_generation_{table}_truncate ON {table}")] + [
            "DROP FUNCTION IF EXISTS login_generation_raise()"]
    return [f"DROP TRIGGER IF EXISTS login_generation_{table}_{event}" for table, _ in WATCHED
            for event in ("update", "delete")]


def upgrade():
    op.create_table('login_generation',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('generation', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_generation')))
    op.execute("INSERT INTO login_generation (id, generation) VALUES (1, 0)")
    for statement in _create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('login_generation')
