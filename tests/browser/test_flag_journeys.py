"""Flags in the demo (issue 15): the Oakfield DSL finds the concern Farah recorded this morning
on her home page, records a new one herself (seeing "do this now" first) and answers it, then
clears Leo's cumulative harm flag with a Neglect Toolkit and Freya's low engagement with a
decision; the coordinator finds the rest on the list of flagged children by reference and kind,
opens each record with a reason, sees why it is flagged, and clears Mia's concern with a response
and Harvey's drift with a decision to try a different approach. Every page, and each form's
error state, passes axe-core.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.browser.test_children_journeys import (
    DSL,
    banner,
    choose,
    look,
    open_children,
    search_by_name,
    shows_errors,
    submit,
)

COORDINATOR = "coordinator@demo.tas.test"


def answer(page: Page, what: str, who: str, why: str) -> None:
    choose(page, "What was done", what)
    page.get_by_label("Who you told or asked").fill(who)
    page.get_by_label("Reasons").fill(why)
    submit(page, "Save the response")
    banner(page, "the concern is no longer flagged")


def test_the_dsl_and_the_coordinator_find_and_clear_concerns(open_page):
    page = open_page().page
    sign_in(page, DSL)
    concerns = page.locator("#concerns-to-answer")
    expect(concerns).to_contain_text("Mia Hughes")
    expect(concerns).to_contain_text("raises a concern")
    look(page, "dsl-home-concern-waiting")

    open_children(page)
    search_by_name(page, "Leo Price")
    page.get_by_role("link", name="Leo Price").click()
    page.get_by_role("link", name="Record what the child said").click()
    expect(page.get_by_role("heading", name="do this now")).to_be_visible()
    look(page, "voice-record-form")
    page.get_by_label("Who heard the child").fill("Dana Shah, DSL")
    choose(page, "Where the child was heard", "School")
    choose(page, "How the child was heard", "Directly: the child told us")
    page.get_by_label("The child's wishes and feelings, in their own words").fill(
        "I hide under the bed when they shout."
    )
    choose(page, "Does what the child said or showed raise a concern", "Yes")
    submit(page, "Save what the child said")
    expect(page.get_by_role("heading", name="do this now")).to_be_visible()
    expect(page.locator("#response-needed")).to_contain_text("Needs a response")
    look(page, "voice-concern-recorded")

    page.get_by_role("button", name="Record the response").click()
    submit(page, "Save the response")
    shows_errors(
        page,
        "voice-response-errors",
        "Select what was done about the concern",
        "Enter the reasons for this response",
    )
    answer(page, "Advice sought", "Lee Walker, link worker", "Agreed a home visit today.")
    expect(page.locator("#response-needed")).to_have_count(0)
    look(page, "voice-concern-answered")

    # Leo's chronology shows three events in four weeks: cumulative harm, cleared by a toolkit.
    page.get_by_role("link", name="Back to the child's voice").click()
    page.get_by_role("link", name="Back to the team around the child").click()
    flags = page.locator("#flags")
    expect(flags).to_contain_text("Cumulative harm: consider it now")
    expect(flags).to_contain_text("Complete the Neglect Toolkit")
    flags.get_by_role("link", name="Record a Neglect Toolkit completion or an escalation").click()
    expect(page.locator("h1")).to_have_text("Chronology")
    expect(page.locator("main table")).to_contain_text("Police call-out")
    look(page, "chronology-with-cumulative-harm")
    page.get_by_role("button", name="Record a Neglect Toolkit completion").click()
    submit(page, "Save the Neglect Toolkit")
    shows_errors(
        page,
        "harm-review-errors",
        "Select the Neglect Toolkit's overall outcome",
        "Enter a summary",
    )
    choose(page, "Overall outcome", "Some concerns: support through the plan")
    page.get_by_label("Who completed it").fill("Dana Shah, DSL")
    page.get_by_label("Summary").fill("Completed with Kelly; support with routines and safety.")
    submit(page, "Save the Neglect Toolkit")
    banner(page, "cleared until new events arrive")
    expect(page.locator("#cumulative-harm .tas-flag")).to_have_count(0)
    expect(page.locator("main table")).to_contain_text("Neglect Toolkit completed")

    # Every flagged child the DSL may see, with why, on one list: Freya's engagement is
    # cleared by the decision her flag asks for.
    page.locator(".govuk-service-navigation").get_by_role("link", name="Flags").click()
    table = page.locator("main table")
    expect(table).to_contain_text("Freya Young")
    expect(table).to_contain_text("Low engagement: a decision is needed")
    expect(table).to_contain_text("Harvey Fletcher")
    expect(table).to_contain_text("Drift: consider escalation or a different approach")
    look(page, "dsl-flagged-children")
    table.get_by_role("link", name="Record a decision about engagement").click()
    choose(page, "What was decided", "Continue with a joint approach")
    page.get_by_label("The joint approach, or the reasons").fill(
        "Sessions move to after school, with dad; the school nurse joins the first one."
    )
    submit(page, "Save the decision")
    banner(page, "the low engagement flag is cleared")
    look(page, "engagement-decision-recorded")
    page.locator(".govuk-service-navigation").get_by_role("link", name="Flags").click()
    expect(table).not_to_contain_text("Freya Young")

    # The coordinator finds the rest by reference and kind; a reason opens each record, whose
    # page says why it is flagged; the decision clears it.
    page.context.clear_cookies()
    sign_in(page, COORDINATOR)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Flags").click()
    table = page.locator("main table")
    expect(table).to_contain_text("Oakfield Primary")
    expect(table).to_contain_text("Drift: consider escalation or a different approach")
    expect(table).not_to_contain_text("Mia Hughes")  # by reference until a reason is given
    expect(table).not_to_contain_text("VC-")  # and why, in detail, is in the record
    look(page, "coordinator-flagged-children")
    open_with_a_reason(page, "Child's words raise a concern")
    flags = page.locator("#flags")
    expect(flags).to_contain_text("raises a concern with no recorded response")
    look(page, "coordinator-child-flagged")
    flags.get_by_role("link", name="Record the response").first.click()
    answer(page, "Escalated to the designated safeguarding lead", "Dana Shah", "Phoned Dana.")

    page.locator(".govuk-service-navigation").get_by_role("link", name="Flags").click()
    open_with_a_reason(page, "Drift: consider escalation or a different approach")
    expect(page.locator("#flags")).to_contain_text("no outcome score has improved in 12 months")
    page.locator("#flags").get_by_role(
        "link", name="Record a decision: escalate, or a different approach"
    ).click()
    look(page, "drift-decision-form")
    choose(page, "What was decided", "Try a different approach")
    page.get_by_label("The new approach, or the reasons").fill(
        "Mornings with the family worker at home instead of sessions at school."
    )
    submit(page, "Save the decision")
    banner(page, "the drift flag is cleared")
    page.locator(".govuk-service-navigation").get_by_role("link", name="Flags").click()
    expect(page.locator("main")).to_contain_text("No child in the schools you cover is flagged")


def open_with_a_reason(page: Page, kind: str) -> None:
    """From the coordinator's flags list, open the record of the child flagged for `kind`."""
    row = page.locator("main table tbody tr", has_text=kind)
    row.get_by_role("link", name="Child CH-").click()
    page.get_by_label("Why do you need to open this child's record?").fill(
        "Following up a flagged child for the partnership"
    )
    submit(page, "Open the record")
