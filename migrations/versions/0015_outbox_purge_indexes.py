"""sent emails deleted past their retention: the indexes the purge needs

Revision ID: 0015_outbox_purge_indexes
Revises: 0014_school_moves
Create Date: 2026-12-06 17:30:00

"""

from alembic import op

import tas.core.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0015_outbox_purge_indexes"
down_revision = "0014_school_moves"
branch_labels = None
depends_on = None

GP_FK = "fk_gp_notification_outbox_message_id_outbox_message"


def upgrade():
    # The purge finds sent messages by when they were sent, and each deleted message's
    # reminders and GP notifications by index (their link is set to NULL; what they record of
    # the sending stays on them).
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_sent_at"), ["sent_at"], unique=False)
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_outbox_message_id"), ["outbox_message_id"], unique=False
        )
    with op.batch_alter_table("gp_notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(GP_FK), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f(GP_FK),
            "outbox_message",
            ["outbox_message_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_gp_notification_outbox_message_id"), ["outbox_message_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("gp_notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gp_notification_outbox_message_id"))
        batch_op.drop_constraint(batch_op.f(GP_FK), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f(GP_FK), "outbox_message", ["outbox_message_id"], ["id"]
        )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_outbox_message_id"))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_sent_at"))
