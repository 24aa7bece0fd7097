"""Personal subscription feeds (docs/security.md F26-F28): a secret link to a calendar of the
user's own meetings (invited, organising or chairing) from 30 days back to a year ahead, and
their own plan review and action due dates as all-day entries naming only a plan reference.

- The link's secret is a credential of the person's account (tas/auth/feed_links.py): only its
  SHA-256 is stored, it is shown once (never flashed: the session is a cookie), and never
  logged: tas.logs redacts `/feed/<secret>` in every request log, and audit rows carry ids only.
  A rotated or revoked link, any link of a deactivated user, and every link while the
  partnership has turned feeds off (CALENDAR_FEEDS) answer 404.
- The feed reads a fixed number of queries, whatever it holds, and carries an ETag (a hash of
  the body: every stamp in it is stable) with `Cache-Control: private, no-cache`, so calendar
  programs revalidate with If-None-Match (a 304 when nothing changed) rather than keep a copy
  blind; the calendar asks to be refreshed every hour (REFRESH-INTERVAL, X-PUBLISHED-TTL).
- It is a PUBLISH calendar (RFC 5546 3.2.1): no ATTENDEE, an ORGANIZER on every event (due
  dates too). A cancelled meeting says "Cancelled:" in its summary and leaves the feed once its
  day is over; a due date's SEQUENCE and LAST-MODIFIED change whenever its date does.

The secret travels in the URL because calendar programs cannot send anything else: the one
documented exception to "no secrets in URLs" (ASVS 14.2.1).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Response, current_app, request
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload

from tas.auth.models import CalendarFeed
from tas.core.clock import LONDON, utcnow
from tas.core.paths import path_for
from tas.extensions import db
from tas.ical import build
from tas.ical.facts import published_facts, uid_domain
from tas.ical.models import FeedMiss
from tas.meetings.access import own_meetings
from tas.meetings.models import Meeting
from tas.organisations.models import User
from tas.plans.models import Action, SharedPlan
from tas.plans.rules import OPEN_ACTION_STATUSES, plan_reference
from tas.plans.services import HANDOVER_MEETING, handover_pending

FEED_NAME = "TAS meetings"
DAYS_BACK = 30
DAYS_AHEAD = 366


# --- the calendar ---------------------------------------------------------------------------


def _link(endpoint: str, **values) -> str:
    """The page's address in the app, built from its route (ids only, never a name)."""
    return current_app.config["BASE_URL"].rstrip("/") + path_for(endpoint, **values)


