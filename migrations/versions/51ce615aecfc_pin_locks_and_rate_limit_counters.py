"""pin locks and rate limit counters

Wrong PINs are counted per person across every tablet (users.pin_failures, pin_locked_at) and per
tablet within the failure window (devices.pin_failed_since); the rate limits' counters live in the
app's own database when no Redis is configured (rate_limit_counters, hostdesk/sqlstorage.py).

Revision ID: 51ce615aecfc
Revises: b05fcf1a05c8
Create Date: 2026-12-06 17:33:17.892935

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '51ce615aecfc'
down_revision = 'b05fcf1a05c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limit_counters',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counters'))
    )
    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counters_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pin_failed_since', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pin_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pin_locked_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pin_locked_at')
        batch_op.drop_column('pin_failures')

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('pin_failed_since')

    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counters_expires_at'))

    op.drop_table('rate_limit_counters')
