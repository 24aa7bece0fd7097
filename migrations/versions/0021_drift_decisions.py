"""decisions about a plan that drifted

Revision ID: 0021_drift_decisions
Revises: 0020_child_and_family_words
Create Date: 2026-12-06 23:20:00

"""

import sqlalchemy as sa
from alembic import op

import tas.core.database

# revision identifiers, used by Alembic.
revision = "0021_drift_decisions"
down_revision = "0020_child_and_family_words"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drift_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", tas.core.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["shared_plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("drift_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drift_decision_plan_id"), ["plan_id"], unique=False)


def downgrade():
    op.drop_table("drift_decision")
