"""a child's chronology of significant events, and the decisions that answer cumulative harm

Revision ID: 0018_chronology
Revises: 0017_voice_of_the_child
Create Date: 2026-12-06 22:20:00

"""

import sqlalchemy as sa
from alembic import op

import tas.core.database

# revision identifiers, used by Alembic.
revision = "0018_chronology"
down_revision = "0017_voice_of_the_child"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chronology_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("source_agency_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", tas.core.database.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("originating_agency_id", sa.Integer(), nullable=True),
        sa.Column("originating_school_id", sa.Integer(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("not_for_parent", sa.Boolean(), nullable=False),
        sa.Column("third_party", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["originating_agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["originating_school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("chronology_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chronology_event_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_chronology_event_happened_on"), ["happened_on"], unique=False
        )
    op.create_table(
        "harm_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("completed_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", tas.core.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("harm_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harm_review_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_harm_review_recorded_at"), ["recorded_at"], unique=False
        )


def downgrade():
    op.drop_table("harm_review")
    op.drop_table("chronology_event")
