"""Who may record what about a child's level of need: step changes, referrals to the IFD and
their decisions, the social worker (reading the level page needs READ on the child:
tas.children.access).

Which changes need the family's agreement is decided here, and only here (docs/security.md,
Roles; docs/design.md, the glossary's levels and agreement):

- A safeguarding route goes ahead without it: a referral to the IFD, the IFD's decision and a
  disagreement with it; while Children's Social Care holds the case, the social worker and the
  step down from Social Care (holding a case is the council's statutory work, not consent).
  Those who could change the record were the agreement standing may record these, as may the
  plan's lead practitioner.
- A step up within early help is decided at TAS with the family's agreement: it needs an
  agreement that stands now, and then EDIT on the child or the lead of the child's plan.
- A step down within early help changes the record like any other change: never after the
  family withdrew agreement (the record is read-only), and the lead only while it stands.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import abort
from sqlalchemy import case, select

from tas.children import access as children
from tas.children import agreed
from tas.children.access import Access
from tas.children.models import Child
from tas.extensions import db
from tas.levels.rules import SOCIAL_CARE
from tas.organisations.models import User
from tas.plans.models import SharedPlan

LEVEL_CHANGERS = frozenset({"dsl", "link_worker", "practitioner", "school_staff"})


class LevelChange(enum.Enum):
    """What someone records about a child's level."""

    REFERRAL = "referral"  # a referral to the IFD, its decision, a disagreement with it
    SOCIAL_WORKER = "social_worker"  # the social worker, while Social Care holds the plan
    STEP_UP = "step_up"  # within early help
    STEP_DOWN = "step_down"  # from the child's level now: Social Care, or within early help


NEEDS_AGREEMENT = (
    "A step up within early help needs the family's agreement to early help, and none stands "
    "now: record the family's agreement first. If you are worried about the child's safety, "
    "refer to the Integrated Front Door (IFD)"
)
WITHDRAWN = (
    "The family withdrew their agreement to early help, so the record is read-only: a change "
    "within early help cannot be recorded until the family agrees again. If you are worried "
    "about the child's safety, refer to the Integrated Front Door (IFD)"
)


@dataclass(frozen=True)
class LevelRights:
    """What one person may record about one child's level, worked out in one query."""

    safeguarding: bool = False  # as if the family agreed: a safeguarding route
    changes_record: bool = False  # may change the record now (not read-only)
    agreement_stands: bool = False
    withdrawn: bool = False
    level_of_need: str | None = None

    def may(self, change: LevelChange) -> bool:
        if change is LevelChange.STEP_UP:
            return self.agreement_stands and self.changes_record
        if change is LevelChange.STEP_DOWN and self.level_of_need != SOCIAL_CARE:
            return self.changes_record
        return self.safeguarding

    def why_not(self, change: LevelChange) -> str | None:
        """Why someone who records safeguarding routes may not record this change (the
        family's agreement), or None when they may (or may record nothing at all)."""
        if not self.safeguarding or self.may(change):
            return None
        return WITHDRAWN if self.withdrawn else NEEDS_AGREEMENT


def level_rights(user: User, child_id: int) -> LevelRights:
    """This person's rights to record the child's level changes (nothing for a child that does
    not exist, or a role that records no levels)."""
    if user.role not in LEVEL_CHANGERS:
        return LevelRights()
    as_if_agreed = children.clauses(user, as_if_agreed=True)[Access.EDIT]
    editable = children.clauses(user)[Access.EDIT]
    leads = agreed.about_child(
        SharedPlan.child_id == Child.id,
        SharedPlan.status != "closed",
        SharedPlan.lead_practitioner_id == user.id,
    )

    def flag(condition):
        return case((condition, 1), else_=0)

    row = db.session.execute(
        select(
            flag(as_if_agreed),
            flag(editable),
            flag(leads),
            flag(agreed.agreement_stands()),
            flag(agreed.withdrawn()),
            Child.level_of_need,
        ).where(Child.id == child_id)
    ).one_or_none()
    if row is None:
        return LevelRights()
    as_if, edits, lead, stands, withdrawn, level = row
    return LevelRights(
        safeguarding=bool(as_if or lead),
        changes_record=bool(edits or (lead and stands)),
        agreement_stands=bool(stands),
        withdrawn=bool(withdrawn),
        level_of_need=level,
    )


def may_record_level(user: User, child_id: int, change: LevelChange = LevelChange.REFERRAL) -> bool:
    """Whether the user may record this change about the child's level."""
    return level_rights(user, child_id).may(change)


def leads_plan_of(user: User, child_id: int) -> bool:
    """The user is the lead practitioner of the child's open (or held) shared plan."""
    found = db.session.scalar(
        select(SharedPlan.id).where(
            SharedPlan.child_id == child_id,
            SharedPlan.status != "closed",
            SharedPlan.lead_practitioner_id == user.id,
        )
    )
    return found is not None


class AgreementNeeded(Exception):
    """Someone who records the child's safeguarding routes asked for a change the family's
    agreement does not allow now: the levels pages answer 403 with a page saying why."""

    def __init__(self, child_id: int, change: LevelChange, why: str):
        super().__init__(why)
        self.child_id = child_id
        self.change = change
        self.why = why


def require_level_change(
    user: User, child_id: int, change: LevelChange = LevelChange.REFERRAL
) -> LevelRights:
    """Stop the request unless the user may record this change for the child: 404 when they
    may not even see the child, 403 when they may see it but not do this (AgreementNeeded, a
    page saying why, when only the family's agreement stands in the way)."""
    if children.access_to(user, child_id) == Access.NONE and not leads_plan_of(user, child_id):
        abort(404)
    rights = level_rights(user, child_id)
    if not rights.may(change):
        why = rights.why_not(change)
        if why:
            raise AgreementNeeded(child_id, change, why)
        abort(403)
    return rights


def may_record_levels(user: User, child_ids) -> set[int]:
    """Of these children, those whose referrals to the IFD the user may record (two queries:
    the bulk twin of may_record_level for LevelChange.REFERRAL, for pages listing many
    children)."""
    ids = sorted(set(child_ids))
    if user.role not in LEVEL_CHANGERS or not ids:
        return set()
    editable = children.clauses(user, as_if_agreed=True)[Access.EDIT]
    found = set(db.session.scalars(select(Child.id).where(Child.id.in_(ids), editable)))
    leads = db.session.scalars(
        select(SharedPlan.child_id).where(
            SharedPlan.child_id.in_(ids),
            SharedPlan.status != "closed",
            SharedPlan.lead_practitioner_id == user.id,
        )
    )
    return found | set(leads)


def may_disagree(user: User, referral) -> bool:
    """Marking a decided referral as a professional disagreement: its referrer while they may
    still read the child's record, or anyone who may record the child's referrals."""
    if (
        referral.referred_by_id == user.id
        and children.access_to(user, referral.child_id) >= Access.READ
    ):
        return True
    return may_record_level(user, referral.child_id, LevelChange.REFERRAL)
