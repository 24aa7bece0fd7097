"""school rooms (saved venues)

Revision ID: 0006_school_rooms
Revises: 0005_levels_reviews_reminders
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0006_school_rooms"
down_revision = "0005_levels_reviews_reminders"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
