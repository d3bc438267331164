"""events name their city and the addressee of their reports; set-up objects can be archived

Revision ID: 0006_setup
Revises: 0101_jobfair
Create Date: 2026-12-01 00:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_setup'
down_revision = '0101_jobfair'
branch_labels = None
depends_on = None

ARCHIVABLE = ('event', 'activity', 'booth', 'district', 'site', 'department')


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city_name', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('report_addressee', sa.String(length=100), nullable=True))
    for table in ARCHIVABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table in reversed(ARCHIVABLE):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('archived_at')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('report_addressee')
        batch_op.drop_column('city_name')
