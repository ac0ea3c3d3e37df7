"""guests: waitlist guests' live page and messages (guest_messages), lost reports filed online (token)

Revision ID: e7a1c93d5f20
Revises: c41d7e2a9b58
Create Date: 2026-12-06 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a1c93d5f20'
down_revision = 'c41d7e2a9b58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'guest_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reservation_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.Enum('sms', 'email', name='messagechannel', native_enum=False,
                                     create_constraint=False, length=5), nullable=False),
        sa.Column('kind', sa.Enum('joined', 'ready', name='messagekind', native_enum=False,
                                  create_constraint=False, length=6), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.Enum('sending', 'sent', 'queued', 'failed', name='messagestate', native_enum=False,
                                   create_constraint=False, length=7), nullable=False),
        sa.Column('provider_id', sa.String(length=64), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_guest_messages_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['outbox_id'], ['lf_outbox.id'], name=op.f('fk_guest_messages_outbox_id_lf_outbox'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'],
                                name=op.f('fk_guest_messages_reservation_id_reservations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_messages')),
    )
    with op.batch_alter_table('guest_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_guest_messages_reservation_id'), ['reservation_id'], unique=False)
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('guest_language', sa.String(length=5), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_reservations_guest_token'), ['guest_token'])
    with op.batch_alter_table('lf_lost_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('token', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_lf_lost_reports_token'), ['token'])


def downgrade():
    with op.batch_alter_table('lf_lost_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_lf_lost_reports_token'), type_='unique')
        batch_op.drop_column('token')
        batch_op.drop_column('details')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_reservations_guest_token'), type_='unique')
        batch_op.drop_column('guest_language')
        batch_op.drop_column('guest_token')
    with op.batch_alter_table('guest_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guest_messages_reservation_id'))
        batch_op.drop_index(batch_op.f('ix_guest_messages_created_at'))
    op.drop_table('guest_messages')
