"""personal data: ID numbers kept masked and as keyed digests, identity conflicts marked

Revision ID: 0106_personal_data
Revises: 0104_handover
Create Date: 2026-12-01 01:24:22.350215

"""

import hashlib
import hmac

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = "0106_personal_data"
down_revision = "0104_handover"
branch_labels = None
depends_on = None


def _protect_existing_numbers():
    # The numbers already held become their masked form and digest (with the installation's
    # EVENTDESK_ID_KEY) before the full numbers are dropped.
    connection = op.get_bind()
    key = current_app.config["EVENTDESK_ID_KEY"].encode()
    rows = connection.execute(sa.text("SELECT id, id_number FROM person WHERE id_number IS NOT NULL")).all()
    for person_id, number in rows:
        connection.execute(
            sa.text(
                "UPDATE person SET id_number_masked = :masked, id_number_digest = :digest WHERE id = :id"
            ),
            {
                "masked": number[:4] + "*" * (len(number) - 8) + number[-4:],
                "digest": hmac.new(key, number.encode(), hashlib.sha256).hexdigest(),
                "id": person_id,
            },
        )


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_masked", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("id_number_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_person_id_number_digest"), ["id_number_digest"], unique=False)
        batch_op.create_check_constraint(
            "id_number_masked_length", "id_number_masked IS NULL OR length(id_number_masked) = 18"
        )
    _protect_existing_numbers()
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_person_id_number_length"), type_="check")
        batch_op.drop_column("id_number")

    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("identity_conflict", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.alter_column("identity_conflict", server_default=None)


def downgrade():
    # The full numbers cannot come back: only their masked forms and digests were kept.
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_column("identity_conflict")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number", sa.VARCHAR(length=18), nullable=True))
        batch_op.create_check_constraint("id_number_length", "id_number IS NULL OR length(id_number) = 18")
        batch_op.drop_constraint(batch_op.f("ck_person_id_number_masked_length"), type_="check")
        batch_op.drop_index(batch_op.f("ix_person_id_number_digest"))
        batch_op.drop_column("id_number_digest")
        batch_op.drop_column("id_number_masked")
