"""levels of need: returning level, lead practitioner change, social worker

Revision ID: 0011_levels_of_need
Revises: 0010_decisions_from_minutes
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0011_levels_of_need"
down_revision = "0010_decisions_from_minutes"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
