"""lf_item_words: index (item_id, word) instead of (item_id)

The log's word search checks an item's words from the index alone (no table read per item).

Revision ID: 5b1e0c7a9d42
Revises: 2765f2065396
Create Date: 2026-11-23 21:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b1e0c7a9d42'
down_revision = '2765f2065396'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lf_item_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lf_item_words_item_id'))
        batch_op.create_index(batch_op.f('ix_lf_item_words_item_word'), ['item_id', 'word'], unique=False)


def downgrade():
    with op.batch_alter_table('lf_item_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lf_item_words_item_word'))
        batch_op.create_index(batch_op.f('ix_lf_item_words_item_id'), ['item_id'], unique=False)
