"""online booking: the guest's manage token on reservations, the reminder's time,
and the outbox's calendar attachment and booking

Revision ID: e7b3a91c5d20
Revises: e7a1c93d5f20
Create Date: 2026-12-06 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3a91c5d20'
down_revision = 'e7a1c93d5f20'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE ADD COLUMN and a unique index: on SQLite a unique constraint would rebuild
    # `reservations`, and dropping the old table would cascade to its table assignments.
    op.add_column('reservations', sa.Column('manage_token', sa.String(length=64), nullable=True))
    op.add_column('reservations', sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_reservations_manage_token', 'reservations', ['manage_token'], unique=True)
    with op.batch_alter_table('lf_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reservation_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_lf_outbox_reservation_id', ['reservation_id'], unique=False)
        batch_op.create_foreign_key('fk_lf_outbox_reservation_id_reservations', 'reservations',
                                    ['reservation_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('lf_outbox', schema=None) as batch_op:
        batch_op.drop_constraint('fk_lf_outbox_reservation_id_reservations', type_='foreignkey')
        batch_op.drop_index('ix_lf_outbox_reservation_id')
        batch_op.drop_column('reservation_id')
        batch_op.drop_column('attachment')
    op.drop_index('ix_reservations_manage_token', table_name='reservations')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('reminder_sent_at')
        batch_op.drop_column('manage_token')
