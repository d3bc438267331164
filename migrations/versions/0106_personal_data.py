"""personal data: ID numbers kept masked and as keyed digests, identity conflicts marked, people
anonymised, deletion requests, retention per event, audit entries with activity, before and after, rate-limit counters, places kept for the desk, texted phone codes

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
down_revision = "0105_english_texts"
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

    op.create_table(
        "deletion_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("carried_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("carried_out_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carried_out_by_id"],
            ["staff_user.id"],
            name=op.f("fk_deletion_request_carried_out_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_deletion_request_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_deletion_request_registration_id_registration"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_request")),
    )
    with op.batch_alter_table("deletion_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deletion_request_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deletion_request_registration_id"), ["registration_id"], unique=False
        )

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("before", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("after", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_activity_id"), ["activity_id"], unique=False)

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=False, server_default="180"))
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("retention_days", server_default=None)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window", name=op.f("pk_rate_limit_counter")),
    )
    with op.batch_alter_table("rate_limit_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_counter_expires_at"), ["expires_at"], unique=False)

    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("desk_places", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_check_constraint("desk_places_not_negative", "desk_places >= 0")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.alter_column("desk_places", server_default=None)

    op.create_table(
        "phone_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_digest", sa.String(length=64), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_verification")),
        sa.UniqueConstraint("phone_digest", name=op.f("uq_phone_verification_phone_digest")),
    )


def downgrade():
    op.drop_table("phone_verification")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_activity_desk_places_not_negative"), type_="check")
        batch_op.drop_column("desk_places")
    op.drop_table("rate_limit_counter")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("retention_days")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_activity_id"))
        batch_op.drop_column("after")
        batch_op.drop_column("before")
        batch_op.drop_column("activity_id")
    with op.batch_alter_table("deletion_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deletion_request_registration_id"))
        batch_op.drop_index(batch_op.f("ix_deletion_request_person_id"))
    op.drop_table("deletion_request")
    _downgrade_id_numbers()


def _downgrade_id_numbers():
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
