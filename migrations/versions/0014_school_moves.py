"""the date of a child's change of school

Revision ID: 0014_school_moves
Revises: 0013_meeting_workflow
Create Date: 2026-12-06 09:00:00

"""

from alembic import op
import sqlalchemy as sa

import tas.core.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0014_school_moves"
down_revision = "0013_meeting_workflow"
branch_labels = None
depends_on = None


def upgrade():
    # The day the child moves (or moved) school, asked when the move is recorded. Moves
    # recorded before this was asked keep no day: the pages show the day they were recorded.
    with op.batch_alter_table("school_move", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("school_move", schema=None) as batch_op:
        batch_op.drop_column("moved_on")
