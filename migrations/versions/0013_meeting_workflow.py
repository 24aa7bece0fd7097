"""meeting workflow: confirmed holiday bookings, series answers

Revision ID: 0013_meeting_workflow
Revises: 0012_calendar_conformance
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.core.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0013_meeting_workflow"
down_revision = "0012_calendar_conformance"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
