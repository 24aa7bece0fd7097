"""What the team-around-the-child page shows about a plan, for one person.

The number of SQL queries is fixed whatever the number of involvements, outcomes and actions:
each kind of record is read once, with what it shows loaded alongside it (docs/architecture.md,
Habits: `count_queries` proves it). A GP practice sees only who is involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import null, select
from sqlalchemy.orm import joinedload

from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Agreement, Child
from tas.core.choices import label
from tas.core.clock import today
from tas.extensions import db
from tas.organisations.models import User
from tas.plans import rules, words
from tas.plans.access import PlanRights, may_start_plan, rights
from tas.plans.actions.rows import ActionRow, OwnerGroup, grouped, meeting_words, plan_actions
from tas.plans.gp import status as gp_notifications
from tas.plans.models import AgencyInvolvement, Outcome, SharedPlan
from tas.reviews.services import level_label as level_name

STATUS_ORDER = {"active": 0, "requested": 1, "ended": 2, "declined": 3}


@dataclass(frozen=True)
class ServiceRow:
    """One involved service in the team table."""

    involvement: AgencyInvolvement
    contact: str
    open_actions: int = 0
    overdue_actions: int = 0
    may_update: bool = False

    @property
    def status_label(self) -> str:
        return label(rules.INVOLVEMENT_STATUSES, self.involvement.status)

    @property
    def child_engagement(self) -> str:
        return label(rules.ENGAGEMENT, self.involvement.child_engagement)

    @property
    def parent_engagement(self) -> str:
        return label(rules.ENGAGEMENT, self.involvement.parent_engagement)


@dataclass(frozen=True)
class OutcomeRow:
    outcome: Outcome
    chart: rules.Chart


@dataclass
class PlanView:
    """One plan as this person may see it."""

    plan: SharedPlan
    rights: PlanRights
    services: list[ServiceRow]
    outcomes: list[OutcomeRow] = field(default_factory=list)
    said: list[words.Said] = field(default_factory=list)
    action_groups: list[OwnerGroup] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    summary_only: bool = False
    gp: gp_notifications.PlanGp | None = None  # GP notification status (not for the GP)
    may_notify_gp: bool = False

    @property
    def level_label(self) -> str:
        """The level's name as the partnership configured it (setting LEVELS_OF_NEED)."""
        return level_name(self.plan.level_of_need)

    @property
    def status_label(self) -> str:
        return label(rules.PLAN_STATUSES, self.plan.status)


@dataclass
class Team:
    """The child page's plan section: the current plan, older plans, and what can be started."""

    level: Access
    current: PlanView | None = None
    older: list[SharedPlan] = field(default_factory=list)
    agreement: Agreement | None = None
    may_start: bool = False

    @property
    def summary_only(self) -> bool:
        return self.level < Access.READ


def team(child: Child, user: User, level: Access) -> Team:
    """Everything the team-around-the-child page shows about the child's plans, for this user."""
    result = Team(level=level)
    if level < Access.GP_SUMMARY:
        return result
    # The plans with the family's agreement that stands now, in one query (the agreement is
    # read apart only when there is no plan, or for a GP practice, which never sees it).
    full = level >= Access.READ
    agreement_id = children.current_agreement_id(child.id) if full else null()
    rows = db.session.execute(
        select(SharedPlan, Agreement)
        .outerjoin(Agreement, Agreement.id == agreement_id)
        .options(joinedload(SharedPlan.lead_practitioner).joinedload(User.agency))
        .where(SharedPlan.child_id == child.id)
        .order_by(SharedPlan.started_on.desc(), SharedPlan.id.desc())
    ).all()
    plans = [plan for plan, _ in rows]
    current = next((plan for plan in plans if plan.status != "closed"), None)
    if not full:
        if current is not None:
            result.current = plan_view(current, user, level, None, summary_only=True)
        return result
    result.agreement = rows[0][1] if rows else children.current_agreement(child.id)
    result.older = [plan for plan in plans if plan.status == "closed"]
    result.may_start = current is None and may_start_plan(level)
    if current is not None:
        result.current = plan_view(current, user, level, result.agreement)
    return result


