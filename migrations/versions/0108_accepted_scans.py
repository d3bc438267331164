"""a ticket's accepted scans indexed apart, so that a duplicate's answer does not read its other duplicates

Revision ID: 0108_accepted_scans
Revises: 0107_sessions
Create Date: 2026-12-02 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0108_accepted_scans'
down_revision = '0107_sessions'
branch_labels = None
depends_on = None

ACCEPTED_TICKET = sa.text("kind = 'ticket' AND result = 'accepted'")


def upgrade():
    with op.batch_alter_table('scan', schema=None) as batch_op:
        batch_op.create_index(
            'ix_scan_accepted_ticket',
            ['registration_id', 'booth_id', 'local_day'],
            unique=False,
            sqlite_where=ACCEPTED_TICKET,
            postgresql_where=ACCEPTED_TICKET,
        )


def downgrade():
    with op.batch_alter_table('scan', schema=None) as batch_op:
        batch_op.drop_index('ix_scan_accepted_ticket', sqlite_where=ACCEPTED_TICKET, postgresql_where=ACCEPTED_TICKET)
