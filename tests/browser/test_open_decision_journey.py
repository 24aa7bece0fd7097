"""Browser journey (issue 12, section 2): a decision must not be lost between the minutes and
the plan. The link worker chairs Castle Academy's meeting whose minutes are overdue (demo
meeting C2) and records Sophie Turner's decision "Refer to the IFD": the meeting page and her
home page show it still to be recorded; minutes complete asks why the minutes are complete
while it is open (its error states are tested in tests/reviews/test_open_decisions.py); closing
it without a record asks why (tests/reviews/test_open_decisions_closing.py); she records the
referral from the meeting page, and the open item is gone. On SQLite and
PostgreSQL, axe-core on every page visited."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import each_database
from tests.browser.meeting_steps import LINK_WORKER, fill_date, look, sign_in, submit, today

CHILD = "Sophie Turner"
DECISION = "Refer to the IFD (step up to Children's Social Care)"


@each_database
def test_a_decision_to_refer_stays_open_until_the_referral_is_recorded(open_page, server):
    page = open_page().page
    sign_in(page, LINK_WORKER)

    # -------------------------------------------------------------- the minutes record it
    page.goto("/meetings")
    page.get_by_role("link", name="Castle Academy").first.wait_for()
    overdue = page.locator("main tr", has_text="Minutes overdue").filter(has_text="Castle")
    overdue.first.get_by_role("link").first.click()
    page.get_by_role("link", name=f"Write the minutes for {CHILD}").click()
    page.get_by_label(DECISION).check()
    submit(page, "Save the minutes")
    page.goto(page.url.split("/agenda/")[0])
    meeting_url = page.url
    banner = page.locator("#open-decision-list")
    expect(banner).to_contain_text(f"{CHILD}: Refer to the IFD.")
    expect(banner).to_contain_text("The referral to the IFD is not recorded yet.")
    look(page, "open-decision-meeting")

    page.goto("/")
    expect(page.locator("main")).to_contain_text(f"{CHILD}: Refer to the IFD")
    look(page, "open-decision-home")

    # -------------------------------------------------------------- minutes complete asks why
    page.goto(meeting_url)
    page.locator("#minutes-complete ~ a.govuk-button", has_text="Minutes complete").click()
    expect(page.locator("#decisions-left-open")).to_be_visible()
    expect(page.get_by_label("Why are the minutes complete while these decisions")).to_be_visible()
    look(page, "open-decision-minutes-complete")

    # -------------------------------------------------------------- closing it needs a reason
    page.goto(meeting_url)
    close = page.locator("#open-decision-list").get_by_role(
        "link", name=f"Close without a record for {CHILD}"
    )
    close.click()
    submit(page, "Close the decision")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why this decision is closed without a referral or a step change"
    )
    look(page, "open-decision-close-refused")

    # -------------------------------------------------------------- the referral closes it
    page.goto(meeting_url)
    page.locator("#open-decision-list").get_by_role("link", name="Record the IFD referral").click()
    fill_date(page, "Date of the referral form (MARF)", today())
    page.get_by_label("Referral form (MARF) reference").fill("MARF-JOURNEY-0001")
    look(page, "open-decision-referral-form")
    submit(page, "Record the referral")
    page.goto(meeting_url)
    expect(page.locator("#open-decision-list")).to_have_count(0)
    page.goto("/")
    expect(page.locator("main")).not_to_contain_text(f"{CHILD}: Refer to the IFD")
    look(page, "open-decision-closed-home")
