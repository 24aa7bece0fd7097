"""The family's agreement as conditions on a child in SQL: the agreement that stands now, a
withdrawal, which agencies it covers, and a decision to share with the coordinators since a
withdrawal. The access rules (tas.children.access) are built from these."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from tas.children.models import Agreement, AgreementAgency, Child, SharingDecision
from tas.plans.models import AgencyInvolvement


def about_child(*conditions):
    """EXISTS (...) about the Child row of the outer query, whatever else that query joins."""
    return exists().where(*conditions).correlate(Child)


def withdrawn() -> ColumnElement[bool]:
    """The family withdrew agreement and has not agreed again since."""
    withdrawn = about_child(Agreement.child_id == Child.id, Agreement.withdrawn_on.is_not(None))
    return and_(withdrawn, ~agreement_stands())


def agreement_stands() -> ColumnElement[bool]:
    """The family has an agreement that stands (not withdrawn)."""
    return about_child(Agreement.child_id == Child.id, Agreement.withdrawn_on.is_(None))


def newest_agreement_of(child_id_column):
    """The id of the child's agreement that stands now (the newest not withdrawn), as a
    correlated subquery: the same agreement tas.children.access.current_agreement returns."""
    return (
        select(Agreement.id)
        .where(Agreement.child_id == child_id_column, Agreement.withdrawn_on.is_(None))
        .order_by(Agreement.agreed_on.desc(), Agreement.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def covers_involvement() -> ColumnElement[bool]:
    """The family's current agreement (the newest standing, as current_agreement) covers this
    involvement's agency (an agreement naming no agencies covers any agency)."""
    current = newest_agreement_of(Child.id).correlate(Child)
    names_agencies = exists().where(AgreementAgency.agreement_id == current)
    names_this_agency = (
        exists()
        .where(
            AgreementAgency.agreement_id == current,
            AgreementAgency.agency_id == AgencyInvolvement.agency_id,
        )
        .correlate(AgencyInvolvement)
    )
    return and_(current.is_not(None), or_(~names_agencies, names_this_agency))


def shared_with_coordinators() -> ColumnElement[bool]:
    """A decision to share with the coordinators, with its lawful basis, made after the family's
    latest withdrawal was recorded (a decision from before it does not outlive it, whatever day
    the withdrawal is dated)."""
    withdrawn_recorded = (
        select(func.max(Agreement.withdrawn_recorded_at))
        .where(Agreement.child_id == Child.id)
        .correlate(Child)
        .scalar_subquery()
    )
    return about_child(
        SharingDecision.child_id == Child.id,
        SharingDecision.shared.is_(True),
        SharingDecision.coordinators_may_see.is_(True),
        SharingDecision.decided_at > withdrawn_recorded,
    )
