"""turn_times (learned turn times) and reservations.computed_wait_minutes (the app's own quote)

Revision ID: 7a3e5c19d2b4
Revises: c41d7e2a9b58
Create Date: 2026-12-06 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3e5c19d2b4'
down_revision = 'c41d7e2a9b58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'turn_times',
        sa.Column('service', sa.String(length=40), nullable=False),
        sa.Column('band', sa.Integer(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('visits', sa.Integer(), nullable=False),
        sa.Column('learned_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('service', 'band'),
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('computed_wait_minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('computed_wait_minutes')
    op.drop_table('turn_times')
