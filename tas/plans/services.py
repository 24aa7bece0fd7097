"""Shared plan use cases share these: today's date, where a record came from, values as the
audit log keeps them, and one commit that turns a lost race into a stale edit.

The use cases themselves are by meaning: shared_plans, outcomes, involvements, actions; what the
team-around-the-child page shows is in team.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tas.organisations.models import User


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
