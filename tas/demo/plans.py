"""Loads a demo child's shared plans (tas.demo.data.children) through the plans' use cases: the
plan started, its involvements and how engagement went, its actions and their history, its
outcomes scored at each review, and the GP practice told (and answering); an earlier plan
closed. What the story dates weeks ago is dated back afterwards (tas.demo.history).

Written directly: Ruby Clarke's plan (tas.demo.data.reviews.STEPPED_DOWN). Starting a plan opens
its first plan review; Ruby's case then goes to Children's Social Care and comes back by a step
down, whose handover review is what opens her plan reviews again (tas.demo.reviews). Started
through start_plan, her first review would stay behind, cancelled. It is written as start_plan
writes a plan, but for that review; everything on it goes through the use cases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tas.audit.services import record
from tas.children.models import Agreement, Child, FamilyMember
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.days import next_working_day
from tas.core.markers import origin
from tas.demo.data.children import (
    CANCELLED_NOTE,
    DONE_NOTE,
    FIRST_ENGAGEMENT,
    GP_REPLIES,
    GP_TOLD_BY,
    LATER_ENGAGEMENT,
    SUMMARY,
)
from tas.demo.data.partnership import GP, LEE
from tas.demo.data.reviews import STEPPED_DOWN
from tas.demo.history import backdate, ten_am
from tas.extensions import db
from tas.organisations.models import Agency, User
from tas.plans import rules
from tas.plans import services as shared_plans
from tas.plans.actions import services as actions
from tas.plans.gp import lists as gp_lists
from tas.plans.gp import services as gp
from tas.plans.involvements import services as involvements
from tas.plans.models import (
    Action,
    ActionEvent,
    AgencyInvolvement,
    EngagementUpdate,
    GpNotification,
    Outcome,
    OutcomeScore,
    SharedPlan,
)
from tas.plans.outcomes import services as outcomes

KINDS = {
    "shared plans": SharedPlan,
    "involvements": AgencyInvolvement,
    "engagement updates": EngagementUpdate,
    "actions": Action,
    "action events": ActionEvent,
    "outcomes": Outcome,
    "outcome scores": OutcomeScore,
    "GP notifications": GpNotification,
}
PARTIAL = {"child_engagement": "partial", "parent_engagement": "partial"}


def owner_values(owner: str, users: dict, agencies: dict, parent: FamilyMember | None) -> dict:
    """An action's owner as the action forms give it: an agency or a person (by email), the
    child's "parent" (the first of the family) or the "child"."""
    if owner == "parent":
        return {"owner_kind": "family_member", "owner_family_member_id": parent.id}
    if owner == "child":
        return {"owner_kind": "child"}
    if owner in users:
        return {"owner_kind": "person", "owner_user_id": users[owner].id}
    return {"owner_kind": "agency", "owner_agency_id": agencies[owner].id}


def events_of(action: Action) -> list[ActionEvent]:
    return list(
        db.session.scalars(
            select(ActionEvent).where(ActionEvent.action_id == action.id).order_by(ActionEvent.id)
        )
    )


