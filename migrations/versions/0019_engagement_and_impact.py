"""decisions about low engagement, and what has changed at each outcome score

Revision ID: 0019_engagement_and_impact
Revises: 0018_chronology
Create Date: 2026-12-06 22:40:00

"""

import sqlalchemy as sa
from alembic import op

import tas.core.database

# revision identifiers, used by Alembic.
revision = "0019_engagement_and_impact"
down_revision = "0018_chronology"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "engagement_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("involvement_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("after_update_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", tas.core.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["involvement_id"], ["agency_involvement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("engagement_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_engagement_decision_involvement_id"), ["involvement_id"], unique=False
        )
    with op.batch_alter_table("outcome_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("what_changed", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("outcome_score", schema=None) as batch_op:
        batch_op.drop_column("what_changed")
    op.drop_table("engagement_decision")
