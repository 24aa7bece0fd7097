"""Telling the school's link workers, at once, that a request to discuss a child waits for their
triage. Each message is a reminder row (so it shows in the app as a notification) and an email
naming no child: its subject names the school, and its link leads to the request in the app,
where access is checked. Sent in the transaction that saves the request, so a request refused
or not saved tells nobody."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from sqlalchemy import select

from tas.core.clock import local, utcnow
from tas.core.paths import path_for
from tas.extensions import db
from tas.meetings.models import TasRequest
from tas.organisations.models import User, link_worker_schools
from tas.outbox.services import queue
from tas.reminders.models import Reminder

log = logging.getLogger(__name__)

TARGET = "tas_request"  # reminder rows' target_kind for a request to discuss a child
NEW_REQUEST = "new_request"


def link_workers_of(school_id: int) -> list[User]:
    """The active link workers linked to the school: those who may triage its requests."""
    linked = select(link_worker_schools.c.user_id).where(
        link_worker_schools.c.school_id == school_id
    )
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == "link_worker", User.active.is_(True), User.id.in_(linked))
            .order_by(User.id)
        )
    )


def tell_link_workers(request: TasRequest, school_name: str) -> int:
    """Tell each link worker of the request's school that it waits for their triage, in the
    current transaction (flushed: the request has its id); how many were told."""
    now = utcnow()
    subject = f"A request to discuss a child at {school_name} is waiting for your triage"
    where = path_for("requests.request_page", request_id=request.id)
    people = link_workers_of(request.school_id)
    for person in people:
        row = Reminder(
            target_kind=TARGET,
            target_id=request.id,
            recipient_id=person.id,
            kind=NEW_REQUEST,
            send_on=local(now).date(),
            status="sent",
            subject=subject,
            link=where,
            sent_at=now,
        )
        db.session.add(row)
        body = render_template(
            "meetings/requests/email/new_request.txt",
            subject=subject,
            school=school_name,
            link=current_app.config["BASE_URL"].rstrip("/") + where,
        )
        try:
            message = queue([(person.email, person.name)], subject, body)
        except ValueError:
            log.warning("User %s has no usable email address: shown in the app only", person.id)
            continue
        db.session.flush()
        row.outbox_message_id = message.id
    return len(people)


def still_waiting(request_ids: set[int]) -> set[int]:
    """Of these requests, the ones still waiting for triage (one query)."""
    return set(
        db.session.scalars(
            select(TasRequest.id).where(
                TasRequest.id.in_(sorted(request_ids)), TasRequest.status == "awaiting_triage"
            )
        )
    )
