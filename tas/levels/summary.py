"""What a child's level of need page shows, for one person: the level now, the dated history
of step changes, the referrals to the IFD, the open reviews, and what this person may do.

The number of SQL queries is fixed however long the history is: each kind of record is read
once, with the people it names loaded alongside (docs/architecture.md: count_queries proves it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import today
from tas.extensions import db
from tas.levels import rules as level_rules
from tas.levels.access import LevelChange, level_rights
from tas.levels.handover.services import handover_meetings, since_step_down, social_worker_words
from tas.levels.models import IfdReferral, StepChange
from tas.levels.rules import IFD_DECISIONS, REFERRAL_STATUSES, STEP_KINDS, referral_reference
from tas.levels.services import open_plan_of
from tas.meetings.access import may_organise_school
from tas.meetings.access import visible as meetings_visible
from tas.meetings.models import Meeting, meeting_reference
from tas.organisations.models import User
from tas.plans import rules as plan_rules
from tas.plans.models import SharedPlan
from tas.reviews import rules
from tas.reviews.lists import DUE_TAGS, due_state
from tas.reviews.models import Review
from tas.reviews.services import level_label, levels


@dataclass(frozen=True)
class HistoryRow:
    """One step change as the history table shows it."""

    change: StepChange
    meeting_reference: str | None
    meeting_visible: bool

    @property
    def kind_label(self) -> str:
        return label(STEP_KINDS, self.change.kind)

    @property
    def referral_reference(self) -> str | None:
        referral_id = self.change.referral_id
        return referral_reference(referral_id) if referral_id else None


@dataclass
class LevelPage:
    child: Child
    plan: SharedPlan | None
    history: list[HistoryRow]
    referrals: list[IfdReferral]
    reviews: list[Review]
    may_record: bool = False  # the safeguarding routes: referrals, decisions, the social worker
    may_step_up: bool = False
    may_refer: bool = False
    may_step_down: bool = False
    may_book_handover: bool = False
    handover_booked: list[Meeting] = field(default_factory=list)
    disagreeable: set[int] = field(default_factory=set)
    why_not: dict[str, str] = field(default_factory=dict)
    # Why a step within early help is not offered: the family's agreement (tas.levels.access).
    agreement_needed: str | None = None

    @property
    def level_label(self) -> str:
        return level_label(self.child.level_of_need)

    @property
    def awaiting(self) -> list[IfdReferral]:
        return [r for r in self.referrals if r.status == "awaiting_decision"]

    @property
    def handover_due(self) -> Review | None:
        return next((r for r in self.reviews if r.kind == "handover_meeting"), None)

    @property
    def escalation_url(self) -> str | None:
        return current_app.config.get("ESCALATION_PROCEDURE_URL") or None

    @staticmethod
    def decision_label(code: str | None) -> str:
        return label(IFD_DECISIONS, code) if code else "Not decided yet"

    @staticmethod
    def status_label(code: str) -> str:
        return label(REFERRAL_STATUSES, code)

    @staticmethod
    def review_label(code: str) -> str:
        return label(rules.REVIEW_KINDS, code)

    @staticmethod
    def due_tag(review: Review) -> tuple[str, str] | None:
        """Overdue, due today or due soon: the words and the tag's colour, as on the lists."""
        return DUE_TAGS.get(due_state(review.status, review.due_on, today(), ENGLAND_AND_WALES))

    @staticmethod
    def plan_status_label(code: str) -> str:
        return label(plan_rules.PLAN_STATUSES, code)

    @property
    def held_by_social_care(self) -> bool:
        return self.plan is not None and self.plan.status == "held_by_social_care"

    @property
    def social_worker(self) -> str | None:
        """The lead contact while Social Care holds the plan: "Sam Social, social worker"."""
        return social_worker_words(self.plan) if self.held_by_social_care else None


def history_of(child_id: int, user: User) -> list[HistoryRow]:
    """The child's step changes, newest first, with the meetings this person may open."""
    changes = list(
        db.session.scalars(
            select(StepChange)
            .options(joinedload(StepChange.recorded_by))
            .where(StepChange.child_id == child_id)
            .order_by(StepChange.changed_on.desc(), StepChange.id.desc())
        )
    )
    meeting_ids = sorted({c.meeting_id for c in changes if c.meeting_id})
    seen: set[int] = set()
    if meeting_ids:
        seen = set(
            db.session.scalars(
                select(Meeting.id).where(Meeting.id.in_(meeting_ids), meetings_visible(user))
            )
        )
    return [
        HistoryRow(
            change,
            meeting_reference(change.meeting_id) if change.meeting_id else None,
            change.meeting_id in seen,
        )
        for change in changes
    ]


def level_page(child: Child, user: User) -> LevelPage:
    """Everything the level page shows about the child, for this person."""
    referrals = list(
        db.session.scalars(
            select(IfdReferral)
            .options(joinedload(IfdReferral.referred_by))
            .where(IfdReferral.child_id == child.id)
            .order_by(IfdReferral.referred_on.desc(), IfdReferral.id.desc())
        )
    )
    reviews = list(
        db.session.scalars(
            select(Review)
            .options(joinedload(Review.owner))
            .where(Review.child_id == child.id, Review.status.in_(("open", "paused")))
            .order_by(Review.due_on, Review.id)
        )
    )
    page = LevelPage(
        child=child,
        plan=open_plan_of(child.id),
        history=history_of(child.id, user),
        referrals=referrals,
        reviews=reviews,
    )
    rights = level_rights(user, child.id)
    page.may_record = rights.may(LevelChange.REFERRAL)
    current = child.level_of_need
    page.why_not = {
        name: why
        for name, why in (
            ("step_up", level_rules.step_up_refusal(levels(), current)),
            ("refer", level_rules.referral_refusal(levels(), current)),
            ("step_down", level_rules.step_down_refusal(levels(), current)),
        )
        if why
    }
    if page.may_record:
        page.may_step_up = "step_up" not in page.why_not and rights.may(LevelChange.STEP_UP)
        page.may_refer = "refer" not in page.why_not
        page.may_step_down = "step_down" not in page.why_not and rights.may(LevelChange.STEP_DOWN)
        # A step the level allows but the family's agreement does not: say why it is missing.
        steps = ((LevelChange.STEP_UP, "step_up"), (LevelChange.STEP_DOWN, "step_down"))
        held_back = [rights.why_not(c) for c, name in steps if name not in page.why_not]
        page.agreement_needed = next((why for why in held_back if why), None)
    # Everyone here may read the child's record (the page requires it), so the referrer may
    # mark their own referral as disagreed (tas.levels.access.may_disagree, without a query).
    decided = [r for r in referrals if r.status == "decided" and r.disagreed_on is None]
    page.disagreeable = {r.id for r in decided if page.may_record or r.referred_by_id == user.id}
    if page.handover_due is not None:
        page.may_book_handover = may_organise_school(user, child.school_id)
        page.handover_booked = handover_meetings(child.id, since_step_down(page.handover_due))
    return page
