"""reservations: partial arrival (arrived_guests) and the tables before a move (previous_table_ids)

Revision ID: c41d7e2a9b58
Revises: 1c7d894f1659
Create Date: 2026-12-06 17:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41d7e2a9b58'
down_revision = '1c7d894f1659'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrived_guests', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_table_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('previous_table_ids')
        batch_op.drop_column('arrived_guests')
