"""Refusals of signed-in people on record pages, logged and counted (docs/security.md G30; issue 11,
section 3).

A 403 or 404 answered to a signed-in person on a URL about one record (a rule with a number in
it: /children/<int:child_id>, /meetings/<int:meeting_id>/...) is written to the application log
(user id, endpoint, record ids: never names, never the query string) and counted. REPEATED_REFUSALS
within REPEATED_REFUSALS_WINDOW_MINUTES put one "repeated_refusals" entry in the audit log, which
administrators and district-wide coordinators see on /audit/refusals: someone trying record
after record may be looking for children they have no need to know about. Unknown addresses (no
URL rule) are not counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload, selectinload

from tas.audit.models import AccessRefusal, AuditEvent
from tas.audit.services import record
from tas.core.clock import utcnow
from tas.core.paging import window
from tas.core.transactions import lock, write_transaction
from tas.extensions import db
from tas.organisations.models import User

REFUSED = (403, 404)
ACTION = "repeated_refusals"


def register(app: Flask) -> None:
    """Count every refusal of a signed-in person on a record page, after the page is made."""

    @app.after_request
    def _count_refusal(response: Response) -> Response:
        if response.status_code in REFUSED:
            refused(response.status_code)
        return response


def record_ids() -> dict[str, int]:
    """The record ids in this request's URL rule (its number parts), by name."""
    return {k: v for k, v in (request.view_args or {}).items() if type(v) is int}


def refused(status: int) -> None:
    """Log and count this refusal when it is a signed-in person's, on a record URL."""
    ids = record_ids() if request.url_rule is not None else {}
    if not ids or not current_user.is_authenticated:
        return
    user_id, endpoint = current_user.id, str(request.endpoint)[:100]
    current_app.logger.warning("Refused %s: user %s, %s %s", status, user_id, endpoint, _words(ids))
    # Whatever the refused request left unsaved is dropped, never committed with the count.
    db.session.rollback()
    try:
        _count(user_id, status, endpoint, ids)
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not count a refusal for user %s", user_id)


def _words(ids: dict[str, int]) -> str:
    return ", ".join(f"{name} {value}" for name, value in sorted(ids.items()))


def _count(user_id: int, status: int, endpoint: str, ids: dict[str, int]) -> None:
    """Add the refusal; the first time the person reaches the limit within the window (and
    once per window after that), add the audit entry."""
    config = current_app.config
    now = utcnow()
    since = now - timedelta(minutes=config["REPEATED_REFUSALS_WINDOW_MINUTES"])
    with write_transaction():
        lock(f"refusals:{user_id}")
        db.session.add(
            AccessRefusal(at=now, user_id=user_id, status=status, endpoint=endpoint, record_ids=ids)
        )
        db.session.flush()
        endpoints = Counter(
            db.session.scalars(
                select(AccessRefusal.endpoint).where(
                    AccessRefusal.user_id == user_id, AccessRefusal.at > since
                )
            )
        )
        count = sum(endpoints.values())
        if count < config["REPEATED_REFUSALS"] or _reported_since(user_id, since):
            return
        record(
            ACTION,
            actor=db.session.get(User, user_id),
            detail={
                "count": count,
                "window_minutes": config["REPEATED_REFUSALS_WINDOW_MINUTES"],
                "endpoints": dict(sorted(endpoints.items())),
            },
        )


def _reported_since(user_id: int, since: datetime) -> bool:
    return (
        db.session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.action == ACTION, AuditEvent.actor_id == user_id)
            .where(AuditEvent.at > since)
            .limit(1)
        )
        is not None
    )


# ---------------------------------------------------------------- the page


def may_see(user) -> bool:
    """Administrators and district-wide coordinators: refusals anywhere in the district, of
    any role, which a coordinator of some clusters has no need to know."""
    if not user.active:
        return False
    return user.role == "admin" or (user.role == "coordinator" and bool(user.district_wide))


@dataclass(frozen=True)
class RefusalsPage:
    entries: list[AuditEvent]
    total: int
    number: int
    pages: int


def page_of(page: int) -> RefusalsPage:
    """Repeated refusals, newest first, a page at a time, with who they were: four queries
    whatever the number (the count, the entries with their people, their schools, agencies)."""
    size = current_app.config["PAGE_SIZE"]
    repeated = AuditEvent.action == ACTION
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(repeated))
    shown = window(page, total, size)
    entries = db.session.scalars(
        select(AuditEvent)
        .where(repeated)
        .options(
            joinedload(AuditEvent.actor).options(
                selectinload(User.school), selectinload(User.agency)
            )
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(shown.size)
        .offset(shown.start)
    ).all()
    return RefusalsPage(entries=list(entries), total=total, number=shown.number, pages=shown.pages)
