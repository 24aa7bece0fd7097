"""Shared plan use cases, and what the team-around-the-child page shows."""

from __future__ import annotations

from tas.children.access import Access
from tas.children.models import Child
from tas.organisations.models import User


def team_around_the_child(child: Child, user: User, level: Access) -> dict:
    """Everything the team-around-the-child page shows about the child's plan, for this user."""
    return {}
