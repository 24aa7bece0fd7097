"""Recording significant events and the decisions that answer cumulative harm, and the merged
timeline: these events with everything else the service knows of the child, each source one
query (a fixed number however long the timeline), cut to what this reader may see."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from tas.audit.services import add_audited, audit_fields, audit_view
from tas.children.access import Reader
from tas.children.models import Child
from tas.chronology import harm, rules
from tas.chronology.models import ChronologyEvent, HarmReview
from tas.core.choices import label
from tas.core.clock import local, today
from tas.core.markers import origin
from tas.core.paths import path_for
from tas.core.use_cases import refuse_if
from tas.extensions import db
from tas.levels.models import IfdReferral, StepChange
from tas.levels.rules import IFD_DECISIONS, STEP_KINDS
from tas.meetings.models import AgendaItem, Meeting
from tas.meetings.rules import DECISIONS, MEETING_KINDS
from tas.organisations.models import Agency, School, User
from tas.plans.gp.rules import KINDS as GP_KINDS
from tas.plans.models import AgencyInvolvement, GpNotification, SharedPlan
from tas.plans.rules import MARKERS
from tas.reviews.services import level_label
from tas.voice.models import VoiceEntry
from tas.voice.rules import concern_reference


def viewed(action: str, child_id: int, detail: dict | None = None) -> None:
    audit_view(action, target_type="Child", target_id=child_id, detail=detail or {})


def _event_problems(values: dict) -> dict[str, str]:
    if values["happened_on"] is not None and values["happened_on"] > today():
        return {"happened_on": "The date of the event must be today or in the past"}
    return {}


def record_event(child: Child, user: User, values: dict) -> ChronologyEvent:
    """Add a significant event to the child's chronology."""
    refuse_if(_event_problems(values))
    event = ChronologyEvent(child_id=child.id, recorded_by_id=user.id, **values, **origin(user))
    detail = audit_fields(values, child_id=child.id) | {"category": values["category"]}
    return add_audited(event, "chronology_event_added", detail)


def record_harm_review(child: Child, user: User, values: dict) -> HarmReview:
    """Record a Neglect Toolkit completion or an escalation decision: the cumulative harm flag
    clears until an event recorded after it makes a pattern again."""
    problems = {}
    if values["done_on"] is not None and values["done_on"] > today():
        problems["done_on"] = "The date must be today or in the past"
    outcomes = (
        rules.TOOLKIT_OUTCOMES
        if values["kind"] == "neglect_toolkit"
        else (rules.ESCALATION_DECISIONS)
    )
    if values["outcome"] not in {choice.code for choice in outcomes}:
        problems["outcome"] = (
            "Select the Neglect Toolkit's overall outcome"
            if values["kind"] == "neglect_toolkit"
            else "Select the escalation decision"
        )
    refuse_if(problems)
    review = HarmReview(child_id=child.id, recorded_by_id=user.id, **values)
    detail = audit_fields(values, child_id=child.id) | {"kind": values["kind"]}
    return add_audited(review, "harm_review_recorded", detail)


def harm_reviews(child_id: int) -> list[HarmReview]:
    return list(
        db.session.scalars(
            select(HarmReview)
            .where(HarmReview.child_id == child_id)
            .options(joinedload(HarmReview.recorded_by))
            .order_by(HarmReview.recorded_at.desc())
        )
    )


def source_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.name)))


# ---------------------------------------------------------------- the merged timeline


def _markers(row) -> tuple[str, ...]:
    return tuple(m.label for m in MARKERS if getattr(row, m.code))


def timeline(
    child: Child, reader: Reader, sources: Collection[str], category: str | None = None
) -> list[rules.Entry]:
    """The child's merged timeline from the chosen sources (all when none are chosen), newest
    first; with a category, the significant events of that category alone."""
    chosen = set(sources) or {source.code for source in rules.SOURCES}
    if category:
        chosen = {"event"}
    entries: list[rules.Entry] = []
    for source, build in BUILDERS.items():
        if source in chosen:
            entries.extend(build(child, reader, category))
    return rules.ordered(entries)


def _events(child: Child, reader: Reader, category: str | None) -> list[rules.Entry]:
    origin_agency = aliased(Agency)
    query = (
        select(ChronologyEvent, Agency.name, origin_agency.name, School.name, User.name)
        .join(User, User.id == ChronologyEvent.recorded_by_id)
        .outerjoin(Agency, Agency.id == ChronologyEvent.source_agency_id)
        .outerjoin(origin_agency, origin_agency.id == ChronologyEvent.originating_agency_id)
        .outerjoin(School, School.id == ChronologyEvent.originating_school_id)
        .where(ChronologyEvent.child_id == child.id)
    )
    if category:
        query = query.where(ChronologyEvent.category == category)
    labels = harm.category_labels()
    entries = []
    for event, agency, recorder_agency, school, by in db.session.execute(query):
        source = agency or recorder_agency or school or "the recorder's organisation"
        origin_name = recorder_agency or school or source
        shown = reader.sees_restricted(event.originating_agency_id, event.originating_school_id)
        restricted = event.restricted and not shown
        entries.append(
            rules.Entry(
                day=event.happened_on,
                source="event",
                title=labels.get(event.category, event.category),
                details="" if restricted else event.summary,
                by=f"From {source}; recorded by {by}",
                category=event.category,
                severity=label(rules.SEVERITIES, event.severity),
                markers=_markers(event),
                withheld=f"Restricted: ask {origin_name} before it is shared"
                if restricted
                else None,
                order=event.id,
            )
        )
    if category is None:
        entries.extend(_harm_reviews(child))
    return entries


