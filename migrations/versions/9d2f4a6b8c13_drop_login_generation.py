"""drop login_generation: every request reads its login session again, so nothing needs the number

Revision ID: 9d2f4a6b8c13
Revises: 3f6a9c2e4b71
Create Date: 2026-12-06 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d2f4a6b8c13'
down_revision = '3f6a9c2e4b71'
branch_labels = None
depends_on = None

WATCHED = ("users", "devices", "auth_sessions")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS login_generation_{table} ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS login_generation_{table}_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS login_generation_raise()")
    else:
        for table in WATCHED:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS login_generation_{table}_{event}")
    op.drop_table('login_generation')


def downgrade():
    op.create_table('login_generation',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('generation', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_generation')))
    op.execute("INSERT INTO login_generation (id, generation) VALUES (1, 0)")
