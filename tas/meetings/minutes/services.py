"""Minutes for each child on the day: the three parts, the decision and the markers, and the
actions agreed, created straight onto the child's shared plan (naming the meeting).

Use cases load, change, audit (field names and ids only, never what was typed) and commit once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_fields, record
from tas.children import access as children
from tas.children.access import Access
from tas.core.clock import local, today, utcnow
from tas.core.use_cases import check_version, commit, refuse_if
from tas.core.words import long_date
from tas.extensions import db
from tas.levels.decisions import closing as decision_closing
from tas.levels.decisions import rules as decision_rules
from tas.levels.decisions import services as open_decisions
from tas.levels.decisions.from_minutes import minutes_completed
from tas.levels.decisions.services import decision_saved
from tas.meetings.access import on_agenda_now
from tas.meetings.day import rules as minutes_rules
from tas.meetings.day.services import why_not_recordable
from tas.meetings.day.summary import (
    ActionLine,
    actions_agreed,
    missing_for_held,
    standing_invitations,
    standing_items,
)
from tas.meetings.models import AgendaItem, Meeting
from tas.meetings.requests.consultations import identifying_problems
from tas.organisations.models import Agency, User
from tas.plans import rules as plan_rules
from tas.plans.actions import services as plan_actions
from tas.plans.leads import LeadContact, lead_contact
from tas.plans.models import Action, SharedPlan
from tas.plans.services import open_plan_of


def item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    """One standing item of this meeting, with its child, or 404."""
    item = db.session.scalar(
        select(AgendaItem)
        .options(joinedload(AgendaItem.child))
        .where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id, on_agenda_now())
    )
    if item is None:
        abort(404)
    return item


MINUTES_FIELDS = ("worries", "working_well", "needs_to_happen", *minutes_rules.MARKER_FIELDS)
CHILD_FIELDS = (
    "parent_part",
    "parent_part_how",
    "child_part",
    "child_part_how",
    "child_says",
    "family_says",
    "decision",
    "decision_note",
)


# The minutes of an anonymous consultation are read by every agency invited, as the
# consultation is: like its situation, they must not identify a child (docs/security.md I33).
CONSULTATION_MINUTES = {
    "worries": "What we are worried about",
    "working_well": "What is working well",
    "needs_to_happen": "The advice given",
}


def minutes_problems(item: AgendaItem, values: dict) -> dict[str, str]:
    """Field -> what to put right: the minutes of an anonymous consultation must not identify
    a child of the school or on the agenda (one query; none for a child's minutes)."""
    if not item.anonymous:
        return {}
    return identifying_problems(item.meeting, values, CONSULTATION_MINUTES)


def save_minutes(item: AgendaItem, user: User, version: int | None, values: dict) -> dict:
    """Save the minutes of one item, unless someone saved them since the form was opened. An
    anonymous consultation keeps no family part and no decision about a child, and nothing in
    its minutes may identify a child."""
    check_version(item, version)
    refuse_if(minutes_problems(item, values))
    allowed = MINUTES_FIELDS if item.anonymous else (*MINUTES_FIELDS, *CHILD_FIELDS)
    wanted = {name: values[name] for name in allowed if name in values}
    changed = plan_rules.changes({name: getattr(item, name) for name in wanted}, wanted)
    if not changed:
        return changed
    ids = {"meeting_id": item.meeting_id}
    if item.child_id is not None:
        ids["child_id"] = item.child_id

    def write() -> dict:
        for name in changed:
            setattr(item, name, wanted[name])
        item.minuted_by_id = user.id
        item.minuted_at = utcnow()
        db.session.flush()  # a competing save shows here, as StaleDataError
        record("minutes_saved", target=item, detail=audit_fields(changed, **ids))
        if "decision" in changed:  # a decision to refer or step stays open until recorded
            decision_saved(item, user, today())
        return changed

    return commit(write)


@dataclass
class PlanState:
    """The child's shared plan as the minutes page needs it: can actions go on it now?"""

    plan: SharedPlan | None
    agreed: bool
    may_add: bool = False
    may_start: bool = False
    problem: str | None = None


def plan_state(meeting: Meeting, item: AgendaItem, user: User) -> PlanState:
    """Actions go straight onto the child's open plan while the family's agreement stands and
    the meeting takes minutes; a plan can be started here when the decision is to open one."""
    if item.child_id is None:
        return PlanState(None, False)
    plan = open_plan_of(item.child_id)
    agreed = children.current_agreement(item.child_id) is not None
    state = PlanState(plan, agreed)
    recordable = why_not_recordable(meeting) is None
    if not agreed:
        state.problem = minutes_rules.NO_AGREEMENT
    elif plan is not None and not plan_rules.is_changeable(plan.status):
        state.problem = minutes_rules.PLAN_HELD_BY_SOCIAL_CARE
    elif plan is not None:
        state.may_add = recordable
    elif item.decision == "shared_plan" and recordable:
        state.may_start = children.access_to(user, item.child_id) >= Access.EDIT
    return state


@dataclass(frozen=True)
class OwnerChoices:
    agencies: list[Agency] = field(default_factory=list)
    people: list[User] = field(default_factory=list)
    family: list = field(default_factory=list)


def owner_choices(plan: SharedPlan) -> OwnerChoices:
    """Who may own an action agreed here: as on the plan itself, its agencies and people. An
    agency invited to the meeting but not involved in the plan cannot see the plan, so an
    action it owned would never reach it: its involvement is added to the plan first."""
    return OwnerChoices(
        plan_actions.owner_agencies(plan),
        plan_actions.owner_people(plan),
        plan_actions.owner_family(plan),
    )


def _agreed_at(meeting: Meeting, values: dict) -> dict:
    """An action agreed at the meeting, as the plan keeps it: not started, naming the meeting."""
    return {
        **values,
        "status": "not_started",
        "completion_note": None,
        "involvement_id": None,
        "meeting_id": meeting.id,
    }


def add_meeting_action(meeting: Meeting, plan: SharedPlan, user: User, values: dict) -> Action:
    """An action agreed at the meeting, straight onto the child's plan (audited and committed
    by the plan's own use case, with the meeting it came from)."""
    refuse_if(meeting_action_problems(meeting, plan, values))
    return plan_actions.add_action(plan, user, _agreed_at(meeting, values))


def meeting_action_problems(meeting: Meeting, plan: SharedPlan, values: dict) -> dict:
    """What the plan would refuse in an action agreed at the meeting, and a due date before
    the meeting that agreed it."""
    return {
        **_due_after_the_meeting(meeting, values),
        **plan_actions.problems(plan, _agreed_at(meeting, values)),
    }


def _due_after_the_meeting(meeting: Meeting, values: dict) -> dict[str, str]:
    held_on = local(meeting.starts_at).date()
    due_on = values.get("due_on")
    if due_on is None or due_on >= held_on:
        return {}
    return {
        "due_on": f"The due date must be on or after the day of the meeting, {long_date(held_on)}"
    }


def next_item_id(meeting: Meeting, item: AgendaItem) -> int | None:
    """The next item on the agenda, for the "next thing" link (one query)."""
    return db.session.scalar(
        select(AgendaItem.id)
        .where(
            AgendaItem.meeting_id == meeting.id,
            on_agenda_now(),
            or_(
                AgendaItem.position > item.position,
                and_(AgendaItem.position == item.position, AgendaItem.id > item.id),
            ),
        )
        .order_by(AgendaItem.position, AgendaItem.id)
        .limit(1)
    )


class NotComplete(Exception):
    """The meeting cannot be marked held yet: what is missing, and why a reason is needed."""

    def __init__(self, missing: list[minutes_rules.Missing], reason_problem: str | None = None):
        super().__init__("minutes not complete")
        self.missing = missing
        self.reason_problem = reason_problem


def mark_held(meeting: Meeting, by: User, version: int | None, reason: str | None = None) -> None:
    """Minutes complete: the meeting is held, unless anything is missing. Decisions the
    completion does not record (a referral to the IFD, a step the child's level no longer
    allows, unless the child is already where it leads: that one closes) stay open, and
    completing the minutes with any needs a reason, kept on the meeting (the audit says a reason
    was given and which decisions were open, never what it says)."""
    check_version(meeting, version)
    missing = missing_for_held(standing_items(meeting.id), standing_invitations(meeting.id))
    if missing:
        raise NotComplete(missing)
    staying = open_decisions.left_open(open_decisions.to_complete(meeting.id))
    problem = decision_rules.reason_problem(len(staying), reason)
    if problem:  # asked once nothing else is missing: one error summary at a time
        raise NotComplete([], problem)

    def write() -> None:
        meeting.status = "held"
        meeting.held_at = utcnow()
        fields = ["held_at", "status"]
        if staying:
            meeting.open_decisions_reason = (reason or "").strip()
            fields.append("open_decisions_reason")
        db.session.flush()
        detail: dict = {"fields": fields}
        if staying:
            detail["open_decision_ids"] = [decision.id for decision in staying]
        record("meeting_held", target=meeting, detail=detail)
        minutes_completed(meeting, by)  # step changes decided in the minutes, in this transaction
        # A step the child has made already (no change recorded: the level did not allow it).
        decision_closing.close_reached(meeting.id, by)

    commit(write)


@dataclass(frozen=True)
class FamilyVersion:
    """One child's decisions and actions from a meeting, leaving out anything marked."""

    show_minutes: bool
    actions: list[ActionLine]
    left_out: bool
    # Whom the family asks: the plan's lead practitioner, or its social worker while Children's
    # Social Care holds it (tas.plans.leads.lead_contact).
    lead: LeadContact | None = None


def family_version(meeting: Meeting, item: AgendaItem) -> FamilyVersion:
    every = actions_agreed(meeting.id, item.child_id)
    shown = [line for line in every if not minutes_rules.marked(line.action)]
    hidden_minutes = minutes_rules.marked(item)
    plan = db.session.scalar(
        select(SharedPlan)
        .options(joinedload(SharedPlan.lead_practitioner).joinedload(User.agency))
        .where(SharedPlan.child_id == item.child_id, SharedPlan.status != "closed")
        .limit(1)
    )
    lead = lead_contact(plan)
    return FamilyVersion(not hidden_minutes, shown, hidden_minutes or len(shown) < len(every), lead)