def plan_view(
    plan: SharedPlan,
    user: User,
    level: Access,
    agreement: Agreement | None,
    *,
    summary_only: bool = False,
) -> PlanView:
    """One plan for one person; a GP practice (summary only) gets who is involved and no more."""
    plan_rights = rights(user, plan, level, agreement)
    involvements = _involvements(plan, summary_only)
    if summary_only:
        services = [ServiceRow(i, _contact(i)) for i in involvements]
        return PlanView(plan, plan_rights, services, summary_only=True)
    day = today()
    actions = plan_actions(plan)
    by_id = {involvement.id: involvement for involvement in involvements}
    rows = [
        ActionRow(
            action,
            rules.action_is_overdue(action.status, action.due_on, day),
            plan_rights.may_update_action(action),
            by_id.get(action.involvement_id),
            meeting_words(kind, starts_at),
        )
        for action, kind, starts_at in actions
    ]
    services = [_service_row(i, rows, plan_rights) for i in involvements]
    overdue = sum(1 for row in rows if row.overdue)
    gp = gp_notifications.plan_gp(plan, plan.child.gp_practice_id is not None, involvements)
    view = PlanView(
        plan,
        plan_rights,
        services,
        outcomes=_outcomes(plan),
        said=words.words_on(plan),
        action_groups=grouped(rows),
        flags=rules.plan_flags(
            status=plan.status,
            has_lead=plan.lead_practitioner_id is not None,
            next_review_on=plan.next_review_on,
            overdue_actions=overdue,
            today=day,
        ),
        gp=gp,
        may_notify_gp=gp_notifications.may_notify(user, plan, level, agreement),
    )
    view.flags += gp.flags
    return view


def _involvements(plan: SharedPlan, summary_only: bool) -> list[AgencyInvolvement]:
    query = (
        select(AgencyInvolvement)
        .options(
            joinedload(AgencyInvolvement.agency),
            joinedload(AgencyInvolvement.practitioner),
        )
        .where(AgencyInvolvement.plan_id == plan.id)
    )
    if summary_only:  # a GP practice: who is working with the child now
        query = query.where(AgencyInvolvement.status.in_(("active", "requested")))
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda i: (STATUS_ORDER.get(i.status, 9), i.agency.name.lower(), i.id))


def _outcomes(plan: SharedPlan) -> list[OutcomeRow]:
    outcomes = db.session.scalars(
        select(Outcome)
        .options(joinedload(Outcome.scores))  # with the outcomes: one statement
        .where(Outcome.plan_id == plan.id)
        .order_by(Outcome.id)
    ).unique()
    return [
        OutcomeRow(o, rules.score_chart([(s.scored_on, s.score) for s in o.scores], o.statement))
        for o in outcomes
    ]


def _contact(involvement: AgencyInvolvement) -> str:
    """Who to contact: the named practitioner's email, or else the agency's."""
    if involvement.practitioner is not None:
        return involvement.practitioner.email
    return involvement.agency.contact_email


def _service_row(involvement: AgencyInvolvement, rows: list[ActionRow], plan_rights) -> ServiceRow:
    """An involvement's open and overdue actions: linked to it, or owned by its agency or its
    named practitioner."""
    mine = [
        row
        for row in rows
        if rules.action_is_open(row.action.status)
        and (
            row.action.involvement_id == involvement.id
            or row.action.owner_agency_id == involvement.agency_id
            or (
                involvement.practitioner_id is not None
                and row.action.owner_user_id == involvement.practitioner_id
            )
        )
    ]
    return ServiceRow(
        involvement,
        _contact(involvement),
        open_actions=len(mine),
        overdue_actions=sum(1 for row in mine if row.overdue),
        may_update=plan_rights.may_update_involvement(involvement),
    )
