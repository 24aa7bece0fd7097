"""A plan's actions as the plan and meeting pages show them: who owns each, which meeting agreed
it, and the actions grouped by owner (owners with overdue actions first)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.core.choices import label
from tas.core.words import local_date
from tas.extensions import db
from tas.meetings.models import Meeting
from tas.plans import rules
from tas.plans.models import Action, AgencyInvolvement, SharedPlan


@dataclass(frozen=True)
class ActionRow:
    action: Action
    overdue: bool
    may_update: bool
    involvement: AgencyInvolvement | None
    agreed_at: str | None = None  # "Agreed at the TAS meeting on 26 November 2026"

    @property
    def status_label(self) -> str:
        return label(rules.ACTION_STATUSES, self.action.status)


@dataclass
class OwnerGroup:
    owner: str
    actions: list[ActionRow] = field(default_factory=list)


def plan_actions(plan: SharedPlan) -> list[tuple[Action, str | None, datetime | None]]:
    """The plan's actions with their owners, and the meeting that agreed each (one query)."""
    rows = db.session.execute(
        select(Action, Meeting.kind, Meeting.starts_at)
        .outerjoin(Meeting, Meeting.id == Action.meeting_id)
        .options(
            joinedload(Action.owner_agency),
            joinedload(Action.owner_user),
            joinedload(Action.owner_family_member),
        )
        .where(Action.plan_id == plan.id)
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    return [(action, kind, starts_at) for action, kind, starts_at in rows]


MEETING_WORDS = {
    "tas": "TAS meeting",
    "keeping_in_touch": "keeping-in-touch meeting",
    "taf": "TAF / handover meeting",
}


def meeting_words(kind: str | None, starts_at: datetime | None) -> str | None:
    """Which meeting agreed an action, in the words the plan shows."""
    if kind is None or starts_at is None:
        return None
    return f"Agreed at the {MEETING_WORDS.get(kind, 'meeting')} on {local_date(starts_at)}"


def agreed_at(action: Action) -> str | None:
    """The same words for one action's own page (one query, only when a meeting agreed it)."""
    if action.meeting_id is None:
        return None
    found = db.session.execute(
        select(Meeting.kind, Meeting.starts_at).where(Meeting.id == action.meeting_id)
    ).first()
    return meeting_words(*found) if found else None


def owner_name(action: Action) -> str:
    """Who owns an action, in the words the page uses."""
    if action.owner_kind == "agency" and action.owner_agency is not None:
        return action.owner_agency.name
    if action.owner_kind == "person" and action.owner_user is not None:
        return action.owner_user.name
    if action.owner_kind == "family_member" and action.owner_family_member is not None:
        member = action.owner_family_member
        return f"{member.name} ({member.relationship_to_child})"
    if action.owner_kind == "child":
        return "The child"
    return "No owner"


def grouped(rows: list[ActionRow]) -> list[OwnerGroup]:
    """Actions by owner: owners with overdue actions first, then by name."""
    groups: dict[str, OwnerGroup] = defaultdict(lambda: OwnerGroup(""))
    for row in rows:
        name = owner_name(row.action)
        group = groups[name]
        group.owner = name
        group.actions.append(row)
    return sorted(
        groups.values(),
        key=lambda g: (not any(row.overdue for row in g.actions), g.owner.lower()),
    )
