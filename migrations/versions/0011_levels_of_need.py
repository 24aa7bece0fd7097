"""levels of need: returning level, lead practitioner change, social worker

Revision ID: 0011_levels_of_need
Revises: 0010_decisions_from_minutes
Create Date: 2026-12-06 09:00:00

"""

from alembic import op
import sqlalchemy as sa

import tas.core.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0011_levels_of_need"
down_revision = "0010_decisions_from_minutes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shared_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returned_to_level", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("social_worker_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("social_worker_team", sa.String(length=200), nullable=True))
    with op.batch_alter_table("step_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_lead_practitioner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_step_change_new_lead_practitioner_id_user_account"),
            "user_account",
            ["new_lead_practitioner_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("step_change", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_step_change_new_lead_practitioner_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("new_lead_practitioner_id")
    with op.batch_alter_table("shared_plan", schema=None) as batch_op:
        batch_op.drop_column("social_worker_team")
        batch_op.drop_column("social_worker_name")
        batch_op.drop_column("returned_to_level")
