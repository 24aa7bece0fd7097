"""sign-in protection: throttles by address, reset requests, refusals

Revision ID: 0007_sign_in_protection
Revises: 0006_school_rooms
Create Date: 2026-12-06 09:00:00

Sign-in attempts are counted per client address too, and apart for browsers that have signed
in to the account before; requests on the public reset form are counted per address; refusals
(403/404) of signed-in people on record pages are counted (issue 11, section 3).
"""

from alembic import op
import sqlalchemy as sa

import tas.core.database


# revision identifiers, used by Alembic.
revision = "0007_sign_in_protection"
down_revision = "0006_school_rooms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("known_device", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_attempt_ip_address"), ["ip_address"], unique=False
        )

    op.create_table(
        "password_reset_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", tas.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_request")),
    )
    with op.batch_alter_table("password_reset_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_request_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_password_reset_request_ip_address"), ["ip_address"], unique=False
        )

    op.create_table(
        "access_refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", tas.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=100), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_access_refusal_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_refusal")),
    )
    with op.batch_alter_table("access_refusal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_refusal_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_access_refusal_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("access_refusal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_refusal_user_id"))
        batch_op.drop_index(batch_op.f("ix_access_refusal_at"))
    op.drop_table("access_refusal")

    with op.batch_alter_table("password_reset_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_request_ip_address"))
        batch_op.drop_index(batch_op.f("ix_password_reset_request_at"))
    op.drop_table("password_reset_request")

    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_ip_address"))
        batch_op.drop_column("known_device")
