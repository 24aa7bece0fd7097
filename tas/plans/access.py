"""Who may change what on a shared plan, built on the one access check for children.

Every plan page first asks `tas.children.access.require` whether the person may see the child at
all (404 when they may not even know the child exists). Only then does this module decide what
they may change on the plan:

- the plan (start, change, close, outcomes, new involvements and actions): people with EDIT on
  the child (the school's DSL, a linked link worker) and the plan's lead practitioner while the
  family's agreement stands;
- an involvement: also its named practitioner and their agency's safeguarding lead;
- an action: also its owner, and the users of the agency that owns it;
- but school staff who only read the record (the old school's DSL after a move) change
  nothing, their own actions included.

A plan held by Social Care or closed is read-only to everyone. Nobody here changes the child's
own details: that needs EDIT on the child, which a practitioner never has (docs/security.md C14).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, url_for
from flask_login import current_user

from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Agreement
from tas.core.choices import label
from tas.extensions import db
from tas.organisations import safeguarding
from tas.organisations.models import User
from tas.plans import rules
from tas.plans.models import Action, AgencyInvolvement, SharedPlan

SCHOOL_ROLES = frozenset({"dsl", "school_staff"})


@dataclass(frozen=True)
class PlanRights:
    """What one person may do on one plan, worked out once per request."""

    user_id: int
    agency_id: int | None
    safeguarding_lead: bool
    level: Access
    changeable: bool  # the plan is open and the family's agreement stands
    editor: bool  # may change the plan itself
    closer: bool  # may close the plan (also after the family withdrew agreement)
    coordinator: bool = False  # a coordinator who opened the record with a reason
    # School staff who only read the record: a DSL whose pupil moved to another school keeps
    # it read-only for a while (docs/design.md, Roles), their own actions included.
    school_reads_only: bool = False

    def may_update_involvement(self, involvement: AgencyInvolvement) -> bool:
        if not self.changeable:
            return False
        if self.editor:
            return True
        if self.school_reads_only:
            return False
        if involvement.practitioner_id == self.user_id:
            return True
        return self.safeguarding_lead and involvement.agency_id == self.agency_id

    def may_reassign(self, involvement: AgencyInvolvement) -> bool:
        """Choosing the named practitioner: plan editors and the agency's safeguarding lead."""
        if not self.changeable:
            return False
        return self.editor or (self.safeguarding_lead and involvement.agency_id == self.agency_id)

    def may_decide_on_engagement(self, involvement: AgencyInvolvement) -> bool:
        """A decision about low engagement: whoever may update the involvement, or a
        coordinator who opened the record with a reason, while the plan can change."""
        return self.may_update_involvement(involvement) or (self.changeable and self.coordinator)

    def may_decide_on_drift(self) -> bool:
        """A decision about a plan that drifted: plan editors, or a coordinator who opened the
        record with a reason, while the plan can change."""
        return self.changeable and (self.editor or self.coordinator)

    def may_update_action(self, action: Action) -> bool:
        if not self.changeable:
            return False
        if self.editor:
            return True
        if self.school_reads_only:
            return False
        if action.owner_user_id == self.user_id:
            return True
        return self.agency_id is not None and action.owner_agency_id == self.agency_id


def rights(user: User, plan: SharedPlan, level: Access, agreement: Agreement | None) -> PlanRights:
    """This person's rights on this plan, given their access to the child and the agreement."""
    # After a withdrawal nothing on the plan changes (the record stays read-only), except that
    # the school's DSL or link worker may close it.
    open_plan = rules.is_changeable(plan.status) and level >= Access.READ
    changeable = open_plan and agreement is not None
    leads = plan.lead_practitioner_id == user.id
    editor = changeable and (level >= Access.EDIT or leads)
    closer = editor or (
        open_plan
        and agreement is None
        and children.may_record_consent_decisions(user, plan.child_id)
    )
    return PlanRights(
        user_id=user.id,
        agency_id=user.agency_id,
        safeguarding_lead=bool(user.is_safeguarding_lead),
        level=level,
        changeable=changeable,
        editor=editor,
        closer=closer,
        coordinator=user.role == "coordinator",
        school_reads_only=user.role in SCHOOL_ROLES and level < Access.EDIT,
    )


def may_start_plan(level: Access) -> bool:
    """Starting a plan is for people with EDIT on the child (the DSL, a linked link worker)."""
    return level >= Access.EDIT


@dataclass(frozen=True)
class OnPlan:
    """A plan page's context: the child's plan, the agreement standing now, and the rights."""

    plan: SharedPlan
    agreement: Agreement | None
    rights: PlanRights


def plan_on(user: User, child_id: int, plan_id: int) -> OnPlan:
    """The child's plan for a page that reads or changes it: 404 unless the person may read
    the child's record and the plan belongs to that child (a GP practice gets 403)."""
    level = children.require(user, child_id, Access.READ)
    return _on(user, child_id, plan_id, level)


def record_on(user: User, child_id: int, model: type, record_id: int) -> tuple[object, OnPlan]:
    """An involvement, outcome or action and its plan, only when the person may read the
    child's record and the record hangs off one of that child's plans (else 404)."""
    level = children.require(user, child_id, Access.READ)
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    return row, _on(user, child_id, row.plan_id, level)


def _on(user: User, child_id: int, plan_id: int, level: Access) -> OnPlan:
    plan = db.session.get(SharedPlan, plan_id)
    if plan is None or plan.child_id != child_id:
        abort(404)
    agreement = children.current_agreement(child_id)
    return OnPlan(plan, agreement, rights(user, plan, level, agreement))


def after_a_change(user: User, child_id: int, page: str) -> tuple[str, str | None]:
    """Where to go after a change that may end the person's need to know (their own involvement
    ended, say): `page` while they may still read the child's record, else their home page,
    with words saying why the record is no longer open to them."""
    if children.access_to(user, child_id) >= Access.READ:
        return page, None
    return url_for("pages.home"), (
        "You can no longer open this child's record: you are not named on an active "
        "involvement or leading an open plan for them"
    )


class ReadOnly(Exception):
    """The person may read the plan but not make this change, or the plan is read-only: the
    plans blueprint answers 403 with a page saying why."""

    def __init__(self, plan: SharedPlan, what: str):
        super().__init__(what)
        self.plan = plan
        self.what = what


def read_only_page(refused: ReadOnly):
    """The 403 page for a change that cannot be made, in plain words."""
    page = render_template(
        "plans/read_only.html",
        title="You cannot change this",
        plan=refused.plan,
        what=refused.what,
        status_label=label(rules.PLAN_STATUSES, refused.plan.status),
        ask=safeguarding.who_to_ask_about_plan(
            current_user,
            school_id=refused.plan.child.school_id,
            lead=refused.plan.lead_practitioner,
        ),
    )
    return page, 403
