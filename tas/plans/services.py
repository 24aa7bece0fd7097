"""Shared plan use cases share these: today's date, where a record came from, values as the
audit log keeps them, and one commit that turns a lost race into a stale edit.

The use cases themselves are by meaning: shared_plans, outcomes, involvements, actions; what the
team-around-the-child page shows is in team.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from tas.core import submissions
from tas.core.clock import local, utcnow
from tas.extensions import db
from tas.organisations.models import User
from tas.organisations.services import Refused, StaleEdit

__all__ = ["Refused", "StaleEdit"]

Result = TypeVar("Result")


def today() -> date:
    """Today as the partnership counts days (Europe/London)."""
    return local(utcnow()).date()


def origin(user: User) -> dict[str, int | None]:
    """A new record's originating agency or school: the organisation of whoever recorded it."""
    return {"originating_agency_id": user.agency_id, "originating_school_id": user.school_id}


def plain(value: Any) -> Any:
    """A value as the audit log and action history keep it (JSON): dates as ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def audit_fields(values: dict, **ids: int) -> dict:
    """What the audit log keeps of a change: the names of the fields and the ids involved, never
    what was typed (the append-only log could never forget a child's details)."""
    return {"fields": sorted(values), **ids}


def check_version(row, version: int | None) -> None:
    """Refuse a save from a form opened on an older version of the record (docs/security.md I35)."""
    if version != row.version:
        raise StaleEdit


def commit(write: Callable[[], Result]) -> Result:
    """Make the change and its audit entry, and commit once. A competing save that lands
    between our check and our flush shows as StaleDataError: nothing is saved (I36). A form
    sent once only (tas.core.submissions) claims its token in the same transaction."""
    try:
        submissions.claim()
        result = write()
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error
    except Exception:  # refused part-way, already sent, or failed: nothing of it is kept
        db.session.rollback()
        raise
    return result


def refuse_if(problems: dict[str, str]) -> None:
    if problems:
        raise Refused(problems)