def _harm_reviews(child: Child) -> list[rules.Entry]:
    entries = []
    for review in harm_reviews(child.id):
        outcomes = (
            rules.TOOLKIT_OUTCOMES
            if review.kind == "neglect_toolkit"
            else rules.ESCALATION_DECISIONS
        )
        entries.append(
            rules.Entry(
                day=review.done_on,
                source="event",
                title=label(rules.HARM_REVIEW_KINDS, review.kind),
                details=f"{label(outcomes, review.outcome)}. {review.summary}",
                by=f"By {review.completed_by}; recorded by {review.recorded_by.name}",
                order=review.id,
            )
        )
    return entries


def _voice(child: Child, reader: Reader, category: str | None) -> list[rules.Entry]:
    entries = []
    for entry in db.session.scalars(
        select(VoiceEntry)
        .where(VoiceEntry.child_id == child.id)
        .options(joinedload(VoiceEntry.recorded_by))
    ):
        concern = ""
        if entry.raises_concern:
            concern = f" Raised a concern ({concern_reference(entry.id)})."
        restricted = entry.restricted and not reader.sees_restricted(
            entry.originating_agency_id, entry.originating_school_id
        )
        entries.append(
            rules.Entry(
                day=entry.heard_on,
                source="voice",
                title="What the child said" + (": a concern" if entry.raises_concern else ""),
                details="" if restricted else f"\u201c{entry.words}\u201d{concern}",
                by=f"Heard by {entry.captured_by}; recorded by {entry.recorded_by.name}",
                markers=_markers(entry),
                withheld=(
                    f"Restricted: ask {entry.recorded_by.name} before it is shared"
                    if restricted
                    else None
                ),
                link=path_for("voice.entry", child_id=child.id, entry_id=entry.id),
                order=entry.id,
            )
        )
    return entries


def _meetings(child: Child, reader: Reader, category: str | None) -> list[rules.Entry]:
    entries = []
    for item, meeting, school in db.session.execute(
        select(AgendaItem, Meeting, School.name)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(School, School.id == Meeting.school_id)
        .where(AgendaItem.child_id == child.id, Meeting.status == "held")
    ):
        decision = label(DECISIONS, item.decision) if item.decision else "no decision recorded"
        entries.append(
            rules.Entry(
                day=local(meeting.starts_at).date(),
                source="meeting",
                title=f"Discussed at a {label(MEETING_KINDS, meeting.kind)}",
                details=f"{meeting.reference} at {school}. Decision: {decision}.",
                order=item.id,
            )
        )
    return entries


def _levels(child: Child, reader: Reader, category: str | None) -> list[rules.Entry]:
    entries = [
        rules.Entry(
            day=change.changed_on,
            source="level",
            title=label(STEP_KINDS, change.kind),
            details=(
                f"From {level_label(change.from_level)} to {level_label(change.to_level)}, "
                f"decided by {change.decided_by}."
            ),
            order=change.id,
        )
        for change in db.session.scalars(select(StepChange).where(StepChange.child_id == child.id))
    ]
    for referral in db.session.scalars(select(IfdReferral).where(IfdReferral.child_id == child.id)):
        decided = (
            f" The IFD decided: {label(IFD_DECISIONS, referral.decision)} on "
            f"{referral.decided_on:%d %B %Y}."
            if referral.decision and referral.decided_on
            else " Awaiting the IFD's decision."
        )
        entries.append(
            rules.Entry(
                day=referral.referred_on,
                source="level",
                title="Referral to the Integrated Front Door",
                details=f"MARF {referral.marf_reference}.{decided}",
                order=referral.id,
            )
        )
    return entries


def _involvements(child: Child, reader: Reader, category: str | None) -> list[rules.Entry]:
    entries = []
    for involvement, agency in db.session.execute(
        select(AgencyInvolvement, Agency.name)
        .join(SharedPlan, SharedPlan.id == AgencyInvolvement.plan_id)
        .join(Agency, Agency.id == AgencyInvolvement.agency_id)
        .where(SharedPlan.child_id == child.id)
    ):
        if involvement.started_on:
            entries.append(
                rules.Entry(
                    day=involvement.started_on,
                    source="involvement",
                    title=f"{agency} started",
                    details=involvement.service,
                    order=involvement.id,
                )
            )
        if involvement.ended_on:
            entries.append(
                rules.Entry(
                    day=involvement.ended_on,
                    source="involvement",
                    title=f"{agency} ended",
                    details=involvement.service,
                    order=involvement.id,
                )
            )
    return entries


def _gp(child: Child, reader: Reader, category: str | None) -> list[rules.Entry]:
    return [
        rules.Entry(
            day=local(notification.sent_at).date(),
            source="gp",
            title=f"GP practice told: {label(GP_KINDS, notification.kind).lower()}",
            details=f"{practice}, by {notification.method or 'the service'}.",
            order=notification.id,
        )
        for notification, practice in db.session.execute(
            select(GpNotification, Agency.name)
            .join(SharedPlan, SharedPlan.id == GpNotification.plan_id)
            .join(Agency, Agency.id == GpNotification.gp_practice_id)
            .where(SharedPlan.child_id == child.id, GpNotification.sent_at.is_not(None))
        )
    ]


BUILDERS = {
    "event": _events,
    "voice": _voice,
    "meeting": _meetings,
    "level": _levels,
    "involvement": _involvements,
    "gp": _gp,
}
