"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.organisations.models import User


class AuditEvent(db.Model):
    """Who did what to which record, when and from where. Rows are never changed or deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()


class AccessRefusal(db.Model):
    """A signed-in person refused (403 or 404) a page about one record: who, which route and
    which record ids, never names or the query string. Counted, so repeated refusals reach the
    audit log (docs/security.md G30); kept only as long as the count needs them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[int] = mapped_column(Integer)
    endpoint: Mapped[str] = mapped_column(String(100))
    record_ids: Mapped[dict] = mapped_column(JSON, default=dict)
