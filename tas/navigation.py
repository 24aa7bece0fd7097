"""Service navigation: what the signed-in role can use."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, has_request_context, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    section: str | tuple[str, ...]  # endpoint prefixes that mark the item's section as current


ADMIN_ITEMS = (
    NavItem("Users", "organisations.users", "organisations.user"),
    NavItem("Schools", "organisations.schools", "organisations.school"),
    NavItem("Agencies", "organisations.agencies", "organisations.agenc"),
    NavItem("Clusters", "organisations.clusters", "organisations.cluster"),
)
COORDINATOR_ITEMS = (NavItem("Lawful bases", "sharing.lawful_bases", "sharing."),)
COMMON_ITEMS = (NavItem("Home", "pages.home", "pages.home"),)
CHILDREN_ITEM = NavItem("Children", "children.children", ("children.", "plans."))
# Everyone who may see some children's records (never administrators).
CHILDREN_ROLES = frozenset(
    {"dsl", "school_staff", "link_worker", "practitioner", "gp", "coordinator"}
)
MEETINGS_ITEM = NavItem("Meetings", "meetings.meetings", "meetings.")
REQUESTS_ITEM = NavItem("Requests", "requests.requests", "requests.")
# Who may see some meetings (GP practices only those they are invited to) and who makes or
# triages TAS requests.
MEETINGS_ROLES = frozenset({"dsl", "link_worker", "practitioner", "gp", "coordinator"})
REQUESTS_ROLES = frozenset({"dsl", "school_staff", "link_worker"})
ACCOUNT_ITEM = NavItem("Your account", "auth.account", "auth.account")
GP_ITEM = NavItem("Notifications", "gp.notifications", "gp.")


def items_for(role: str) -> tuple[NavItem, ...]:
    """The navigation for a role, in order."""
    if role == "admin":
        return (*COMMON_ITEMS, *ADMIN_ITEMS, ACCOUNT_ITEM)
    work = (
        *((CHILDREN_ITEM,) if role in CHILDREN_ROLES else ()),
        *((MEETINGS_ITEM,) if role in MEETINGS_ROLES else ()),
        *((REQUESTS_ITEM,) if role in REQUESTS_ROLES else ()),
    )
    if role == "coordinator":
        return (*COMMON_ITEMS, *work, *COORDINATOR_ITEMS, ACCOUNT_ITEM)
    if role == "gp":
        return (*COMMON_ITEMS, *work, GP_ITEM, ACCOUNT_ITEM)
    return (*COMMON_ITEMS, *work, ACCOUNT_ITEM)


def register(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        if not has_request_context() or not current_user or not current_user.is_authenticated:
            return {"navigation": []}
        endpoint = request.endpoint or ""
        return {
            "navigation": [
                {
                    "text": item.text,
                    "href": url_for(item.endpoint),
                    "active": endpoint.startswith(item.section),
                    "current": endpoint == item.endpoint,
                }
                for item in items_for(current_user.role)
            ]
        }
