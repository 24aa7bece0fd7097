"""Agreements, withdrawals and sharing decisions: load, check, change, write the audit entry and
commit once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from tas.audit.services import add_audited, audit_view, record
from tas.children import access
from tas.children.access import Access
from tas.children.agreements import rules
from tas.children.models import Agreement, Child, FamilyMember, LawfulBasis, SharingDecision
from tas.core.clock import local, utcnow
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.meetings.requests.services import close_on_withdrawal
from tas.organisations.models import Agency, School, User
from tas.organisations.rules import GP_PRACTICE


def london_today() -> date:
    """Today's date as the partnership sees it."""
    return local(utcnow()).date()


def viewed(action: str, child: Child) -> None:
    """Audit a read of one of these pages about the child."""
    audit_view(action, target=child)


# ---------------------------------------------------------------- what the pages show


@dataclass(frozen=True)
class Names:
    """Names for ids a page shows: people who recorded withdrawals, and where records came from."""

    people: dict[int, str]
    schools: dict[int, str]
    agencies: dict[int, str]

    def person(self, user_id: int | None) -> str:
        return self.people.get(user_id, "") if user_id else ""

    def origin(self, row) -> str:
        if row.originating_school_id:
            return self.schools.get(row.originating_school_id, "")
        if row.originating_agency_id:
            return self.agencies.get(row.originating_agency_id, "")
        return "Not recorded"


def names_for(rows, people_ids=()) -> Names:
    """The names a list of records needs, in three queries however long the list is."""
    user_ids = {i for i in people_ids if i}
    school_ids = {r.originating_school_id for r in rows if r.originating_school_id}
    agency_ids = {r.originating_agency_id for r in rows if r.originating_agency_id}
    return Names(
        people=_names(User, user_ids),
        schools=_names(School, school_ids),
        agencies=_names(Agency, agency_ids),
    )


def _names(model, ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    return {row_id: name for row_id, name in rows}


def agreement_history(child_id: int) -> list[Agreement]:
    """Every agreement for the child, newest first, with what the page shows of each."""
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.child_id == child_id)
            .options(
                selectinload(Agreement.agreed_by),
                selectinload(Agreement.asked_by),
                selectinload(Agreement.agencies),
            )
            .order_by(Agreement.agreed_on.desc(), Agreement.id.desc())
        )
    )


def parents_with_responsibility(child_id: int) -> list[FamilyMember]:
    """The child's parents and carers who may agree: those with parental responsibility."""
    return list(
        db.session.scalars(
            select(FamilyMember)
            .where(FamilyMember.child_id == child_id, FamilyMember.parental_responsibility)
            .order_by(FamilyMember.name, FamilyMember.id)
        )
    )


def _agreement_agencies(child: Child):
    """Agencies an agreement may cover: every agency but other children's GP practices."""
    return or_(Agency.service_type != GP_PRACTICE, Agency.id == child.gp_practice_id)


def agencies_for_agreement(child: Child) -> list[Agency]:
    return list(
        db.session.scalars(select(Agency).where(_agreement_agencies(child)).order_by(Agency.name))
    )


def default_origin(user: User, child: Child) -> str:
    """Where a new record comes from unless the person says otherwise: their own organisation."""
    if user.agency_id:
        return f"agency:{user.agency_id}"
    return f"school:{child.school_id}"


def may_record_agreement(user: User, child: Child, level: Access) -> bool:
    """Who may record an agreement or a sharing decision (see tas.children.access)."""
    if level < Access.READ:
        return False
    return access.may_record_consent_decisions(user, child.id)


# ---------------------------------------------------------------- agreements


def current_agreed_on(child_id: int) -> date | None:
    """The date of the family's agreement that stands now, if any."""
    current = access.current_agreement(child_id)
    return current.agreed_on if current else None


