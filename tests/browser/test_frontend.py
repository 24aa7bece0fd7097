"""GOV.UK Frontend under the app's real CSP, the branding, and the session timeout warning."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    check_accessibility,
    on_the_demo_as_loaded,
    screenshot,
    sign_in,
)

# Collects CSP violations as the page reports them (the init script is not subject to the CSP).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def test_frontend_runs_under_the_real_csp_with_the_partnership_branding(open_page):
    watched = open_page(axe=False)
    page = watched.page
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    sign_in(page, "coordinator@demo.tas.test")
    expect(page.locator("h1")).to_have_text("Welcome, Chris Coordinator")

    expect(page.locator("body")).to_contain_class("js-enabled govuk-frontend-supported")
    assert page.evaluate("window.__cspViolations") == []
    assert watched.errors == []

    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "arial" in font.lower()
    assert page.evaluate("document.fonts.size") == 0  # no web fonts at all: no GDS Transport
    assert "GDS Transport" not in page.evaluate(
        "getComputedStyle(document.querySelector('h1')).fontFamily"
    )
    expect(
        page.locator(".govuk-header, .govuk-header__logotype, .govuk-logo, .govuk-header__crown")
    ).to_have_count(0)
    expect(page.locator(".govuk-generic-header")).to_contain_text(
        "Safeguarding Children Partnership"
    )
    expect(page.locator(".govuk-service-navigation__service-name")).to_have_text("TAS Coordinator")

    # On a small screen the navigation folds behind GOV.UK Frontend's "Menu" toggle.
    page.set_viewport_size({"width": 375, "height": 800})
    toggle = page.get_by_role("button", name="Menu")
    navigation = page.locator(".govuk-service-navigation__list")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(navigation).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "coordinator-home-small-screen-menu")
    page.get_by_role("link", name="Your account").click()
    expect(page.locator("h1")).to_have_text("Your account")

    assert page.evaluate("window.__cspViolations") == []
    assert watched.errors == []


def test_session_timeout_warning(open_page, live_server):
    watched = open_page()
    page = watched.page
    page.clock.install()
    sign_in(page, "dsl@oakfield.demo.tas.test")
    banner = page.locator("#session-timeout")
    button = banner.get_by_role("button", name="Stay signed in")
    expect(banner).to_be_hidden()
    seconds_left = int(banner.get_attribute("data-seconds-left"))
    warning = int(banner.get_attribute("data-warning-seconds"))
    assert seconds_left > warning

    page.clock.fast_forward((seconds_left - warning + 30) * 1000)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You will be signed out in 2 minutes")
    expect(button).to_be_focused()

    # The banner is an alert: its text changes only when the wording does, not every second.
    page.evaluate("""() => {
        window.__changes = 0;
        new MutationObserver(() => window.__changes++).observe(
            document.getElementById("session-timeout"),
            {subtree: true, childList: true, characterData: true},
        );
    }""")
    page.clock.run_for(10_000)
    assert page.evaluate("window.__changes") == 0
    page.clock.fast_forward(60_000)
    expect(banner).to_contain_text("You will be signed out in less than a minute")
    expect(button).to_be_focused()
    check_accessibility(page)
    screenshot(page, "dsl-session-timeout-warning")

    with page.expect_response("**/session/extend") as extended:
        button.click()
    response = extended.value
    assert response.ok
    assert response.request.method == "POST"
    assert response.request.headers["x-csrftoken"] == banner.get_attribute("data-csrf-token")
    assert response.json()["seconds_left"] > warning
    expect(banner).to_be_hidden()
    expect(page).to_have_url(live_server("/"))  # still signed in, on the same page
    assert watched.errors == []


def test_the_banner_says_so_when_the_session_has_run_out(open_page, live_server):
    watched = open_page()
    page = watched.page
    page.clock.install()
    sign_in(page, "dsl@oakfield.demo.tas.test")
    page.goto(live_server("/account"))
    banner = page.locator("#session-timeout")
    seconds_left = int(banner.get_attribute("data-seconds-left"))
    page.clock.fast_forward((seconds_left + 5) * 1000)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You have been signed out")
    expect(banner.get_by_role("button", name="Stay signed in")).to_be_hidden()
    again = banner.get_by_role("link", name="Sign in again")
    expect(again).to_have_attribute("href", "/sign-in?next=/account")
    check_accessibility(page)
    screenshot(page, "dsl-session-expired")
    assert watched.errors == []


# What sticks out past the screen's right edge (the innermost such elements, outside a table's
# own scrolling box), for the message.
WIDER_THAN_THE_SCREEN = """
((sticksOut) => [...document.querySelectorAll("body *")]
  .filter((e) => sticksOut(e) && !e.closest(".tas-table-scroll"))
  .filter((e) => ![...e.children].some(sticksOut))
  .slice(0, 5)
  .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.trim().slice(0, 40)}`)
)((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
"""

# The pages people work from, as their demo owners see them: a path, then any links followed
# from it (the first each selector finds). Every one of them holds at least one table.
PHONE_PAGES = {
    "linkworker@demo.tas.test": [
        ("/meetings",),
        ("/reviews",),
        ("/children",),
        ("/account",),
        # A held meeting (minutes, attendance, actions), one to come and its agenda, and a
        # child's page with its chronology, level of need and a service's engagement.
        ("/meetings", "#past-meetings a"),
        ("/meetings", "#upcoming-meetings a"),
        ("/meetings", "#upcoming-meetings a", "a[href$='/agenda']"),
        ("/children", "main td a"),
        ("/children", "main td a", "a[href$='/chronology']"),
        ("/children", "main td a", "a[href$='/level']"),
        ("/children", "main td a", "a[href*='/involvements/']"),
    ],
    "dsl@oakfield.demo.tas.test": [
        ("/flags",),
        ("/requests",),
        ("/work",),
        ("/gp-notifications/missing",),
    ],
    "nurse@demo.tas.test": [("/actions",)],
    "coordinator@demo.tas.test": [
        ("/reviews/rules",),
        ("/meetings/terms",),
        ("/sharing/lawful-bases",),
        ("/cookies",),
    ],
    "admin@demo.tas.test": [("/admin/users",), ("/admin/agencies",), ("/admin/schools",)],
}


@on_the_demo_as_loaded
@pytest.mark.parametrize("email", PHONE_PAGES)
def test_on_a_phone_pages_never_scroll_the_whole_page_sideways(open_page, email):
    """WCAG 1.4.10 (Reflow): at 320 CSS pixels wide the page does not scroll sideways; a table
    wider than the screen scrolls inside its own box, which the keyboard can reach (axe)."""
    page = open_page().page
    sign_in(page, email)
    page.set_viewport_size({"width": 320, "height": 800})
    for path, *links in PHONE_PAGES[email]:
        page.goto(path)
        for link in links:
            # Followed with goto, which returns once the page has loaded; a click returns at once,
            # and the measure below would then run on a page still being replaced.
            path = page.locator(link).first.get_attribute("href")
            page.goto(path)
        expect(page.locator(".tas-table-scroll").first).to_be_attached()
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{path} as {email} scrolls sideways: {widths}: " + str(
            page.evaluate(WIDER_THAN_THE_SCREEN)
        )
        check_accessibility(page)
        screenshot(page, f"phone-{email.split('@')[0]}{path}")