class Loader:
    """Builds the plans of one child after another, recorded by the link worker."""

    def __init__(self, today: date, agencies: dict[str, Agency], users: dict[str, User]):
        self.today = today
        self.agencies = agencies
        self.users = users
        self.lee = users[LEE]

    def day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)

    def build(self, child: Child, spec: dict, family: list, agreement: Agreement | None) -> None:
        if "closed_plan" in spec:
            self.closed_plan(child, agreement, **spec["closed_plan"])
        if "plan" in spec:
            written = " ".join(spec["name"]) == STEPPED_DOWN[0]
            self.plan(child, spec["plan"], family, agreement, written=written)

    def closed_plan(self, child, agreement, started, closed, reason, returned_to, outcomes):
        """An earlier plan, closed when its outcomes were met: kept, read-only."""
        plan = shared_plans.start_plan(
            child,
            self.lee,
            agreement,
            {
                "started_on": self.day(-started),
                "next_review_on": self.next_review(self.day(-started)),
                "lead_practitioner_id": self.lee.id,
            },
        )
        for statement, scores in outcomes:
            self.outcome(plan, statement, scores, last=self.day(-closed))
        shared_plans.close_plan(
            plan,
            plan.version,
            {
                "closed_on": self.day(-closed),
                "closure_reason": reason,
                "returned_to_level": returned_to,
            },
            by=self.lee,
        )

    def plan(self, child, spec: dict, family: list, agreement, *, written: bool) -> None:
        started = self.day(-spec["started"])
        values = {
            "started_on": started,
            "next_review_on": self.next_review(started),
            "lead_practitioner_id": self.users[spec["lead"]].id if spec["lead"] else None,
        }
        if written:
            plan = self.written(child, values)
        else:
            plan = shared_plans.start_plan(child, self.lee, agreement, values)
        rows = {
            agency: self.involvement(plan, agreement, agency, *rest)
            for agency, *rest in spec["involvements"]
        }
        for description, owner, due_in, status in spec["actions"]:
            self.action(plan, description, owner, due_in, status, family, rows)
        for statement, scores, *changed in spec["outcomes"]:
            self.outcome(plan, statement, scores, last=self.today, changed=changed)
        active = [row for row in rows.values() if row.status == "active"]
        if active and child.gp_practice_id is not None and spec.get("notify_gp", True):
            self.gp_told(plan, child, min(row.started_on for row in active))

    def next_review(self, started: date) -> date:
        """The plan's next review: every six weeks from its start, from today on, on a working
        day (a plan is always started with one, tas.plans.rules.plan_date_problems)."""
        review = started + timedelta(weeks=6)
        while review < self.today:
            review += timedelta(weeks=6)
        return next_working_day(review, ENGLAND_AND_WALES)  # never a Sunday

    def written(self, child: Child, values: dict) -> SharedPlan:
        """Ruby's plan (see above), as start_plan writes one but for its first review."""
        plan = SharedPlan(
            child_id=child.id,
            status="open",
            level_of_need=rules.DEFAULT_LEVEL,
            **values,
            **origin(self.lee),
        )
        db.session.add(plan)
        db.session.flush()
        child.level_of_need = plan.level_of_need
        record("plan_started", target=plan, detail={"fields": sorted(values), "child_id": child.id})
        db.session.commit()
        return plan

    def involvement(
        self, plan, agreement, agency, email, service, status, child_eng, parent_eng, steady=None
    ):
        """Added by the practitioner named (or the link worker), with engagement recorded three
        weeks apart from five days after the plan started: partial at first, then as it is
        (as it is from the first, when `steady`)."""
        begun = plan.started_on + timedelta(days=5)
        practitioner = self.users[email] if email else None
        values = {
            "agency_id": self.agencies[agency].id,
            "practitioner_id": practitioner.id if practitioner else None,
            "service": service,
            "started_on": None if status == "requested" else begun,
            "ended_on": self.day(-10) if status == "ended" else None,
            "status": status,
            "child_engagement": child_eng,
            "parent_engagement": parent_eng,
            "last_contact_on": self.day(-4) if status == "active" else None,
            "summary": None if status == "requested" else SUMMARY.format(service=service),
        }
        days = []
        if status in ("active", "ended"):
            last = values["ended_on"] or self.today
            days = [d for d in (begun + timedelta(weeks=3 * n) for n in range(3)) if d <= last]
        by = practitioner or self.lee
        first = {
            **values,
            **(PARTIAL if len(days) > 1 and not steady else {}),
            "engagement_note": FIRST_ENGAGEMENT,
        }
        row = involvements.add_involvement(plan, by, agreement, first if days else values)
        for n in range(1, len(days)):
            later = {**values, **(PARTIAL if n < len(days) - 1 and not steady else {})}
            involvements.change_involvement(
                row, by, row.version, {**later, "engagement_note": LATER_ENGAGEMENT}
            )
        updates = db.session.scalars(
            select(EngagementUpdate)
            .where(EngagementUpdate.involvement_id == row.id)
            .order_by(EngagementUpdate.id)
        )
        for update, on in zip(updates, days, strict=True):
            backdate(update, recorded_on=on)
        return row

    def action(self, plan, description, owner, due_in, status, family, rows) -> None:
        """Added the day after the plan started; its status changed a week later."""
        owner_fields = owner_values(owner, self.users, self.agencies, family[0])
        agency_id = owner_fields.get("owner_agency_id")
        if "owner_user_id" in owner_fields:
            agency_id = self.users[owner].agency_id
        linked = next((row for row in rows.values() if row.agency_id == agency_id), None)
        row = actions.add_action(
            plan,
            self.lee,
            {
                "description": description,
                **owner_fields,
                # Never before the plan started (a start moved to a school day can pass it).
                "due_on": max(self.day(due_in), plan.started_on),
                "status": "not_started",
                "completion_note": None,
                "involvement_id": linked.id if linked else None,
            },
        )
        if status != "not_started":
            note = {"done": DONE_NOTE, "cancelled": CANCELLED_NOTE}.get(status)
            actions.change_action(
                row, self.lee, row.version, {"status": status, "completion_note": note}
            )
        for n, event in enumerate(events_of(row)):
            backdate(event, at=ten_am(plan.started_on + timedelta(days=7 * n + 1)))

    def outcome(
        self, plan: SharedPlan, statement: str, scores: tuple, last: date, changed=()
    ) -> None:
        """Scored at the plan's start and at each review six weeks apart (up to `last`), each
        later score with what had changed when `changed` says."""
        days = [
            min(
                next_working_day(plan.started_on + timedelta(weeks=6 * n), ENGLAND_AND_WALES),
                last,
            )
            for n in range(len(scores))
        ]
        row = outcomes.add_outcome(
            plan, self.lee, {"statement": statement, "score": scores[0], "scored_on": days[0]}
        )
        words = list(changed[0]) if changed else []
        for n, (score, on) in enumerate(zip(scores[1:], days[1:], strict=True)):
            what = words[n] if n < len(words) else None
            outcomes.add_score(
                plan, row, self.lee, {"score": score, "scored_on": on, "what_changed": what}
            )

    def gp_told(self, plan: SharedPlan, child: Child, first_active: date) -> None:
        """Told two days after an agency first became actively involved; Westgate Surgery
        answered three days later, about its older plans."""
        sent = first_active + timedelta(days=2)
        row = gp.record_by_hand(plan, self.lee, "initial", {"sent_on": sent, "method": GP_TOLD_BY})
        practice, days, reply = GP_REPLIES
        if child.gp_practice.name == practice and plan.started_on < self.day(-days):
            gp_lists.reply(self.users[GP], row, row.version, reply)
            backdate(row, acknowledged_at=ten_am(sent + timedelta(days=3)))
