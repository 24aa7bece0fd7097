"""Journeys through the levels of need corrections of issue 12 on SQLite and PostgreSQL: every
page visited (and each form's error state) passes axe-core.

The journey changes its own demo child, whom no other journey uses: Oliver Bennett (Oakfield,
a shared plan led by Lee Walker with the 0-19 Service involved) steps up and down within early
help, then goes to Children's Social Care and back, his handover (TAF) meeting is booked from the
level page, and his plan is closed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import each_database
from tests.browser.meeting_steps import (
    LINK_WORKER,
    banner,
    choose,
    fill_date,
    long_date,
    look,
    shows_errors,
    sign_in,
    submit,
    today,
)
from tests.browser.review_steps import open_level_page, search_child

CHILD = "Oliver Bennett"
NURSE = "nurse@demo.tas.test"  # Nia Owen, the 0-19 Service's safeguarding lead (involved)
ADDRESS = "14 Kinship Close"


def held_meetings_only(page: Page) -> None:
    """ "The meeting that decided" offers no meeting still to come."""
    options = page.get_by_label("Meeting (optional)").locator("option").all_inner_texts()
    for option in options[1:]:
        found = re.search(r", (\d{1,2} \w+ \d{4}) \(", option)
        assert found, option
        assert datetime.strptime(found.group(1), "%d %B %Y").date() <= today(), option


def record_level_step(page: Page, link: str, reason: str) -> None:
    page.get_by_role("button", name=link).click()
    held_meetings_only(page)
    page.get_by_label("Reason").fill(reason)


@each_database
def test_levels_step_up_and_down_social_care_and_the_handover_meeting(open_page, server):
    """Lee steps Oliver up to Targeted Early Help (asked whether the lead practitioner
    changes), then down within early help to Universal. A referral to the IFD opens a child and
    family assessment: Social Care holds the plan and Lee records the social worker, shown as
    the lead contact. After the step down he books the handover (TAF) meeting at the family's
    home from the level page: Oliver is on its agenda and the 0-19 Service is suggested; the
    0-19 Service's lead sees the address. The handover review is not completed as held before
    the meeting's date. Closing the plan asks the level Oliver returns to."""
    page = open_page().page
    sign_in(page, LINK_WORKER)
    search_child(page, CHILD, "levels-children-search")
    open_level_page(page, CHILD)
    look(page, "levels-level-page")
    level_url = page.url

    record_level_step(page, "Record a step up within early help", "Attendance is falling.")
    submit(page, "Record the step up")
    shows_errors(page, "levels-step-up-errors", "Select whether the lead practitioner changes")
    expect(page.get_by_label("Reason")).to_have_value("Attendance is falling.")
    choose(page, "Does the lead practitioner change?", "No")
    submit(page, "Record the step up")
    banner(page, "The step up to Targeted Early Help has been recorded")

    record_level_step(page, "Record a step down", "Attendance is back to normal.")
    expect(page.locator("h1")).to_have_text("Step down within early help")
    look(page, "levels-step-down-within")
    choose(page, "Level of need after the step down", "Universal")
    submit(page, "Record the step down")
    banner(page, "The step down to Universal has been recorded")
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Step down within early help: Targeted")

    page.get_by_role("button", name="Record a referral to the IFD").click()
    fill_date(page, "Date of the referral form (MARF)", today())
    page.get_by_label("Referral form (MARF) reference").fill("MARF-OB-1")
    submit(page, "Record the referral")
    page.get_by_role("link", name=re.compile("Record the decision on")).click()
    choose(page, "The IFD's decision", "Child and family assessment (section 17)")
    fill_date(page, "Date of the decision", today())
    submit(page, "Record the decision")
    summary = page.locator("#level-summary")
    expect(summary).to_contain_text("Lead contact The social worker is not recorded yet")

    summary.get_by_role("link", name="Record the social worker").click()
    submit(page, "Save the social worker")
    shows_errors(page, "levels-social-worker-errors", "Enter the social worker's name")
    page.get_by_label("Social worker's name").fill("Sam Social")
    page.get_by_label("Team (optional)").fill("East Children in Need Team")
    submit(page, "Save the social worker")
    banner(page, "The social worker has been saved")
    expect(summary).to_contain_text(
        "Lead contact Sam Social, social worker, East Children in Need Team"
    )
    look(page, "levels-social-care-lead-contact")

    page.get_by_role("button", name="Record a step down").click()
    expect(page.locator("h1")).to_have_text("Step down from Children's Social Care")
    choose(page, "Level of need after the step down", "Early Help")
    page.get_by_label("Reason").fill("Assessment closed; the family agreed to early help.")
    submit(page, "Record the step down")
    banner(page, "arrange the handover (TAF) meeting with the family")

    page.get_by_role("button", name="Book the handover (TAF) meeting").click()
    expect(page.locator("#handover-summary")).to_contain_text(f"On the agenda {CHILD}")
    invite = page.get_by_role("group", name="Agencies to invite")
    expect(invite).to_contain_text("0-19")
    expect(invite).not_to_contain_text("Future in Mind")
    expect(page.locator("#family-members")).to_contain_text("Jodie Bennett")
    look(page, "levels-handover-booking")
    meeting_day = today() + timedelta(days=7)
    fill_date(page, "Date", meeting_day)
    # At midday: the demo's Oakfield meetings are at 9:00 and 15:45, one of them a week today
    page.get_by_label("Start time").fill("12:00")
    page.get_by_label("End time").fill("11:00")
    page.get_by_label("Location", exact=True).fill(ADDRESS)
    page.get_by_label("The venue is the family's home").check()
    submit(page, "Book the handover (TAF) meeting")
    shows_errors(page, "levels-handover-errors", "The end time must be after the start time")
    page.get_by_label("End time").fill("12:45")
    submit(page, "Book the handover (TAF) meeting")
    banner(page, "with the child on its agenda")
    meeting_url = page.url
    expect(page.locator("#arrangements-summary")).to_contain_text(ADDRESS)

    nurse = open_page().page
    sign_in(nurse, NURSE)
    nurse.goto(meeting_url)
    expect(nurse.locator("#arrangements-summary")).to_contain_text(f"The family's home: {ADDRESS}")
    look(nurse, "levels-handover-meeting-involved-agency")

    page.goto(level_url)
    expect(page.locator("#handover-booked")).to_contain_text(long_date(meeting_day))
    page.locator("main table").get_by_role("link", name="Handover (TAF) meeting").click()
    page.get_by_role("button", name="Complete this review").click()
    choose(page, "Outcome", "Held")
    page.get_by_label("Notes (optional)").fill("Everyone came.")
    submit(page, "Complete the review")
    shows_errors(page, "levels-handover-held-too-early", "can only be recorded as held on or after")
    expect(page.get_by_label("Notes (optional)")).to_have_value("Everyone came.")

    page.goto(level_url)
    page.get_by_role("link", name="Back to the team around the child").click()
    page.get_by_role("link", name="Close this plan").click()
    page.get_by_label("Why the plan is closing").fill("The handover is arranged elsewhere.")
    submit(page, "Close the plan")
    shows_errors(page, "levels-close-plan-errors", "Select the level of need the child returns to")
    choose(page, "What level of need does the child return to?", "Universal")
    submit(page, "Close the plan")
    expect(page.locator("main")).to_contain_text("closed")
