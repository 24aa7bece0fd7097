"""What someone typed into a form that arrived after their session had timed out: kept, and
handed back once when they sign in again and open the same page (tas.core.forms.TasForm)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, ForeignKey, String, delete, exists, select
from sqlalchemy.orm import Mapped, mapped_column

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db


class PendingForm(db.Model):
    """What someone typed into a form that arrived after their session had timed out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def keep_pending_form(user_id: int, path: str, fields: list[tuple[str, str]]) -> None:
    """Keep what was typed into a form that arrived after the session timed out."""
    db.session.execute(
        delete(PendingForm).where(PendingForm.user_id == user_id, PendingForm.path == path)
    )
    db.session.add(PendingForm(user_id=user_id, path=path, fields=[list(f) for f in fields]))
    db.session.commit()


def take_pending_form(user_id: int, path: str) -> list[tuple[str, str]] | None:
    """Hand back, once, what this user typed into the form at this path before timing out."""
    cutoff = utcnow() - timedelta(hours=current_app.config["PENDING_FORM_HOURS"])
    pending = db.session.scalar(
        select(PendingForm)
        .where(PendingForm.user_id == user_id, PendingForm.path == path)
        .order_by(PendingForm.id.desc())
    )
    db.session.execute(delete(PendingForm).where(PendingForm.user_id == user_id))
    db.session.commit()
    if pending is None or pending.created_at < cutoff:
        return None
    return [(name, value) for name, value in pending.fields]


def form_waiting(user_id: int, path: str) -> bool:
    """Whether something this person typed at this path is kept for them."""
    return bool(
        db.session.scalar(
            select(exists().where(PendingForm.user_id == user_id, PendingForm.path == path))
        )
    )
