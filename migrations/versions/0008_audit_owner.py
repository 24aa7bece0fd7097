"""audit log the application cannot erase

Revision ID: 0008_audit_owner
Revises: 0007_sign_in_protection
Create Date: 2026-12-06 09:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import tas.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0008_audit_owner"
down_revision = "0007_sign_in_protection"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
