"""a GP notification's version, so that two answers from one practice cannot overwrite each other

Revision ID: 0024_gp_reply_version
Revises: 0023_outcome_progress
Create Date: 2026-12-08 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_gp_reply_version"
down_revision = "0023_outcome_progress"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("gp_notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade():
    with op.batch_alter_table("gp_notification", schema=None) as batch_op:
        batch_op.drop_column("version")
