"""calendar conformance: due dates' sequence and last change

Revision ID: 0012_calendar_conformance
Revises: 0011_levels_of_need
Create Date: 2026-12-06 09:00:00

"""

from alembic import op
import sqlalchemy as sa

import tas.core.database


# revision identifiers, used by Alembic.
revision = "0012_calendar_conformance"
down_revision = "0011_levels_of_need"
branch_labels = None
depends_on = None


def upgrade():
    # A review or action due date's calendar revision: SEQUENCE and LAST-MODIFIED in feeds.
    # Dates already set count as set now (their LAST-MODIFIED), at revision 0.
    with op.batch_alter_table("shared_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_sequence", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "review_changed_at", tas.core.database.UTCDateTime(timezone=True), nullable=True
            )
        )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("due_sequence", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("due_changed_at", tas.core.database.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE shared_plan SET review_changed_at = CURRENT_TIMESTAMP "
        "WHERE next_review_on IS NOT NULL"
    )
    op.execute("UPDATE action SET due_changed_at = CURRENT_TIMESTAMP WHERE due_on IS NOT NULL")


def downgrade():
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_column("due_changed_at")
        batch_op.drop_column("due_sequence")
    with op.batch_alter_table("shared_plan", schema=None) as batch_op:
        batch_op.drop_column("review_changed_at")
        batch_op.drop_column("review_sequence")
