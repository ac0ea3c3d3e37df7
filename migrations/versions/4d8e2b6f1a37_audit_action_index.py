"""audit_entries: an index on (action, at, id)

The figures list one action's entries in a period, newest first (bookings over the pacing limit):
read from this index instead of every entry of the period.

Revision ID: 4d8e2b6f1a37
Revises: 7a3f1c9e5d20
Create Date: 2026-12-07 00:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4d8e2b6f1a37'
down_revision = '7a3f1c9e5d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_action_at', 'audit_entries', ['action', 'at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_audit_action_at', table_name='audit_entries')
