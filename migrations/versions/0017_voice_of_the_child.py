"""the voice of the child, and a concern's same-day response

Revision ID: 0017_voice_of_the_child
Revises: 0016_request_requester_index
Create Date: 2026-12-06 22:20:00

"""

import sqlalchemy as sa
from alembic import op

import tas.core.database

# revision identifiers, used by Alembic.
revision = "0017_voice_of_the_child"
down_revision = "0016_request_requester_index"
branch_labels = None
depends_on = None

UNANSWERED = "raises_concern AND response IS NULL"


def upgrade():
    op.create_table(
        "voice_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("heard_on", sa.Date(), nullable=False),
        sa.Column("setting", sa.String(length=20), nullable=False),
        sa.Column("setting_detail", sa.String(length=200), nullable=True),
        sa.Column("captured_by", sa.String(length=200), nullable=False),
        sa.Column("heard_how", sa.String(length=20), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("raises_concern", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", tas.core.database.UTCDateTime(), nullable=False),
        sa.Column("response_due_at", tas.core.database.UTCDateTime(), nullable=True),
        sa.Column("response", sa.String(length=30), nullable=True),
        sa.Column("response_reasons", sa.Text(), nullable=True),
        sa.Column("response_contact", sa.String(length=200), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", tas.core.database.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("originating_agency_id", sa.Integer(), nullable=True),
        sa.Column("originating_school_id", sa.Integer(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("not_for_parent", sa.Boolean(), nullable=False),
        sa.Column("third_party", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["originating_agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["originating_school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["responded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voice_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_entry_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_voice_entry_recorded_by_id"), ["recorded_by_id"], unique=False
        )
        # The unanswered concerns, found without reading every entry.
        batch_op.create_index(
            "ix_voice_entry_unanswered",
            ["child_id"],
            unique=False,
            sqlite_where=sa.text(UNANSWERED),
            postgresql_where=sa.text(UNANSWERED),
        )


def downgrade():
    op.drop_table("voice_entry")