def meetings_of(user: User, now: datetime) -> list[Meeting]:
    """The user's own meetings (invited, directly or through their agency, organising or
    chairing: `access.own_meetings`) in the feed's window: one query."""
    return list(
        db.session.scalars(
            select(Meeting)
            .options(
                joinedload(Meeting.school),
                joinedload(Meeting.chair),
                joinedload(Meeting.organiser),
            )
            .where(
                own_meetings(user, now),
                Meeting.ends_at >= now - timedelta(days=DAYS_BACK),
                # A cancelled meeting stays (as cancelled) until its day is over, then goes.
                or_(Meeting.status != "cancelled", Meeting.ends_at >= _day_start(now)),
                Meeting.starts_at <= now + timedelta(days=DAYS_AHEAD),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def _day_start(now: datetime) -> datetime:
    """The start of today in London."""
    return datetime.combine(now.astimezone(LONDON).date(), time(0), tzinfo=LONDON)


def due_dates_of(user: User, now: datetime, stamp: datetime) -> list[build.DueDate]:
    """The user's own review and action due dates in the window, by plan reference only."""
    today = now.astimezone(LONDON).date()
    first, last = today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
    reviews = db.session.execute(
        select(
            SharedPlan.id,
            SharedPlan.child_id,
            SharedPlan.next_review_on,
            SharedPlan.review_sequence,
            SharedPlan.review_changed_at,
            handover_pending(),
        )
        .where(
            SharedPlan.lead_practitioner_id == user.id,
            SharedPlan.status == "open",
            SharedPlan.next_review_on.between(first, last),
        )
        .order_by(SharedPlan.next_review_on, SharedPlan.id)
    ).all()
    actions = db.session.execute(
        select(
            Action.id,
            Action.plan_id,
            SharedPlan.child_id,
            Action.due_on,
            Action.due_sequence,
            Action.due_changed_at,
        )
        .join(SharedPlan, SharedPlan.id == Action.plan_id)
        .where(
            Action.owner_user_id == user.id,
            Action.status.in_(sorted(OPEN_ACTION_STATUSES)),
            SharedPlan.status != "closed",
            Action.due_on.between(first, last),
        )
        .order_by(Action.due_on, Action.id)
    ).all()
    organiser = {
        "organiser_name": current_app.config["SERVICE_NAME"],
        "organiser_email": current_app.config["CALENDAR_ORGANISER_EMAIL"],
    }
    found = [
        build.DueDate(
            uid=f"tas-plan-review-{plan_id}@{uid_domain()}",
            stamp=stamp,
            day=day,
            summary=f"{HANDOVER_MEETING if handover else 'Plan review'} due: "
            f"{plan_reference(plan_id)}",
            url=(link := _link("plans.plan", child_id=child_id, plan_id=plan_id)),
            description=f"See the plan in TAS Coordinator: {link}",
            sequence=sequence or 0,
            modified=changed_at,
            **organiser,
        )
        for plan_id, child_id, day, sequence, changed_at, handover in reviews
    ]
    found += [
        build.DueDate(
            uid=f"tas-action-{action_id}@{uid_domain()}",
            stamp=stamp,
            day=day,
            summary=f"Action due: {plan_reference(plan_id)}",
            url=(link := _link("plans.action", child_id=child_id, action_id=action_id)),
            description=f"See the action in TAS Coordinator: {link}",
            sequence=sequence or 0,
            modified=changed_at,
            **organiser,
        )
        for action_id, plan_id, child_id, day, sequence, changed_at in actions
    ]
    return found


def feed_calendar(feed: CalendarFeed, user: User, now: datetime | None = None) -> bytes:
    """The feed's body. Every DTSTAMP is a stored time, so the same data gives the same bytes."""
    now = now or utcnow()
    events = [build.meeting_event(published_facts(meeting)) for meeting in meetings_of(user, now)]
    events += [build.due_date_event(due) for due in due_dates_of(user, now, feed.created_at)]
    cal = build.calendar(
        events,
        method="PUBLISH",
        name=FEED_NAME,
        uid=f"tas-feed-{user.id}@{uid_domain()}",
        subscribed=True,
    )
    return build.to_bytes(cal)


# --- pages ----------------------------------------------------------------------------------


def not_found() -> Response:
    """A plain 404: no page, no session, nothing to tell a guessed link from a revoked one."""
    return Response("Not found\n", status=404, mimetype="text/plain")


def _client() -> str:
    return (request.remote_addr or "unknown")[:64]


def too_many_misses(now: datetime) -> bool:
    """This client's wrong feed links in the last window reached the limit (one query)."""
    config = current_app.config
    since = now - timedelta(minutes=config["FEED_MISS_WINDOW_MINUTES"])
    misses = db.session.scalar(
        select(func.count(FeedMiss.id)).where(FeedMiss.client == _client(), FeedMiss.at > since)
    )
    return (misses or 0) >= config["FEED_MISS_LIMIT"]


def missed(now: datetime) -> Response:
    """Count a wrong link against the client (old counts are cleared as it goes)."""
    window = timedelta(minutes=current_app.config["FEED_MISS_WINDOW_MINUTES"])
    db.session.execute(delete(FeedMiss).where(FeedMiss.at < now - window))
    db.session.add(FeedMiss(client=_client(), at=now))
    db.session.commit()
    return not_found()


def slow_down() -> Response:
    minutes = current_app.config["FEED_MISS_WINDOW_MINUTES"]
    response = Response("Too many requests\n", status=429, mimetype="text/plain")
    response.headers["Retry-After"] = str(minutes * 60)
    return response
