"""decisions recorded in minutes stay open until the referral or step change is recorded

Revision ID: 0010_decisions_from_minutes
Revises: 0009_record_checks
Create Date: 2026-12-06 09:00:00

"""

from alembic import op
import sqlalchemy as sa

import tas.core.database


# revision identifiers, used by Alembic.
revision = "0010_decisions_from_minutes"
down_revision = "0009_record_checks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "minutes_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=40), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("done_at", tas.core.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("step_change_id", sa.Integer(), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_minutes_decision_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_minutes_decision_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["user_account.id"],
            name=op.f("fk_minutes_decision_done_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_minutes_decision_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_minutes_decision_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["ifd_referral.id"],
            name=op.f("fk_minutes_decision_referral_id_ifd_referral"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["step_change_id"],
            ["step_change.id"],
            name=op.f("fk_minutes_decision_step_change_id_step_change"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_decision")),
        sa.UniqueConstraint("agenda_item_id", name=op.f("uq_minutes_decision_agenda_item_id")),
    )
    with op.batch_alter_table("minutes_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_minutes_decision_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_minutes_decision_done_at"), ["done_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_minutes_decision_meeting_id"), ["meeting_id"], unique=False
        )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_decisions_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("open_decisions_reason")
    with op.batch_alter_table("minutes_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_decision_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_decision_done_at"))
        batch_op.drop_index(batch_op.f("ix_minutes_decision_child_id"))
    op.drop_table("minutes_decision")
