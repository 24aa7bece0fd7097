"""requests to check an already-recorded child

Revision ID: 0009_record_checks
Revises: 0008_audit_owner
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0009_record_checks"
down_revision = "0008_audit_owner"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
