"""requests to check an already-recorded child

Revision ID: 0009_record_checks
Revises: 0008_audit_owner
Create Date: 2026-12-06 09:00:00

"""

from alembic import op
import sqlalchemy as sa

import tas.core.database


# revision identifiers, used by Alembic.
revision = "0009_record_checks"
down_revision = "0008_audit_owner"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("asked_at", tas.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dealt_with_at", tas.core.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dealt_with_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "field IN ('nhs_number', 'upn')", name=op.f("ck_record_check_number_field")
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"],
            ["user_account.id"],
            name=op.f("fk_record_check_asked_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_record_check_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealt_with_by_id"],
            ["user_account.id"],
            name=op.f("fk_record_check_dealt_with_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_record_check_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_check")),
    )
    with op.batch_alter_table("record_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_check_asked_by_id"), ["asked_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_record_check_child_id"), ["child_id"], unique=False)


def downgrade():
    with op.batch_alter_table("record_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_check_child_id"))
        batch_op.drop_index(batch_op.f("ix_record_check_asked_by_id"))

    op.drop_table("record_check")
