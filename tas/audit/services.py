"""Record audit events; the caller's service commits them with its own change."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from tas.audit.models import AuditEvent
from tas.core.transactions import commit_keeping_loaded
from tas.core.use_cases import commit
from tas.extensions import db
from tas.organisations.models import User

SECRET_WORDS = ("password", "token", "secret", "session", "csrf")
Row = TypeVar("Row")


def record(
    action: str,
    *,
    target: object | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    detail: dict | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Add one audit row to the current transaction: who, what, which record, when, from where."""
    if target is not None:
        target_type = target_type or type(target).__name__
        target_id = target_id if target_id is not None else target.id
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    clean = {k: v for k, v in (detail or {}).items() if not any(w in k for w in SECRET_WORDS)}
    event_row = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=clean,
        actor_id=actor.id if actor else None,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event_row)
    return event_row


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context, _instances) -> None:
    """The application itself can never change or delete an audit row."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise PermissionError("Audit events are append-only")


def add_audited(row: Row, action: str, detail: dict) -> Row:
    """Add a new record and its audit entry (`action`, about the record, with `detail`), and
    commit once: what a use case that only adds a record does."""
    db.session.add(row)

    def write() -> Row:
        db.session.flush()
        record(action, target=row, detail=detail)
        return row

    return commit(write)


def audit_view(action: str, **what) -> None:
    """Record that a person opened a page about a child or their records, and keep it at once:
    a read changes nothing else, so the entry is committed on its own (docs/security.md), and
    what the request has loaded stays loaded."""
    record(action, **what)
    commit_keeping_loaded()


def plain(value: Any) -> Any:
    """A value as the audit log and action history keep it (JSON): dates as ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def audit_fields(values: dict, **ids: int) -> dict:
    """What the audit log keeps of a change: the names of the fields and the ids involved, never
    what was typed (the append-only log could never forget a child's details)."""
    return {"fields": sorted(values), **ids}
