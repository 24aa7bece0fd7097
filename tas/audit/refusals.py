"""Refusals of signed-in people on record pages, logged and counted (docs/security.md G30; issue 11,
section 3).

A 403 or 404 answered to a signed-in person on a URL about one record (a rule with a number in
it: /children/<int:child_id>, /meetings/<int:meeting_id>/...) is written to the application log
(user id, endpoint, record ids: never names, never the query string) and counted. REPEATED_REFUSALS
within REPEATED_REFUSALS_WINDOW_MINUTES put one "repeated_refusals" entry in the audit log, which
administrators and district-wide coordinators see on /audit/refusals: someone trying record
after record may be looking for children they have no need to know about. Unknown addresses (no
URL rule) are not counted.

No second entry is made while the first stands (its window after it), so the refusals of that
hour are added up once it has passed, by the scheduler's pass, in a "repeated_refusals_ended"
entry about the first (`total_up`): the page shows every refusal, not only the first ten.
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
ENDED = "repeated_refusals_ended"  # the refusals while an entry stood, added up after it


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


# ---------------------------------------------------------------- adding up


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["REPEATED_REFUSALS_WINDOW_MINUTES"])


def _stretch(entry: AuditEvent, refusals, previous: dict[int, datetime]) -> Counter:
    """The pages refused that an entry stands for: the window before it (which reached the
    limit) and the window after it (when no other entry is made), by endpoint; never those the
    person's entry before it stands for already (its window after ends where this one's
    starts), so a refusal is counted once however long they go on."""
    span = _window()
    starts = entry.at - span
    if entry.id in previous:
        starts = max(starts, previous[entry.id] + span)
    return Counter(
        endpoint
        for user_id, at, endpoint in refusals
        if user_id == entry.actor_id and starts < at <= entry.at + span
    )


def _previous(entries) -> dict[int, datetime]:
    """Each entry's id -> when the same person's entry before it was made, when that was
    recent enough for their windows to meet (one query)."""
    if not entries:
        return {}
    reach = 2 * _window()
    earlier = db.session.execute(
        select(AuditEvent.id, AuditEvent.actor_id, AuditEvent.at).where(
            AuditEvent.action == ACTION,
            AuditEvent.actor_id.in_({entry.actor_id for entry in entries}),
            AuditEvent.at > min(entry.at for entry in entries) - reach,
            AuditEvent.at <= max(entry.at for entry in entries),
        )
    ).all()
    found = {}
    for entry in entries:
        before = [
            at
            for row_id, actor_id, at in earlier
            if actor_id == entry.actor_id and (at, row_id) < (entry.at, entry.id)
        ]
        if before and entry.at - max(before) < reach:
            found[entry.id] = max(before)
    return found


def _refusals_of(entries) -> list:
    """The refusals still kept of the people of these entries (user id, when, endpoint)."""
    if not entries:
        return []
    since = min(entry.at for entry in entries) - _window()
    return db.session.execute(
        select(AccessRefusal.user_id, AccessRefusal.at, AccessRefusal.endpoint).where(
            AccessRefusal.user_id.in_({entry.actor_id for entry in entries}),
            AccessRefusal.at > since,
        )
    ).all()


def total_up(now: datetime) -> int:
    """Add up the refusals of each entry whose window after it has passed, once, in the
    audit log (before tas.retention deletes them, a day on at least): how many were added."""
    span = _window()
    added_up = select(AuditEvent.target_id).where(
        AuditEvent.action == ENDED, AuditEvent.target_type == "AuditEvent"
    )
    entries = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == ACTION,
            AuditEvent.at <= now - span,
            AuditEvent.at > now - span - timedelta(days=1),
            AuditEvent.id.not_in(added_up),
        )
    ).all()
    refusals = _refusals_of(entries)
    previous = _previous(entries)
    for entry in entries:
        endpoints = _stretch(entry, refusals, previous)
        if not endpoints:  # the refusals were deleted meanwhile: the count when it was made
            endpoints = Counter(entry.detail.get("endpoints") or {})
        record(
            ENDED,
            target=entry,
            actor=entry.actor,
            detail={"count": sum(endpoints.values()), "endpoints": dict(sorted(endpoints.items()))},
        )
    db.session.commit()
    return len(entries)


# ---------------------------------------------------------------- the page

# What each record a page is about is called, by the name of its id in the URL rule.
RECORDS = {
    "child_id": "Child's record",
    "meeting_id": "Meeting",
    "user_id": "Person's account",
    "review_id": "Review",
    "request_id": "TAS request",
    "notification_id": "GP notification",
    "message_id": "Email",
    "basis_id": "Lawful basis",
    "school_id": "School",
    "agency_id": "Agency",
    "cluster_id": "Cluster",
    "series_id": "Meeting series",
    "term_id": "Term",
    "room_id": "Room",
    "reminder_id": "Notification",
    "check_id": "Record check",
    "session_id": "Session",
    "passkey_id": "Passkey",
}
GONE = "A page no longer in the service"


def page_name(rule: str) -> str:
    """A record page in words, from its URL rule: the record it is about, then the parts of
    its address after it ("/children/<int:child_id>/family/lives-with" is "Child's record:
    family, lives with")."""
    parts = rule.strip("/").split("/")
    first = next((n for n, part in enumerate(parts) if part.startswith("<int:")), None)
    if first is None:
        return GONE
    record_name = parts[first][len("<int:") : -1]
    named = RECORDS.get(record_name, record_name.removesuffix("_id").replace("_", " ").capitalize())
    after = [
        "calendar file" if part.endswith(".ics") else part.replace("-", " ")
        for part in parts[first + 1 :]
        if not part.startswith("<")
    ]
    return f"{named}: {', '.join(after)}" if after else named


def page_names(endpoints: dict[str, int]) -> dict[str, int]:
    """Pages refused (endpoint -> times) in words, as the page shows them."""
    rules = {rule.endpoint: rule.rule for rule in current_app.url_map.iter_rules()}
    named: Counter = Counter()
    for endpoint, times in endpoints.items():
        named[page_name(rules[endpoint]) if endpoint in rules else GONE] += times
    return dict(sorted(named.items()))


@dataclass(frozen=True)
class Repeated:
    """One entry: who, when, how many pages they were refused while it stood, and which."""

    entry: AuditEvent
    count: int
    pages: dict[str, int]


@dataclass(frozen=True)
class RefusalsPage:
    entries: list[Repeated]
    total: int
    number: int
    pages: int


def page_of(page: int) -> RefusalsPage:
    """Repeated refusals, newest first, a page at a time, with who they were and every refusal
    each stands for: six queries whatever the number (the count, the entries with their
    people, their schools, agencies, the totals added up, the refusals not added up yet)."""
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
    ended = {
        row.target_id: row.detail
        for row in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == ENDED,
                AuditEvent.target_type == "AuditEvent",
                AuditEvent.target_id.in_([entry.id for entry in entries]),
            )
        )
    }
    live = [entry for entry in entries if entry.id not in ended]
    refusals, previous = _refusals_of(live), _previous(live)
    rows = []
    for entry in entries:
        endpoints = ended.get(entry.id, {}).get("endpoints") or _stretch(entry, refusals, previous)
        if not endpoints:  # the refusals were deleted meanwhile: the count when it was made
            endpoints = entry.detail.get("endpoints") or {}
        rows.append(Repeated(entry, sum(endpoints.values()), page_names(endpoints)))
    return RefusalsPage(entries=rows, total=total, number=shown.number, pages=shown.pages)
