"""login_generation: a number the database raises whenever a login could stop being good

A worker remembers the logins it checked while this number stays the same (hostdesk/auth/
remembered.py), instead of reading the login session with its user and tablet on every request
(issue 7). Triggers raise it on any change of a user, a tablet or the end of a login session
(hostdesk/auth/generation.py, whose statements this revision runs).

Revision ID: 3f6a9c2e4b71
Revises: 8c3d5e7f9a10
Create Date: 2026-11-24 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from hostdesk.auth import generation


# revision identifiers, used by Alembic.
revision = '3f6a9c2e4b71'
down_revision = '8c3d5e7f9a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_generation',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('generation', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_generation')))
    generation.install(op.get_bind())


def downgrade():
    for statement in generation.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('login_generation')
