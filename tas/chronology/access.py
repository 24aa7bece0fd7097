"""Who may read a child's chronology, add to it and answer a cumulative harm pattern
(docs/security.md, Roles), on top of the children's one access check; whose eyes a restricted
record's details are for is the children's `Reader`."""

from __future__ import annotations

from tas.children import access as children
from tas.children.access import Access
from tas.organisations.models import User


def require_reader(user: User, child_id: int) -> Access:
    """Stop the request unless the user may read the child's record: never a GP practice's
    summary access (its role sees no chronology), never an administrator."""
    return children.require(user, child_id, Access.READ)


def may_record(user: User, level: Access) -> bool:
    return children.may_add_records(user, level)


def may_decide(user: User, level: Access) -> bool:
    """A Neglect Toolkit or an escalation decision: those who may add to the record, or a
    coordinator who opened it with a reason."""
    return may_record(user, level) or (user.role == "coordinator" and level >= Access.READ)
