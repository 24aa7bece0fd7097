"""calendar conformance: due dates' sequence and last change

Revision ID: 0012_calendar_conformance
Revises: 0011_levels_of_need
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0012_calendar_conformance"
down_revision = "0011_levels_of_need"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
