"""Who may read, record and answer the voice of the child (docs/security.md, Roles), on top of
the children's one access check: reading the child's record is reading their words (never a GP
practice's summary access, never an administrator)."""

from __future__ import annotations

from flask import abort

from tas.children import access as children
from tas.children.access import Access
from tas.organisations.models import User


def require_reader(user: User, child_id: int) -> Access:
    """Stop the request unless the user may read the child's record (404 when they may not
    know it exists, 403 for a GP practice's summary access)."""
    return children.require(user, child_id, Access.READ)


def may_record(user: User, level: Access) -> bool:
    return children.may_add_records(user, level)


def may_respond(user: User, level: Access) -> bool:
    """Those who may add to the record, or a coordinator who opened it with a reason."""
    return may_record(user, level) or (user.role == "coordinator" and level >= Access.READ)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
