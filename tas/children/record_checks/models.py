"""A request to the coordinators to check a child's NHS number or UPN that is already recorded on
a record the person adding the child may not see (issue 11, section 6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.organisations.models import School, User


class RecordCheck(db.Model):
    """Who asked, when, about which number, from which school. The child who already has the
    number is kept here for the coordinators, never shown to the person who asked."""

    __table_args__ = (CheckConstraint("field IN ('nhs_number', 'upn')", name="number_field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The school the child was being added to: the asker's own (a DSL), or one they are linked to.
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dealt_with_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dealt_with_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    school: Mapped[School] = relationship(foreign_keys=[school_id])
    dealt_with_by: Mapped[User | None] = relationship(foreign_keys=[dealt_with_by_id])

    @property
    def open(self) -> bool:
        return self.dealt_with_at is None
