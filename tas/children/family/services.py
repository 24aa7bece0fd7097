"""Family use cases: parents and carers, who the child lives with, and siblings."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children import access, records
from tas.children.models import Child, FamilyMember, SiblingLink
from tas.core.use_cases import Refused, commit
from tas.extensions import db
from tas.organisations.models import User


def members(child_id: int) -> list[FamilyMember]:
    """The child's parents, carers and other adults, in the order they were added."""
    return list(
        db.session.scalars(
            select(FamilyMember).where(FamilyMember.child_id == child_id).order_by(FamilyMember.id)
        )
    )


def member_of(child_id: int, member_id: int) -> FamilyMember | None:
    """One adult in this child's family (None for anyone else's)."""
    return db.session.scalars(
        select(FamilyMember).where(FamilyMember.id == member_id, FamilyMember.child_id == child_id)
    ).one_or_none()


def add_member(user: User, child: Child, values: dict) -> FamilyMember:
    """Add a parent, carer or other adult to the child's family, audited."""
    member = FamilyMember(
        child_id=child.id,
        originating_school_id=user.school_id,
        originating_agency_id=user.agency_id,
        **values,
    )
    db.session.add(member)

    def write() -> None:
        db.session.flush()
        record("family_member_added", target=member, detail={"child_id": child.id})

    commit(write)
    return member


def change_member(member: FamilyMember, version: int | None, values: dict) -> list[str]:
    return records.change(
        member, version, values, "family_member_changed", detail={"child_id": member.child_id}
    )


def change_lives_with(child: Child, version: int | None, values: dict) -> list[str]:
    return records.change(child, version, values, "child_lives_with_changed")


# ---------------------------------------------------------------- siblings


def _linked_to(child_id: int):
    """The condition on Child: linked as a sibling to this child (either way round)."""
    return or_(
        Child.id.in_(select(SiblingLink.sibling_id).where(SiblingLink.child_id == child_id)),
        Child.id.in_(select(SiblingLink.child_id).where(SiblingLink.sibling_id == child_id)),
    )


def siblings_seen_by(user: User, child_id: int) -> list[Child]:
    """The child's siblings this person may see; the others are not mentioned at all."""
    return list(
        db.session.scalars(
            select(Child)
            .where(_linked_to(child_id), access.visible_among_few(user))
            .options(joinedload(Child.school))
            .order_by(func.lower(Child.last_name), func.lower(Child.first_name), Child.id)
        )
    )


def not_a_sibling_candidate(child_id: int):
    """For the sibling search: the child themselves and siblings already linked."""
    return or_(Child.id == child_id, _linked_to(child_id))


def _pair(child: Child, sibling: Child) -> tuple[int, int]:
    return (min(child.id, sibling.id), max(child.id, sibling.id))


def link_sibling(child: Child, sibling: Child) -> bool:
    """Link two children as siblings (stored once, lower id first); False if already linked."""
    if child.id == sibling.id:
        raise Refused({"sibling": "A child cannot be their own sibling"})
    low, high = _pair(child, sibling)
    already = select(SiblingLink.id).where(
        and_(SiblingLink.child_id == low, SiblingLink.sibling_id == high)
    )
    if db.session.scalar(already) is not None:
        return False
    db.session.add(SiblingLink(child_id=low, sibling_id=high))
    try:
        db.session.flush()
        record("sibling_linked", target=child, detail={"sibling_id": sibling.id})
        db.session.commit()
    except IntegrityError:  # someone linked them at the same moment
        db.session.rollback()
        return False
    return True


def unlink_sibling(child: Child, sibling: Child) -> bool:
    """Remove the sibling link between two children; False if there was none."""
    low, high = _pair(child, sibling)
    link = db.session.scalars(
        select(SiblingLink).where(SiblingLink.child_id == low, SiblingLink.sibling_id == high)
    ).one_or_none()
    if link is None:
        return False
    db.session.delete(link)
    record("sibling_unlinked", target=child, detail={"sibling_id": sibling.id})
    db.session.commit()
    return True
