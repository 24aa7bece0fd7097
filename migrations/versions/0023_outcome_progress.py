"""when each outcome counts as improved, kept beside its scores for the drift flags

Revision ID: 0023_outcome_progress
Revises: 0022_second_factors
Create Date: 2026-12-07 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_outcome_progress"
down_revision = "0022_second_factors"
branch_labels = None
depends_on = None

# The periods of progress of every outcome scored so far, as tas.plans.outcomes.periods works
# them out (written out here, so that this migration stays as it is when the code moves on).
BACKFILL = """
INSERT INTO outcome_progress (outcome_id, plan_id, from_on, until_on)
SELECT outcome_id, plan_id, CASE WHEN position = 1 THEN NULL ELSE scored_on END, next_on
FROM (
    SELECT s.outcome_id AS outcome_id, o.plan_id AS plan_id, s.scored_on AS scored_on,
           s.score AS score,
           row_number() OVER (PARTITION BY s.outcome_id ORDER BY s.scored_on, s.id) AS position,
           lead(s.scored_on) OVER (PARTITION BY s.outcome_id ORDER BY s.scored_on, s.id)
               AS next_on,
           max(s.score) OVER (
               PARTITION BY s.outcome_id ORDER BY s.scored_on, s.id
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
           ) AS best_after
    FROM outcome_score s JOIN outcome o ON o.id = s.outcome_id
) AS scores
WHERE best_after > score AND (position = 1 OR next_on > scored_on)
"""


def upgrade():
    op.create_table(
        "outcome_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=True),
        sa.Column("until_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["outcome_id"], ["outcome.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["shared_plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outcome_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_progress_outcome_id"), ["outcome_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outcome_progress_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outcome_progress_until_on"), ["until_on"], unique=False
        )
    op.execute(BACKFILL)


def downgrade():
    op.drop_table("outcome_progress")
