"""what the child and the family say, in the minutes for each child and at each plan review

Revision ID: 0020_child_and_family_words
Revises: 0019_engagement_and_impact
Create Date: 2026-12-06 23:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_child_and_family_words"
down_revision = "0019_engagement_and_impact"
branch_labels = None
depends_on = None

TABLES = ("agenda_item", "review")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("child_says", sa.Text(), nullable=True))
            batch_op.add_column(sa.Column("family_says", sa.Text(), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("family_says")
            batch_op.drop_column("child_says")
