"""staff accounts count their sign-in generations: a session or remember-me cookie of an earlier one no longer signs in

Revision ID: 0107_sessions
Revises: 0104_handover
Create Date: 2026-12-01 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0107_sessions'
down_revision = '0106_personal_data'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
