"""Asking the coordinator to check a number already recorded on a record the DSL cannot see
(issue 11, section 6), and the coordinator dealing with it: every page, and the form's error
state, passes axe-core; nothing on the DSL's pages names the other child or their school.

It changes no demo child: the request is about a Castle child's NHS number, and the child
typed in is never added.
"""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tas.demo.children import CASTLE, CHILDREN, nhs_numbers
from tests.browser.conftest import sign_in
from tests.browser.test_children_journeys import (
    DSL,
    banner,
    fill_date,
    look,
    open_children,
    shows_errors,
    submit,
)


def test_dsl_asks_the_coordinator_to_check_and_the_coordinator_deals_with_it(open_page):
    index = next(n for n, spec in enumerate(CHILDREN) if spec["school"] == CASTLE)
    first, last = CHILDREN[index]["name"]
    number = nhs_numbers(len(CHILDREN))[index]
    watched = open_page()
    page = watched.page
    sign_in(page, DSL)
    open_children(page)
    page.get_by_role("button", name="Add a child").click()
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Newcombe")
    fill_date(page, "Date of birth", date(2016, 5, 1))
    page.get_by_label("NHS number (optional)").fill(number)
    submit(page, "Save child")

    shows_errors(
        page,
        "dsl-add-child-number-recorded",
        "This NHS number is already recorded on another record",
    )
    main = page.locator("main").inner_text()
    for secret in (first, last, "Castle"):
        assert secret not in main, secret
    expect(page.get_by_label("NHS number (optional)")).to_have_value(number)
    page.get_by_label("Note for the coordinator (optional)").fill("Joined us this week")
    submit(page, "Ask the coordinator to check")
    banner(page, "has been sent to the coordinator")
    reference = (
        page.locator(".govuk-notification-banner--success").inner_text().split("request ")[1][:8]
    )
    look(page, "dsl-record-check-asked")
    assert watched.errors == []

    watched = open_page()
    page = watched.page
    sign_in(page, "coordinator@demo.tas.test")
    open_children(page)
    page.get_by_role("link", name="Requests to check a record").click()
    expect(page.locator("h1")).to_have_text("Requests to check a record")
    look(page, "coordinator-record-checks")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_have_text(reference)
    expect(page.locator("main")).to_contain_text("Joined us this week")
    look(page, "coordinator-record-check")
    submit(page, "Mark as dealt with")
    shows_errors(page, "coordinator-record-check-errors", "Say what you found and what was done")
    page.get_by_label("What did you find, and what was done?").fill("Same child: moving school")
    submit(page, "Mark as dealt with")
    banner(page, f"Request {reference} has been marked as dealt with")
    expect(page.locator("#record-checks")).to_contain_text("Dealt with")
    assert watched.errors == []
