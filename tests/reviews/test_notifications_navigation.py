"""The service navigation per role: Reviews for those who own or follow reviews, Notifications
(with its unread count) for everyone who gets reminders, and the GP practices' own notifications
called "GP notifications" so the two differ."""

from __future__ import annotations

import re

import pytest

from tas.navigation import items_for, notifications_html
from tests.pages import page_text

EXPECTED = {
    "admin": ["Home", "Users", "Schools", "Agencies", "Clusters", "Your account"],
    "coordinator": [
        "Home",
        "Children",
        "Meetings",
        "Reviews",
        "Flags",
        "Lawful bases",
        "Notifications",
        "Your account",
    ],
    "dsl": [
        "Home",
        "Children",
        "Meetings",
        "Requests",
        "Reviews",
        "Flags",
        "Notifications",
        "Your account",
    ],
    "link_worker": [
        "Home",
        "Children",
        "Meetings",
        "Requests",
        "Reviews",
        "Flags",
        "Notifications",
        "Your account",
    ],
    "practitioner": [
        "Home",
        "Children",
        "Meetings",
        "Reviews",
        "Flags",
        "Notifications",
        "Your account",
    ],
    "school_staff": [
        "Home",
        "Children",
        "Requests",
        "Reviews",
        "Flags",
        "Notifications",
        "Your account",
    ],
    "gp": ["Home", "Children", "Meetings", "GP notifications", "Notifications", "Your account"],
}


@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_has_its_items_in_order(role):
    assert [item.text for item in items_for(role)] == EXPECTED[role]


def test_the_count_is_said_in_words_for_screen_readers():
    assert notifications_html(0) == "Notifications"
    assert notifications_html(3) == (
        'Notifications (3<span class="govuk-visually-hidden"> unread</span>)'
    )


def navigation_of(response) -> list[str]:
    body = response.get_data(as_text=True)
    links = re.findall(
        r'<a class="govuk-service-navigation__link" href="[^"]+"[^>]*>(.*?)</a>', body, re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", "", link).split()) for link in links]


@pytest.mark.parametrize("role", ["gp", "dsl", "coordinator", "admin"])
def test_the_navigation_shown_has_the_roles_items(app, login_as, role):
    browser = login_as(role)

    shown = navigation_of(browser.get("/"))

    # Pages still being built (Reviews) are left out rather than breaking every page.
    expected = [item.text for item in items_for(role) if item.endpoint in app.view_functions]
    assert shown == expected
    assert ("Notifications" in shown) is (role != "admin")
    assert ("GP notifications" in shown) is (role == "gp")


def test_the_gp_notifications_page_is_the_current_gp_item_not_the_reminders(login_as):
    body = login_as("gp").get("/gp/notifications").get_data(as_text=True)

    current = re.search(r'href="([^"]+)"\s+aria-current="page"', body)
    assert current and current.group(1) == "/gp/notifications"
    reminders = re.search(r'href="/notifications"(\s+aria-current)?', body)
    assert reminders and reminders.group(1) is None


def test_a_gp_is_not_told_of_reviews_and_actions_they_are_responsible_for(login_as):
    gp, dsl = page_text(login_as("gp").get("/notifications")), login_as("dsl")

    assert "reviews and actions you are responsible for" not in gp
    assert "A GP practice has no reviews or actions of its own" in gp
    assert "GP notifications" in gp
    told = "Reminders about reviews, actions, concerns and requests you are responsible for"
    assert told in page_text(dsl.get("/notifications"))
