"""school rooms (saved venues), sharing decisions that cover the coordinators, and when a
withdrawal of agreement was recorded

Revision ID: 0006_school_rooms
Revises: 0005_levels_reviews_reminders
Create Date: 2026-12-06 09:00:00

"""

from datetime import UTC, datetime, time, timedelta

from alembic import op
import sqlalchemy as sa

import tas.core.database


# revision identifiers, used by Alembic.
revision = "0006_school_rooms"
down_revision = "0005_levels_reviews_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "school_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", tas.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", tas.core.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_school_room_added_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_school_room_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_room")),
    )
    with op.batch_alter_table("school_room", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_room_school_id"), ["school_id"], unique=False)
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "coordinators_may_see", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "withdrawn_recorded_at", tas.core.database.UTCDateTime(timezone=True), nullable=True
            )
        )
    _withdrawals_recorded_at_the_end_of_their_day()


def _withdrawals_recorded_at_the_end_of_their_day():
    """Withdrawals recorded before this revision: taken as recorded at the end of the day they
    are dated (a sharing decision must be later to count)."""
    agreement = sa.table(
        "agreement",
        sa.column("id", sa.Integer),
        sa.column("withdrawn_on", sa.Date),
        sa.column("withdrawn_recorded_at", tas.core.database.UTCDateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(agreement.c.id, agreement.c.withdrawn_on).where(
            agreement.c.withdrawn_on.is_not(None)
        )
    ).all()
    for row_id, day in rows:
        end_of_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
        connection.execute(
            agreement.update()
            .where(agreement.c.id == row_id)
            .values(withdrawn_recorded_at=end_of_day)
        )


def downgrade():
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_recorded_at")
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.drop_column("coordinators_may_see")
    with op.batch_alter_table("school_room", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_room_school_id"))
    op.drop_table("school_room")
