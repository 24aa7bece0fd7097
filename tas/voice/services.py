"""Recording the voice of the child, and a concern's response: load, check, change, audit and
commit once. A concern is alerted at once in the same transaction (tas.voice.alerts)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_fields, audit_view, record
from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, today, utcnow
from tas.core.markers import origin
from tas.core.use_cases import check_version, commit, refuse_if
from tas.extensions import db
from tas.organisations.models import Agency, User
from tas.voice import alerts, rules
from tas.voice.models import VoiceEntry


def entries(child_id: int) -> list[VoiceEntry]:
    """The child's voice, newest first, with who recorded and answered each: one query."""
    return list(
        db.session.scalars(
            select(VoiceEntry)
            .where(VoiceEntry.child_id == child_id)
            .options(joinedload(VoiceEntry.recorded_by), joinedload(VoiceEntry.responded_by))
            .order_by(VoiceEntry.heard_on.desc(), VoiceEntry.id.desc())
        )
    )


def entry_of(child_id: int, entry_id: int) -> VoiceEntry | None:
    """One entry of this child (None for an entry of another child: no guessing ids)."""
    return db.session.scalar(
        select(VoiceEntry)
        .where(VoiceEntry.id == entry_id, VoiceEntry.child_id == child_id)
        .options(joinedload(VoiceEntry.recorded_by), joinedload(VoiceEntry.responded_by))
    )


def viewed(action: str, child_id: int, entry: VoiceEntry | None = None) -> None:
    """Audit a read of the child's voice, committed before anything is shown."""
    if entry is None:
        audit_view(action, target_type="Child", target_id=child_id)
    else:
        audit_view(action, target=entry, detail={"child_id": child_id})


def entry_problems(child: Child, values: dict) -> dict[str, str]:
    """What to put right before what the child said is kept."""
    problems = {}
    if values["heard_on"] is not None:
        problem = rules.heard_on_problem(values["heard_on"], today(), child.date_of_birth)
        if problem:
            problems["heard_on"] = problem
    if values["setting"] == "other" and not values["setting_detail"]:
        problems["setting_detail"] = "Enter where the child was heard"
    return problems


def response_due(recorded_at: datetime) -> datetime:
    """When a concern recorded now must be answered by (the settings' hour, working days)."""
    return rules.response_due(
        local(recorded_at), int(current_app.config["CONCERN_RESPONSE_BY_HOUR"]), ENGLAND_AND_WALES
    )


def record_entry(child: Child, user: User, values: dict) -> VoiceEntry:
    """Keep what the child said or showed. One that raises a concern gets its deadline, and
    the people who must answer it are told at once, in the same commit."""
    refuse_if(entry_problems(child, values))
    if values["setting"] != "other":
        values["setting_detail"] = None
    now = utcnow()
    entry = VoiceEntry(
        child_id=child.id, recorded_by_id=user.id, recorded_at=now, **values, **origin(user)
    )
    if entry.raises_concern:
        entry.response_due_at = response_due(now)
    db.session.add(entry)

    def write() -> VoiceEntry:
        db.session.flush()
        record(
            "voice_recorded",
            target=entry,
            detail=audit_fields(values, child_id=child.id) | {"concern": entry.raises_concern},
        )
        if entry.raises_concern:
            concern = concern_of(entry, child.school_id)
            told = alerts.people_to_tell([concern])[entry.id]
            for person in told:
                if person.id != user.id:  # the recorder has just been shown what to do
                    alerts.tell(concern, person, rules.CONCERN_ALERT, now)
            record(
                "concern_alerted",
                target=entry,
                detail={"child_id": child.id, "told": [p.id for p in told if p.id != user.id]},
            )
        return entry

    return commit(write)


def told_at_once(entry: VoiceEntry, child: Child) -> str:
    """Who was told of a concern when it was recorded, by role and organisation."""
    agency = (
        db.session.get(Agency, entry.originating_agency_id) if entry.originating_agency_id else None
    )
    return alerts.told_at_once(entry.id, child.school, agency)


def concern_of(entry: VoiceEntry, school_id: int) -> alerts.Concern:
    return alerts.Concern(
        entry_id=entry.id,
        child_id=entry.child_id,
        school_id=school_id,
        recorded_by_id=entry.recorded_by_id,
        recording_agency_id=entry.originating_agency_id,
        recorded_at=entry.recorded_at,
        due_at=entry.response_due_at,
    )


def _response_problems(entry: VoiceEntry, values: dict) -> dict[str, str]:
    problems = {}
    if not entry.raises_concern:
        problems["response"] = "This entry raises no concern, so it needs no response"
    elif entry.response is not None:
        problems["response"] = "A response to this concern has already been recorded"
    if values["response"] in rules.NAMES_A_CONTACT and not values["response_contact"]:
        problems["response_contact"] = "Enter who you told or asked"
    return problems


def respond(entry: VoiceEntry, user: User, version: int | None, values: dict) -> VoiceEntry:
    """Record what was done about a concern, unless someone recorded a response since the form
    was opened (StaleEdit: both versions are shown). The flag and the reminders stop."""
    check_version(entry, version)
    refuse_if(_response_problems(entry, values))

    def write() -> VoiceEntry:
        for name, value in values.items():
            setattr(entry, name, value)
        entry.responded_by_id = user.id
        entry.responded_at = utcnow()
        db.session.flush()
        record(
            "concern_answered",
            target=entry,
            detail=audit_fields(values, child_id=entry.child_id) | {"response": entry.response},
        )
        return entry

    return commit(write)
