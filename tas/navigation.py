"""Service navigation: what the signed-in role can use, and how many notifications are unread."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup

from tas.meetings.access import LISTING_ROLES
from tas.reminders.notifications import unread_count


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
REVIEWS_ITEM = NavItem("Reviews", "reviews.reviews", "reviews.")
FLAGS_ITEM = NavItem("Flags", "flags.flags", "flags.")
# Who may see some meetings (GP practices only those they are invited to), who makes or
# triages TAS requests, and who owns or follows reviews.
MEETINGS_ROLES = LISTING_ROLES
REQUESTS_ROLES = frozenset({"dsl", "school_staff", "link_worker"})
REVIEWS_ROLES = frozenset({"dsl", "school_staff", "link_worker", "practitioner", "coordinator"})
ACCOUNT_ITEM = NavItem("Your account", "auth.account", "auth.account")
GP_ITEM = NavItem("GP notifications", "gp.notifications", "gp.")
# A person's reminders in the app, with the unread count (administrators get no reminders).
NOTIFICATIONS_ITEM = NavItem("Notifications", "reminders.notifications", "reminders.")


def items_for(role: str) -> tuple[NavItem, ...]:
    """The navigation for a role, in order."""
    if role == "admin":
        return (*COMMON_ITEMS, *ADMIN_ITEMS, ACCOUNT_ITEM)
    work = (
        *((CHILDREN_ITEM,) if role in CHILDREN_ROLES else ()),
        *((MEETINGS_ITEM,) if role in MEETINGS_ROLES else ()),
        *((REQUESTS_ITEM,) if role in REQUESTS_ROLES else ()),
        *((REVIEWS_ITEM,) if role in REVIEWS_ROLES else ()),
        # The same people: those who may read some children, and coordinators for their area.
        *((FLAGS_ITEM,) if role in REVIEWS_ROLES else ()),
    )
    if role == "coordinator":
        work = (*work, *COORDINATOR_ITEMS)
    if role == "gp":
        work = (*work, GP_ITEM)
    return (*COMMON_ITEMS, *work, NOTIFICATIONS_ITEM, ACCOUNT_ITEM)


def notifications_html(unread: int) -> Markup:
    """The notifications item's words: "Notifications (3 unread)", the word "unread" for
    screen readers only (the number in brackets says it to everyone else)."""
    if not unread:
        return Markup("Notifications")
    return Markup('Notifications ({}<span class="govuk-visually-hidden"> unread</span>)').format(
        unread
    )


def register(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        if not has_request_context() or not current_user or not current_user.is_authenticated:
            return {"navigation": []}
        if current_user.signed_in_session.factor_check:
            return {"navigation": []}  # still signing in: nowhere to go but the second factor
        # Every template rendered runs this, each GOV.UK form field among them: worked out
        # once per request and person.
        cached = g.get("navigation")
        if cached is None or cached[0] != current_user.id:
            g.navigation = (current_user.id, _items_shown())
        return {"navigation": g.navigation[1]}


def _items_shown() -> list[dict]:
    """The signed-in person's navigation, the current section marked."""
    endpoint = request.endpoint or ""
    shown = []
    for item in items_for(current_user.role):
        if item.endpoint not in current_app.view_functions:
            continue  # a page not built yet is left out rather than breaking every page
        entry = {
            "text": item.text,
            "href": url_for(item.endpoint),
            "active": endpoint.startswith(item.section),
            "current": endpoint == item.endpoint,
        }
        if item is NOTIFICATIONS_ITEM:
            entry["html"] = notifications_html(unread_count(current_user))
        shown.append(entry)
    return shown
