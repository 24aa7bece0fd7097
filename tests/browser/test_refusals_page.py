"""A person refused record after record shows on the repeated refusals page, which the
district's coordinator reaches from their home page and which passes axe-core (issue 11, 3)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in


def test_the_coordinator_sees_repeated_refusals_and_the_page_passes_axe(open_page, live_server):
    snooper = open_page().page
    sign_in(snooper, "dsl@oakfield.demo.tas.test")
    for number in range(10):  # children that are not theirs to see (or not there at all)
        response = snooper.goto(f"/children/{900000 + number}")
        assert response is not None and response.status in (403, 404)

    watched = open_page()
    page = watched.page
    sign_in(page, "coordinator@demo.tas.test")
    page.get_by_role("link", name="People refused access again and again").click()
    expect(page.locator("h1")).to_have_text("People refused access again and again")
    row = page.locator("#repeated-refusals tbody tr").first
    expect(row).to_contain_text("Dana Shah")
    expect(row).to_contain_text("Designated safeguarding lead")
    expect(row).to_contain_text("Child's record (10)")  # the page in words
    check_accessibility(page)
    screenshot(page, "coordinator-repeated-refusals")
    assert watched.errors == []
