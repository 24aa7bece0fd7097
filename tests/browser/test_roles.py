"""Each demo role signs in, sees its navigation, and every page it can reach passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in

# The notifications item carries the unread count when there is one: "Notifications (3 unread)".
NOTIFICATIONS = re.compile(r"^\s*Notifications( \(\d+ unread\))?\s*$")
ADMIN_NAVIGATION = ["Home", "Users", "Schools", "Agencies", "Clusters", "Your account"]
COORDINATOR_NAVIGATION = [
    "Home",
    "Children",
    "Meetings",
    "Reviews",
    "Flags",
    "Lawful bases",
    NOTIFICATIONS,
    "Your account",
]
SCHOOL_NAVIGATION = [
    "Home",
    "Children",
    "Meetings",
    "Requests",
    "Reviews",
    "Flags",
    NOTIFICATIONS,
    "Your account",
]
PRACTITIONER_NAVIGATION = [
    "Home",
    "Children",
    "Meetings",
    "Reviews",
    "Flags",
    NOTIFICATIONS,
    "Your account",
]
GP_NAVIGATION = [
    "Home",
    "Children",
    "Meetings",
    "GP notifications",
    NOTIFICATIONS,
    "Your account",
]
# Screenshot prefix, demo account, the navigation it must see.
ROLES = [
    ("admin", "admin@demo.tas.test", ADMIN_NAVIGATION),
    ("coordinator", "coordinator@demo.tas.test", COORDINATOR_NAVIGATION),
    ("dsl", "dsl@oakfield.demo.tas.test", SCHOOL_NAVIGATION),
    ("linkworker", "linkworker@demo.tas.test", SCHOOL_NAVIGATION),
    ("fim", "fim@demo.tas.test", PRACTITIONER_NAVIGATION),
    ("nurse", "nurse@demo.tas.test", PRACTITIONER_NAVIGATION),
    ("gp", "gp@demo.tas.test", GP_NAVIGATION),
]


@pytest.mark.parametrize(("name", "email", "navigation"), ROLES, ids=[r[0] for r in ROLES])
def test_each_role_sees_its_navigation_and_every_page_passes_axe(
    open_page, live_server, name, email, navigation
):
    watched = open_page()
    page = watched.page
    sign_in(page, email)
    expect(page).to_have_url(live_server("/"))

    links = page.locator(".govuk-service-navigation__list a.govuk-service-navigation__link")
    expect(links).to_have_text(navigation)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    hrefs = [links.nth(i).get_attribute("href") for i in range(len(navigation))]
    assert "/account" in hrefs  # the account page is always in the navigation

    for text, href in zip(navigation, hrefs, strict=True):
        response = page.goto(href)
        assert response is not None and response.status == 200, f"{href}: {response}"
        current = page.locator(".govuk-service-navigation__link[aria-current='page']")
        expect(current).to_have_text(text)
        expect(page.locator("h1")).to_have_count(1)
        check_accessibility(page)
        shown = "Notifications" if text is NOTIFICATIONS else text
        screenshot(page, f"{name}-{'account' if href == '/account' else shown}")
    assert watched.errors == []


def test_a_page_the_role_cannot_use_says_so_accessibly(open_page):
    watched = open_page()
    page = watched.page
    sign_in(page, "gp@demo.tas.test")
    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("You do not have access to this page")
    check_accessibility(page)
    screenshot(page, "gp-forbidden")
    assert watched.unexpected_errors(403) == []


@pytest.mark.parametrize("section", ["users", "schools", "agencies", "clusters"])
def test_admin_add_and_change_forms_pass_axe(open_page, section):
    """Beyond the navigation: each admin list's add form (empty, then with its errors) and the
    change form of its first row."""
    watched = open_page()
    page = watched.page
    sign_in(page, "admin@demo.tas.test")
    page.goto(f"/admin/{section}")
    add_href = page.locator("main a.govuk-button").first.get_attribute("href")
    change_href = page.locator("main a", has_text="Change").first.get_attribute("href")

    page.goto(change_href)
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page)
    screenshot(page, f"admin-{section}-change")

    page.goto(add_href)
    check_accessibility(page)
    screenshot(page, f"admin-{section}-add")
    page.locator("main form").get_by_role("button").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_accessibility(page)
    screenshot(page, f"admin-{section}-add-errors")
    assert watched.errors == []


def test_reminder_account_work_and_failed_email_pages_pass_axe(open_page, live_server):
    """The notifications page (with an unread reminder), the reminder choices (and their
    errors), the safeguarding lead's people and reassignment pages, the nurse's own actions
    (one overdue), and the failed emails."""
    from datetime import date

    from sqlalchemy import select

    from tas.extensions import db
    from tas.organisations.models import User
    from tas.outbox import services as outbox
    from tas.reminders.models import Reminder

    with live_server.app.app_context():
        nurse = db.session.scalar(select(User).where(User.email == "nurse@demo.tas.test"))
        fim = db.session.scalar(select(User).where(User.email == "fim@demo.tas.test"))
        db.session.add(
            Reminder(
                target_kind="review",
                target_id=999_001,
                recipient_id=nurse.id,
                kind="overdue",
                send_on=date(2026, 11, 26),
                status="sent",
                subject="Overdue: plan review for TAS-0001 was due 20 November",
                link="/notifications",
            )
        )
        stuck = outbox.queue([("gone@demo.tas.test", "")], "Reminder: IFD-0001 is due today", "x")
        stuck.status, stuck.attempts, stuck.last_error = "failed", 1, "550 No such user"
        db.session.commit()
        fim_id = fim.id
    watched = open_page()
    page = watched.page

    sign_in(page, "nurse@demo.tas.test")
    links = page.locator(".govuk-service-navigation__list a.govuk-service-navigation__link")
    expect(links.filter(has_text="Notifications")).to_have_text(NOTIFICATIONS)
    for path, name in (
        ("/notifications", "notifications"),
        ("/account/reminders", "reminder-choices"),
        ("/work", "work-people"),
        ("/actions", "your-actions"),
    ):
        page.goto(path)
        expect(page.locator("h1")).to_have_count(1)
        check_accessibility(page)
        screenshot(page, f"nurse-{name}")
    page.goto("/work")
    page.locator("main a", has_text="Reassign work").first.click()
    expect(page).to_have_url(re.compile(r"/work/reassign/\d+$"))
    check_accessibility(page)
    screenshot(page, "nurse-reassign")
    page.locator("main form").get_by_role("button").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_accessibility(page)
    screenshot(page, "nurse-reassign-errors")

    admin = open_page().page
    sign_in(admin, "admin@demo.tas.test")
    admin.goto(f"/work/reassign/{fim_id}")
    check_accessibility(admin)
    screenshot(admin, "admin-reassign")

    coordinator = open_page().page
    sign_in(coordinator, "coordinator@demo.tas.test")
    expect(coordinator.get_by_role("link", name="could not be delivered")).to_be_visible()
    coordinator.goto("/emails/failed")
    check_accessibility(coordinator)
    screenshot(coordinator, "coordinator-failed-emails")
    assert watched.errors == []
