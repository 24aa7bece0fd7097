"""NHS numbers and UPNs already recorded, and requests to the coordinators to check them
(issue 11, section 6: no existence oracle when adding a child).

A number another record has stops the child being added. When the person may see that record
they are pointed to it; when they may not, they get the same words whoever holds it and at
whichever school (rules.number_recorded_message), and may ask the coordinator to check. The
request keeps who asked, when, which number, the school they were adding the child to and their
note; the child who has the number is kept for the coordinators alone.

The coordinators who cover that child's school see the request (district-wide ones see every
request) and are emailed, naming no child and carrying no note: the cluster's coordinators, or
the district-wide ones when nobody covers the cluster. They open the child's record only through
the reason page, as for any record, and mark the request dealt with, with a note. Refusals,
requests and resolutions are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import abort, current_app, render_template, url_for
from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children import access, rules
from tas.children.access import Access
from tas.children.models import Child
from tas.children.record_checks.models import RecordCheck
from tas.core.clock import utcnow
from tas.core.paging import window
from tas.core.use_cases import Refused, StaleEdit, commit
from tas.extensions import db
from tas.organisations.models import School, User, coordinator_clusters
from tas.outbox.services import queue

ALREADY_DEALT_WITH = "Another coordinator has already dealt with this request"


class NumberRecorded(Refused):
    """Other records have numbers typed for a new child: the field errors, the children this
    person may open (field -> child id) and the fields whose record they may not see."""

    def __init__(self, problems: dict[str, str], seen: dict[str, int], unseen: list[str]):
        super().__init__(problems)
        self.seen = seen
        self.unseen = unseen


# ---------------------------------------------------------------- numbers already recorded


def recorded(values: dict, exclude_id: int | None = None) -> dict[str, int]:
    """Which of the child's numbers another child already has: field -> that child's id."""
    found = {}
    for field in rules.NUMBER_FIELDS:
        value = values.get(field)
        if not value:
            continue
        query = select(Child.id).where(getattr(Child, field) == value)
        if exclude_id is not None:
            query = query.where(Child.id != exclude_id)
        child_id = db.session.scalar(query.limit(1))
        if child_id is not None:
            found[field] = child_id
    return found


def refusal(user: User, found: dict[str, int], *, can_ask: bool) -> NumberRecorded:
    """The field errors for numbers already recorded, by whether this person may see the child."""
    seen, unseen, problems = {}, [], {}
    for field, child_id in found.items():
        visible = access.access_to(user, child_id) != Access.NONE
        if visible:
            seen[field] = child_id
        else:
            unseen.append(field)
        problems[field] = rules.number_recorded_message(field, seen=visible, can_ask=can_ask)
    return NumberRecorded(problems, seen, unseen)


def audit_found(found: dict[str, int]) -> None:
    """Audit, and commit at once, each number typed that another record has (who tried which
    number's field against which record), so probing numbers shows, whichever form it was."""
    for field, child_id in found.items():
        record(
            "child_number_already_recorded",
            target_type="Child",
            target_id=child_id,
            detail={"field": field},
        )
    db.session.commit()


def numbers_recorded(user: User, values: dict) -> NumberRecorded | None:
    """What adding a child with these numbers would be refused for, audited: numbers another
    record has (None when no other record has them)."""
    found = recorded(values)
    if not found:
        return None
    audit_found(found)
    return refusal(user, found, can_ask=True)


def refuse_if_recorded(user: User, values: dict) -> None:
    """Stop adding a child whose numbers another record has, audited."""
    refused = numbers_recorded(user, values)
    if refused is not None:
        raise refused


# ---------------------------------------------------------------- asking


def ask(user: User, values: dict, note: str | None) -> list[RecordCheck]:
    """Ask the coordinators to check each number typed for a new child that a record this
    person may not see already has; audited, the coordinators emailed, committed once."""
    found = recorded(values)
    refused = refusal(user, found, can_ask=True)
    if not refused.unseen:
        if refused.problems:
            raise refused
        raise Refused(_nothing_to_check(values))
    _refuse_too_many(user, len(refused.unseen))
    checks = [
        RecordCheck(
            child_id=found[field],
            field=field,
            asked_by_id=user.id,
            school_id=values["school_id"],
            note=note or None,
        )
        for field in refused.unseen
    ]
    db.session.add_all(checks)

    def write() -> None:
        db.session.flush()
        for check in checks:
            record(
                "record_check_requested",
                target=check,
                detail={"field": check.field, "child_id": check.child_id},
            )
            _tell_coordinators(user, check)

    commit(write)
    return checks


def _refuse_too_many(user: User, asking: int) -> None:
    """Each request emails the coordinators: a person asks at most RECORD_CHECKS_PER_HOUR an
    hour (the form and what was typed stay; the coordinator can still be phoned)."""
    limit = current_app.config["RECORD_CHECKS_PER_HOUR"]
    asked = db.session.scalar(
        select(func.count(RecordCheck.id)).where(
            RecordCheck.asked_by_id == user.id, RecordCheck.asked_at > utcnow() - timedelta(hours=1)
        )
    )
    if asked + asking > limit:
        record("record_check_throttled", detail={"asked_in_the_last_hour": asked})
        db.session.commit()
        raise Refused(
            {
                "check_note": f"You have asked the coordinator to check {asked} numbers in the "
                "last hour: try again later, or phone the coordinator"
            }
        )


def _nothing_to_check(values: dict) -> dict[str, str]:
    for field, words in rules.NUMBER_FIELDS.items():
        if values.get(field):
            return {field: f"This {words} is not recorded on another record now: save the child"}
    return {"nhs_number": "Enter the NHS number or UPN for the coordinator to check"}


def _tell_coordinators(asker: User, check: RecordCheck) -> None:
    """Email the coordinators of the child's cluster (else the district-wide ones), one each;
    the subject and body name no child and carry no number or note."""
    school = select(Child.school_id).where(Child.id == check.child_id).scalar_subquery()
    cluster = select(School.cluster_id).where(School.id == school).scalar_subquery()
    of_cluster = select(coordinator_clusters.c.user_id).where(
        coordinator_clusters.c.cluster_id == cluster
    )
    coordinators = select(User).where(User.role == "coordinator", User.active.is_(True))
    people = db.session.scalars(coordinators.where(User.id.in_(of_cluster))).all()
    if not people:
        people = db.session.scalars(coordinators.where(User.district_wide.is_(True))).all()
    reference = rules.check_reference(check.id)
    base = current_app.config["BASE_URL"].rstrip("/")
    body = render_template(
        "children/email/record_check.txt",
        asker=asker,
        school=db.session.get(School, check.school_id),
        number=rules.NUMBER_FIELDS[check.field],
        reference=reference,
        link=base + url_for("children.record_check", check_id=check.id),
        config=current_app.config,
    )
    for person in people:
        queue([(person.email, person.name)], f"Request to check a record: {reference}", body)


# ---------------------------------------------------------------- the coordinators' pages


def may_see_checks(user: User) -> bool:
    """Only coordinators see requests to check a record (which ones: `covered`)."""
    return user.role == "coordinator"


def covered(user: User) -> ColumnElement[bool]:
    """Requests about a child at a school this coordinator covers (the children's own rule)."""
    return exists().where(Child.id == RecordCheck.child_id, access.covered_by_coordinator(user))


@dataclass(frozen=True)
class ChecksPage:
    rows: list[RecordCheck]
    number: int
    pages: int
    total: int


def page_of(user: User, page: int) -> ChecksPage:
    """The requests this coordinator may see, open ones first, then the newest: two queries
    whatever their number."""
    total = db.session.scalar(select(func.count(RecordCheck.id)).where(covered(user))) or 0
    size = current_app.config["PAGE_SIZE"]
    shown = window(page, total, size)
    rows = db.session.scalars(
        select(RecordCheck)
        .where(covered(user))
        .options(joinedload(RecordCheck.asked_by), joinedload(RecordCheck.school))
        .order_by(
            RecordCheck.dealt_with_at.is_not(None), RecordCheck.asked_at.desc(), RecordCheck.id
        )
        .limit(shown.size)
        .offset(shown.start)
    ).all()
    return ChecksPage(list(rows), shown.number, shown.pages, total)


def require_check(user: User, check_id: int) -> RecordCheck:
    """The request, for a coordinator who covers its child's school: 403 for anyone who never
    sees requests, 404 for a coordinator who does not cover it (or no such request)."""
    if not may_see_checks(user):
        abort(403)
    check = db.session.scalars(
        select(RecordCheck)
        .where(RecordCheck.id == check_id, covered(user))
        .options(
            joinedload(RecordCheck.asked_by),
            joinedload(RecordCheck.school),
            joinedload(RecordCheck.dealt_with_by),
        )
    ).one_or_none()
    if check is None:
        abort(404)
    return check


def deal_with(user: User, check: RecordCheck, version: int | None, outcome: str) -> None:
    """Mark the request dealt with, with the coordinator's note, audited; the person who asked
    is emailed that it was (not the note). Refused when another coordinator got there first."""
    if version is None or version != check.version:
        raise StaleEdit
    if not check.open:
        raise Refused({"outcome": ALREADY_DEALT_WITH})
    check.dealt_with_at = utcnow()
    check.dealt_with_by_id = user.id
    check.outcome = outcome

    def write() -> None:
        db.session.flush()  # a competing resolution shows here, as StaleDataError
        record(
            "record_check_dealt_with",
            target=check,
            detail={"field": check.field, "child_id": check.child_id},
        )
        asker = check.asked_by
        if asker.active:
            reference = rules.check_reference(check.id)
            body = render_template(
                "children/email/record_check_dealt_with.txt",
                asker=asker,
                coordinator=user,
                reference=reference,
                link=current_app.config["BASE_URL"].rstrip("/") + url_for("children.children"),
                config=current_app.config,
            )
            queue(
                [(asker.email, asker.name)], f"Your request {reference} has been dealt with", body
            )

    commit(write)
