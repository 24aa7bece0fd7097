"""decisions recorded in minutes stay open until the referral or step change is recorded

Revision ID: 0010_decisions_from_minutes
Revises: 0009_record_checks
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0010_decisions_from_minutes"
down_revision = "0009_record_checks"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
