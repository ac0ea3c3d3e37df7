"""figure_blocks: the stored figures of closed service days and months, kept right by a trigger

Revision ID: 7a3f1c9e5d20
Revises: e7b3a91c5d20
Create Date: 2026-12-06 21:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3f1c9e5d20'
down_revision = 'e7b3a91c5d20'
branch_labels = None
depends_on = None

# The trigger adds one to `changes` of every block holding the service day of a reservation inserted,
# changed or deleted, in the same transaction (a copy of hostdesk/manager/models.py's; no app code here).
BUMP = ("UPDATE figure_blocks SET changes = changes + 1 "
        "WHERE last_day >= {row}.service_day AND first_day <= {row}.service_day")
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS figure_blocks_on_insert AFTER INSERT ON reservations "
    f"BEGIN {BUMP.format(row='NEW')}; END",
    f"CREATE TRIGGER IF NOT EXISTS figure_blocks_on_update AFTER UPDATE ON reservations "
    f"BEGIN {BUMP.format(row='OLD')}; {BUMP.format(row='NEW')} AND NEW.service_day <> OLD.service_day; END",
    f"CREATE TRIGGER IF NOT EXISTS figure_blocks_on_delete AFTER DELETE ON reservations "
    f"BEGIN {BUMP.format(row='OLD')}; END",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION figure_blocks_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' THEN {BUMP.format(row='OLD')}; END IF; "
    f"IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.service_day <> OLD.service_day) THEN "
    f"{BUMP.format(row='NEW')}; END IF; "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS figure_blocks_on_update ON reservations",
    "CREATE TRIGGER figure_blocks_on_update AFTER INSERT OR UPDATE OR DELETE ON reservations "
    "FOR EACH ROW EXECUTE FUNCTION figure_blocks_bump()",
]


def upgrade():
    op.create_table(
        'figure_blocks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.Column('summarised', sa.Integer(), nullable=True),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('facts', sa.Text(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_blocks')),
        sa.UniqueConstraint('first_day', 'last_day', name='uq_figure_blocks_days'),
    )
    op.create_index('ix_figure_blocks_last_day', 'figure_blocks', ['last_day', 'first_day'], unique=False)
    for statement in POSTGRES if op.get_bind().dialect.name == 'postgresql' else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS figure_blocks_on_update ON reservations")
        op.execute("DROP FUNCTION IF EXISTS figure_blocks_bump()")
    else:
        for name in ('figure_blocks_on_insert', 'figure_blocks_on_update', 'figure_blocks_on_delete'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index('ix_figure_blocks_last_day', table_name='figure_blocks')
    op.drop_table('figure_blocks')
