"""a person's own TAS requests found by index

Revision ID: 0016_request_requester_index
Revises: 0015_outbox_purge_indexes
Create Date: 2026-12-06 19:40:00

"""

from alembic import op

import tas.core.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0016_request_requester_index"
down_revision = "0015_outbox_purge_indexes"
branch_labels = None
depends_on = None


def upgrade():
    # The requests list finds a person's own requests by who made them (index first,
    # tas/meetings/access.py requests_visible), beside their schools' requests.
    with op.batch_alter_table("tas_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tas_request_requested_by_id"), ["requested_by_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("tas_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tas_request_requested_by_id"))
