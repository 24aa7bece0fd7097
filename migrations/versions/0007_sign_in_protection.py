"""sign-in protection: throttles by address, reset requests, refusals

Revision ID: 0007_sign_in_protection
Revises: 0006_school_rooms
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0007_sign_in_protection"
down_revision = "0006_school_rooms"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
