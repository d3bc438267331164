"""activities' descriptions and sites' addresses in English too, for English readers

Revision ID: 0105_english_texts
Revises: 0104_handover
Create Date: 2026-12-01 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0105_english_texts'
down_revision = '0104_handover'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity', schema=None) as batch_op:
        # The activities already there have no English description: they are given an empty one.
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.alter_column('description_en', server_default=None)
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_en', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('address_en')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('description_en')
