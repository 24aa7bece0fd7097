"""Who may read a child's chronology, add to it and answer a cumulative harm pattern
(docs/security.md, Roles), on top of the children's one access check; and whose eyes a
restricted event's details are for."""

from __future__ import annotations

from dataclasses import dataclass

from tas.children import access as children
from tas.children.access import RECORDERS, Access
from tas.organisations.models import User

# A coordinator who opened the record with a reason may record the decision that answers a
# cumulative harm pattern too.
DECIDERS = RECORDERS | {"coordinator"}


def require_reader(user: User, child_id: int) -> Access:
    """Stop the request unless the user may read the child's record: never a GP practice's
    summary access (its role sees no chronology), never an administrator."""
    return children.require(user, child_id, Access.READ)


def may_record(user: User, level: Access) -> bool:
    return level >= Access.READ and user.role in RECORDERS


def may_decide(user: User, level: Access) -> bool:
    return level >= Access.READ and user.role in DECIDERS


@dataclass(frozen=True)
class Reader:
    """Who is reading, as the restricted marker asks: their organisation, and whether they are
    the child's school's DSL or the plan's lead practitioner."""

    agency_id: int | None
    school_id: int | None
    holds_the_record: bool

    def sees_restricted(self, agency_id: int | None, school_id: int | None) -> bool:
        """A restricted record ("ask the originator before sharing further") shows its details
        to its own organisation and to those who hold the child's record; others see that it
        exists and whom to ask."""
        if self.holds_the_record:
            return True
        if agency_id is not None:
            return agency_id == self.agency_id
        return school_id is not None and school_id == self.school_id


def reader(user: User, child_school_id: int, lead_practitioner_id: int | None) -> Reader:
    holds = (user.role == "dsl" and user.school_id == child_school_id) or (
        lead_practitioner_id is not None and user.id == lead_practitioner_id
    )
    return Reader(user.agency_id, user.school_id, holds)
