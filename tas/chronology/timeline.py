"""The merged timeline of a child: their significant events with everything else the service
knows (meetings where they were discussed, step changes and referrals, involvements starting and
ending, what they said, GP notifications), each source one query, a fixed number however long
the timeline, cut to what this reader may see (a restricted record's details only for its own
organisation and the record's holders)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from tas.children.access import Reader
from tas.children.models import Child
from tas.chronology import harm, rules
from tas.chronology.models import ChronologyEvent
from tas.chronology.services import harm_reviews
from tas.core.choices import label
from tas.core.clock import local
from tas.core.paths import path_for
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
        for day, what in ((involvement.started_on, "started"), (involvement.ended_on, "ended")):
            if day:
                entries.append(
                    rules.Entry(
                        day=day,
                        source="involvement",
                        title=f"{agency} {what}",
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