def record_agreement(child: Child, asked_by: User, values: dict) -> Agreement:
    """Record the family's agreement, asked by `asked_by`, audited; never dated before the
    agreement that stands, which it would not replace."""
    current_on = current_agreed_on(child.id)
    if current_on is not None and values["agreed_on"] < current_on:
        problem = rules.agreement_date_problem(
            values["agreed_on"], london_today(), child.date_of_birth, current_on
        )
        raise Refused({"agreed_on": problem})
    values = dict(values)
    parent = db.session.scalar(
        select(FamilyMember).where(
            FamilyMember.id == values.pop("agreed_by_id"),
            FamilyMember.child_id == child.id,
            FamilyMember.parental_responsibility,
        )
    )
    if parent is None:
        raise Refused({"agreed_by": "Select a parent or carer with parental responsibility"})
    agency_ids = values.pop("agency_ids")
    agencies = list(
        db.session.scalars(
            select(Agency).where(Agency.id.in_(agency_ids), _agreement_agencies(child))
        )
    )
    if not agencies or len(agencies) != len(agency_ids):
        raise Refused({"agencies": "Select the agencies the agreement covers from the list"})
    row = Agreement(
        child_id=child.id, agreed_by=parent, asked_by_id=asked_by.id, agencies=agencies, **values
    )
    detail = {
        "child_id": child.id,
        "agreed_by_id": parent.id,
        "agreed_on": row.agreed_on.isoformat(),
        "agency_ids": agency_ids,
        "young_person_competent": row.young_person_competent,
    }
    # One commit, which claims a form's one-time token (tas.core.submissions): sent once.
    return add_audited(row, "agreement_recorded", detail)


def withdraw_agreement(child: Child, user: User, values: dict) -> list[Agreement]:
    """Record that the family withdrew agreement. It takes effect at once: from this commit the
    access check no longer gives practitioners the child, and nobody may change the record."""
    standing = list(
        db.session.scalars(
            select(Agreement).where(
                Agreement.child_id == child.id, Agreement.withdrawn_on.is_(None)
            )
        )
    )
    gone = "There is no current agreement to withdraw: it may have been withdrawn already"
    if not standing:
        raise Refused({"withdrawn_on": gone})
    changed = db.session.execute(
        update(Agreement)
        .where(Agreement.id.in_([a.id for a in standing]), Agreement.withdrawn_on.is_(None))
        .values(**values, withdrawn_recorded_by_id=user.id, withdrawn_recorded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != len(standing):  # someone else withdrew it at the same moment
        db.session.rollback()
        raise Refused({"withdrawn_on": gone})
    for row in standing:
        detail = {"child_id": child.id, "withdrawn_on": values["withdrawn_on"].isoformat()}
        record("agreement_withdrawn", target=row, detail=detail)
    close_on_withdrawal(child.id)
    db.session.commit()
    return standing


# ---------------------------------------------------------------- sharing decisions


def sharing_decisions(child_id: int) -> list[SharingDecision]:
    """Every sharing decision about the child, newest first."""
    return list(
        db.session.scalars(
            select(SharingDecision)
            .where(SharingDecision.child_id == child_id)
            .options(
                selectinload(SharingDecision.lawful_basis),
                selectinload(SharingDecision.decided_by),
            )
            .order_by(SharingDecision.decided_at.desc(), SharingDecision.id.desc())
        )
    )


def record_sharing_decision(child: Child, user: User, values: dict) -> SharingDecision:
    """Record a decision to share or not to share, on a lawful basis still in use, audited."""
    basis = db.session.scalar(
        select(LawfulBasis).where(LawfulBasis.id == values["lawful_basis_id"], LawfulBasis.active)
    )
    if basis is None:
        raise Refused({"lawful_basis": "Select a lawful basis that is in use"})
    row = SharingDecision(child_id=child.id, decided_by_id=user.id, **values)
    detail = {
        "child_id": child.id,
        "shared": row.shared,
        "lawful_basis_id": basis.id,
        "coordinators_may_see": bool(row.coordinators_may_see),  # False unless asked for
    }
    return add_audited(row, "sharing_decision_recorded", detail)
