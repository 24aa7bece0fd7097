"""The pages a signed-out visitor can reach pass axe-core, and sign-in and sign-out work."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in

PAGES = [
    # screenshot name, path, status, h1
    ("sign-in", "/sign-in", 200, "Sign in to TAS Coordinator"),
    ("password-reset", "/password-reset", 200, None),
    ("accessibility", "/accessibility", 200, "Accessibility statement for TAS Coordinator"),
    ("privacy", "/privacy", 200, "Privacy notice"),
    ("cookies", "/cookies", 200, "Cookies"),
    ("not-found", "/no-such-page", 404, "Page not found"),
]


@pytest.mark.parametrize(("name", "path", "status", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_signed_out_page_passes_axe(open_page, name, path, status, heading):
    watched = open_page()
    page = watched.page
    response = page.goto(path)
    assert response is not None and response.status == status
    expect(page.locator("h1")).to_have_count(1)
    if heading:
        expect(page.locator("h1")).to_have_text(heading)
    # Nobody is signed in: no navigation items and no sign-out button.
    expect(page.locator(".govuk-service-navigation__item")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, f"signed-out-{name}")
    assert watched.unexpected_errors(status) == []


def test_sign_in_error_state_passes_axe(open_page, live_server):
    watched = open_page()
    page = watched.page
    sign_in(page, "nobody@demo.tas.test", "not-the-password")
    expect(page).to_have_title("Error: Sign in – TAS Coordinator")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    check_accessibility(page)
    screenshot(page, "signed-out-sign-in-error")
    assert watched.errors == []


def test_sign_out_from_the_header(open_page, live_server):
    watched = open_page()
    page = watched.page
    sign_in(page, "fim@demo.tas.test")
    expect(page.locator("h1")).to_have_text("Welcome, Farah Iqbal")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server("/sign-in"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "signed-out-after-sign-out")

    page.goto("/account")  # the old session is gone for good
    expect(page).to_have_url(live_server("/sign-in?next=/account"))
    assert watched.errors == []


def test_the_accessibility_check_reports_violations(open_page):
    """The harness itself: axe-core runs and a violation fails the check with its rule."""
    page = open_page().page
    page.goto("/privacy")
    page.locator("main").evaluate(
        "main => main.insertAdjacentHTML('beforeend', '<img src=\"/static/images/favicon.svg\">')"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
