"""Journeys through levels of need, referrals, reviews and reminders (issue 6), as the demo roles
use them: every page visited (each form's error state too) passes axe-core and is saved as a
screenshot.

The live server (one per worker, with the demo data relative to today) is shared with the other
browser tests, so each journey changes its own demo child: Leo Price's referral awaiting the
IFD's decision (the first), Ruby Clarke's handover after her step down (the second), Noah Wilson's
step up within early help (the fourth); the coordinator changes a review rule and puts it back.
Reminder passes run on the live server's database at 9am on the next working days, as the
scheduler would; they remind every owner, and no other journey counts anyone's reminders.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.meeting_steps import (
    COORDINATOR,
    DSL,
    LINK_WORKER,
    banner,
    choose,
    date_shown,
    fill_date,
    long_date,
    look,
    open_nav,
    shows_errors,
    sign_in,
    submit,
    today,
)
from tests.browser.review_steps import (
    names_no_child,
    open_level_page,
    reminder_pass,
    search_child,
    unread_in_header,
    working_day_after,
    working_day_from,
)

AWAITING = "Leo Price"
STEPPED_DOWN = "Ruby Clarke"
STEPS_UP = "Noah Wilson"
NURSE = "nurse@demo.tas.test"  # Nia Owen, the 0-19 Service's safeguarding lead
FEEDBACK = "The IFD advised early help: Leo's school and the family support worker to carry on."
HANDOVER_NOTES = "Gemma, Ruby and CAMHS came; the social worker handed over the plan."
STEP_UP_REASON = "Noah's attendance has fallen to 82% and Mum has asked for more support at home."


def table_captioned(page: Page, caption: str):
    return page.locator("main table", has=page.locator("caption", has_text=caption))


def referral_card(page: Page, reference: str):
    return page.locator(".govuk-summary-card", has_text=f"Referral {reference}")


def test_an_overdue_ifd_decision_is_reminded_until_the_decision_is_recorded(open_page, live_server):
    """A reminder pass has run: Dana (the DSL who referred Leo) sees unread notifications in the
    header, the overdue IFD decision among them by reference only; she follows it to the review,
    then to Leo's level of need, and records the IFD's decision. The next working day's pass
    reminds her of it no more, and "Mark all as read" clears the count."""
    first_day = working_day_from(today())
    reminder_pass(live_server, first_day)

    watched = open_page()
    page = watched.page
    sign_in(page, DSL)
    assert unread_in_header(page) >= 1
    open_nav(page, "Notifications")
    listed = page.locator("#notifications")
    # By reference only: the plan's (or, for a child with no plan, the referral's).
    reminder = listed.get_by_role(
        "link",
        name=re.compile(r"^Overdue: IFD decision for (TAS|IFD)-\d{4} was due \d{1,2} [A-Z][a-z]+$"),
    )
    expect(reminder).to_have_count(1)
    subject = reminder.inner_text()
    first_pass = listed.locator("tbody tr").count()
    names_no_child(listed.inner_text(), "Dana's notifications")
    expect(page.locator("#notification-count")).to_contain_text(f"{unread_in_header(page)} unread")
    look(page, "dsl-notifications")

    reminder.click()
    expect(page.locator("h1")).to_have_text("IFD decision")
    shown_as = re.search(r"(TAS|IFD)-\d{4}", subject).group(0)
    expect(page.locator(".govuk-caption-l")).to_have_text(f"{shown_as}, {AWAITING}")
    summary = page.locator("#review-summary")
    expect(summary).to_contain_text(re.compile(r"Referral to the IFD IFD-\d{4}"))
    reference = re.search(r"Referral to the IFD (IFD-\d{4})", summary.inner_text()).group(1)
    expect(summary).to_contain_text("Overdue")
    expect(summary).to_contain_text("Dana Shah")
    look(page, "dsl-ifd-decision-review")

    page.get_by_role("link", name="Record the IFD's decision on the level of need page").click()
    expect(page.locator("h1")).to_have_text("Level of need")
    expect(page.locator(".govuk-caption-l")).to_have_text(AWAITING)
    card = referral_card(page, reference)
    expect(card).to_contain_text("Awaiting the IFD's decision")
    expect(card).to_contain_text("Not decided yet")
    to_do = table_captioned(page, "Reviews still to do")
    expect(to_do.locator("tr", has_text="IFD decision")).to_contain_text("Dana Shah")
    look(page, "dsl-level-awaiting-decision")

    card.get_by_role("link", name=f"Record the decision on {reference}").click()
    expect(page.locator("h1")).to_have_text("Record the IFD's decision")
    look(page, "dsl-ifd-decision-form")
    choose(page, "The IFD's decision", "Early help")
    fill_date(page, "Date of the decision", today())
    page.get_by_label("Feedback received (optional)").fill(FEEDBACK)
    submit(page, "Record the decision")
    banner(page, f"The IFD's decision on referral {reference} has been recorded")
    expect(page.locator("h1")).to_have_text("Level of need")
    expect(card).to_contain_text("Decided")
    expect(card).to_contain_text(f"Early help, {long_date(today())}")
    expect(card).to_contain_text(FEEDBACK)
    expect(card.get_by_role("link", name=re.compile("Record the decision"))).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Awaiting the IFD's decision")
    expect(table_captioned(page, "Reviews still to do")).not_to_contain_text("IFD decision")
    look(page, "dsl-level-decided")

    # The next working day's pass reminds her again of what is still overdue (her actions), but
    # not of the decision: it is recorded.
    reminder_pass(live_server, working_day_after(first_day))
    open_nav(page, "Notifications")
    assert listed.locator("tbody tr").count() > first_pass
    about_it = listed.get_by_role("link", name=subject, exact=True)
    expect(about_it).to_have_count(1)
    expect(listed.get_by_role("link", name=re.compile("IFD decision"))).to_have_count(1)
    assert unread_in_header(page) >= 1  # that one at least: opening it marked nothing as read
    page.get_by_role("button", name="Mark all as read").click()
    banner(page, "marked as read")
    assert unread_in_header(page) == 0
    expect(page.locator("#notification-count")).to_contain_text(", 0 unread")
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    expect(listed.locator("tr", has_text=subject)).to_contain_text("Read")
    look(page, "dsl-notifications-all-read")
    assert watched.errors == []


def test_a_handover_after_a_step_down_is_held_and_the_plan_reviews_follow(open_page):
    """Lee (the link worker, lead practitioner of Ruby's plan) reads Ruby's level of need: the
    step up to Children's Social Care by the IFD's decision, the step down received at a TAS
    meeting, and the handover (TAF) meeting review he owns. He completes it as held (a missing
    answer first: what he typed is kept), and the plan's first review is open on the plan."""
    watched = open_page()
    page = watched.page
    sign_in(page, LINK_WORKER)
    search_child(page, STEPPED_DOWN, "linkworker-children-search")
    look(page, "linkworker-ruby-child")
    open_level_page(page, STEPPED_DOWN)
    expect(page.locator("main dl").first).to_contain_text("Early Help")

    history = table_captioned(page, "Changes of level of need")
    stepped_up = history.locator("tr", has_text="Step up to Children's Social Care")
    expect(stepped_up).to_contain_text("Early Help to Children's Social Care")
    expect(stepped_up).to_contain_text("IFD decision: Child and family assessment")
    expect(stepped_up).to_contain_text(re.compile(r"Referral IFD-\d{4}"))
    stepped_down = history.locator("tr", has_text="Step down from Children's Social Care:")
    expect(stepped_down).to_contain_text("Children's Social Care to Early Help")
    meeting = stepped_down.get_by_role("link", name=re.compile(r"^Meeting MTG-\d{4}$"))
    expect(meeting).to_have_count(1)
    reference = meeting.inner_text().removeprefix("Meeting ")
    expect(stepped_down).to_contain_text(f"TAS meeting {reference}")  # who decided
    expect(page.locator("#handover ~ p").first).to_contain_text("arranged by Lee Walker")
    handover = table_captioned(page, "Reviews still to do").locator(
        "tr", has_text="Handover (TAF) meeting"
    )
    expect(handover).to_contain_text("Lee Walker")
    look(page, "linkworker-ruby-level")

    handover.get_by_role("link", name="Handover (TAF) meeting").click()
    expect(page.locator("h1")).to_have_text("Handover (TAF) meeting")
    caption = page.locator(".govuk-caption-l")
    expect(caption).to_have_text(re.compile(rf"^TAS-\d{{4}}, {STEPPED_DOWN}$"))
    plan_reference = caption.inner_text().split(",")[0]
    expect(page.locator("#review-summary")).to_contain_text("Open")
    look(page, "linkworker-handover-review")

    page.get_by_role("button", name="Complete this review").click()
    expect(page.locator("h1")).to_have_text("Complete the handover (TAF) meeting review")
    look(page, "linkworker-handover-complete")
    page.get_by_label("Notes (optional)").fill(HANDOVER_NOTES)
    submit(page, "Complete the review")
    shows_errors(page, "linkworker-handover-complete-errors", "Select the outcome of the review")
    expect(page.get_by_label("Notes (optional)")).to_have_value(HANDOVER_NOTES)
    day = today()
    assert date_shown(page, "Date it was completed") == (
        str(day.day),
        str(day.month),
        str(day.year),
    )
    choose(page, "Outcome", "Held")
    submit(page, "Complete the review")
    # The first plan review: the plan review rule (6 weeks) from the handover, on a working day.
    first_review = working_day_from(day + timedelta(weeks=6))
    banner(
        page,
        "The handover (TAF) meeting review has been completed. The next plan review is due on "
        + long_date(first_review),
    )
    summary = page.locator("#review-summary")
    expect(summary).to_contain_text("Completed")
    expect(summary).to_contain_text(f"{long_date(day)} by Lee Walker")
    expect(summary).to_contain_text("Held")
    expect(summary).to_contain_text(HANDOVER_NOTES)
    expect(page.get_by_role("button", name="Complete this review")).to_have_count(0)
    look(page, "linkworker-handover-completed")

    page.get_by_role("link", name=f"Shared plan {plan_reference}").click()
    expect(page.locator("h1")).to_have_text(f"Shared plan {plan_reference}")
    reviews = page.locator("#plan-review-list tbody tr")
    expect(reviews).to_have_count(1)
    expect(reviews.first).to_contain_text("Plan review")
    expect(reviews.first).to_contain_text(long_date(first_review))
    expect(reviews.first).to_contain_text("Lee Walker")
    look(page, "linkworker-ruby-plan-reviews")
    assert watched.errors == []


def test_the_coordinator_lists_reviews_by_reference_and_changes_a_rule(open_page):
    """Chris (district-wide coordinator) lists the reviews by plan and referral reference, never
    a child's name, narrows them to a cluster, changes the step down rule to 12 working days (a
    number out of range first) and puts it back to its default, then finds no failed email."""
    watched = open_page()
    page = watched.page
    sign_in(page, COORDINATOR)
    open_nav(page, "Reviews")
    listed = page.locator("#reviews")
    expect(listed.locator("caption")).to_have_text("Due in the next 10 working days")
    links = listed.locator("tbody tr td:first-child a")
    expect(links.first).to_be_visible()
    for text in links.all_inner_texts():
        assert re.fullmatch(r"(TAS|IFD)-\d{4}\s*: [A-Z][\w ()]+", text), text
    main = page.locator("main")
    expect(main).to_contain_text("Children's names are not shown in this list")
    expect(main).not_to_contain_text("Ruby")
    expect(main).not_to_contain_text("Leo")
    names_no_child(main.inner_text(), "the coordinator's review list")
    look(page, "coordinator-reviews")

    page.get_by_label("Cluster", exact=True).select_option(label="Wakefield South")
    page.get_by_role("button", name="Show reviews").click()
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()
    expect(page.get_by_label("Cluster", exact=True).locator("option:checked")).to_have_text(
        "Wakefield South"
    )
    schools = listed.locator("tbody tr td:nth-child(5)").all_inner_texts()
    assert schools, "no review is due soon in Wakefield South"
    assert set(schools) <= {"Meadow Lane Primary", "Riverside High School"}, schools
    names_no_child(main.inner_text(), "the coordinator's review list for a cluster")
    look(page, "coordinator-reviews-cluster")

    page.get_by_role("link", name="Review rules: when each review is due").click()
    expect(page.locator("h1")).to_have_text("Review rules")
    rule = page.locator("#rule-step_down")
    expect(rule).to_contain_text("10 working days after the step down")
    expect(rule).to_contain_text("The default")
    look(page, "coordinator-review-rules")
    how_long = page.get_by_label(
        "How long after the step down: Step down from Children's Social Care", exact=True
    )
    how_long.fill("0")
    submit(page, "Save the review rules")
    shows_errors(
        page,
        "coordinator-review-rules-errors",
        "must be due 1 or more working days after the step down",
    )
    expect(how_long).to_have_value("0")
    how_long.fill("12")
    submit(page, "Save the review rules")
    banner(page, "The review rules have been saved")
    expect(rule).to_contain_text("12 working days after the step down")
    expect(rule).to_contain_text(f"Changed by Chris Coordinator on {long_date(today())}")
    look(page, "coordinator-review-rules-changed")

    page.get_by_role(
        "button",
        name=re.compile(r"^Reset to the default\s*: Step down from Children's Social Care$"),
    ).click()
    banner(page, "The rule for step down from Children's Social Care is back to its default")
    expect(rule).to_contain_text("10 working days after the step down")
    expect(rule).to_contain_text("The default")
    expect(page.locator("#reset-rules")).to_have_count(0)
    look(page, "coordinator-review-rules-reset")

    page.goto("/emails/failed")
    expect(page.locator("h1")).to_have_text("Emails that could not be delivered")
    expect(main).to_contain_text("Every email has been delivered or is on its way")
    expect(page.locator("#failed-emails")).to_have_count(0)
    look(page, "coordinator-failed-emails")
    assert watched.errors == []


def test_a_step_up_within_early_help_and_a_daily_digest(open_page):
    """Dana records Noah's step up to Targeted Early Help (a date in the future first: what she
    typed is kept), then chooses a daily digest of her reminders."""
    watched = open_page()
    page = watched.page
    sign_in(page, DSL)
    search_child(page, STEPS_UP, "dsl-children-search")
    open_level_page(page, STEPS_UP)
    level_now = page.locator("main dl").first
    expect(level_now).to_contain_text("Early Help")
    expect(level_now).not_to_contain_text("Targeted")
    look(page, "dsl-noah-level")

    page.get_by_role("button", name="Record a step up within early help").click()
    expect(page.locator("h1")).to_have_text("Step up within early help")
    expect(page.get_by_label("Who decided")).to_have_value("Dana Shah")
    look(page, "dsl-step-up-form")
    next_week = today() + timedelta(days=7)
    fill_date(page, "Date of the decision", next_week)
    page.get_by_label("Reason", exact=True).fill(STEP_UP_REASON)
    submit(page, "Record the step up")
    shows_errors(
        page, "dsl-step-up-errors", "The date of the decision must be today or in the past"
    )
    assert date_shown(page, "Date of the decision") == (
        str(next_week.day),
        str(next_week.month),
        str(next_week.year),
    )
    expect(page.get_by_label("Reason", exact=True)).to_have_value(STEP_UP_REASON)
    expect(page.get_by_label("Who decided")).to_have_value("Dana Shah")
    fill_date(page, "Date of the decision", today())
    choose(page, "Does the lead practitioner change?", "No")
    submit(page, "Record the step up")
    banner(page, "The step up to Targeted Early Help has been recorded")
    expect(page.locator("h1")).to_have_text("Level of need")
    expect(level_now).to_contain_text("Targeted Early Help")
    step = table_captioned(page, "Changes of level of need").locator("tbody tr").first
    expect(step).to_contain_text(long_date(today()))
    expect(step).to_contain_text("Step up within early help: Early Help to Targeted Early Help")
    expect(step).to_contain_text(STEP_UP_REASON)
    expect(step).to_contain_text("Dana Shah")
    expect(page.get_by_role("button", name="Record a step up within early help")).to_have_count(0)
    look(page, "dsl-noah-stepped-up")

    open_nav(page, "Your account")
    page.get_by_role("link", name="Change how you get reminders").click()
    expect(page.locator("h1")).to_have_text("How you get reminders")
    look(page, "dsl-reminder-choices")
    choose(
        page,
        "How do you want to get reminders?",
        "One email a day listing all your reminders (a daily digest)",
    )
    submit(page, "Save reminder choices")
    banner(page, "Your reminder choices have been saved")
    expect(page.locator("h1")).to_have_text("Your account")
    expect(page.locator("#reminders ~ dl").first).to_contain_text("One email a day (daily digest)")
    look(page, "dsl-account-daily-digest")
    open_nav(page, "Notifications")
    expect(page.locator("main")).to_contain_text("Each is also sent to you by email, in your daily")
    look(page, "dsl-notifications-daily-digest")
    assert watched.errors == []


def test_a_safeguarding_lead_sees_her_staffs_open_work_by_numbers_only(open_page):
    """Nia (the 0-19 Service's safeguarding lead) opens her agency's staff and their open work,
    then the page to reassign her own: numbers only, never a child's name. Nothing is moved."""
    watched = open_page()
    page = watched.page
    sign_in(page, NURSE)
    page.get_by_role("link", name="Your agency's staff and their open work").click()
    expect(page.locator("h1")).to_have_text("0-19 Service: people and their open work")
    row = page.locator("#people tr", has_text="Nia Owen")
    expect(row).to_contain_text("Active")
    assert int(row.locator("td").nth(3).inner_text()) >= 1  # her actions on plans
    names_no_child(page.locator("main").inner_text(), "the 0-19 Service's open work")
    look(page, "nurse-work")

    row.get_by_role("link", name=re.compile(r"^Reassign work\s*of Nia Owen$")).click()
    expect(page.locator("h1")).to_have_text("Reassign Nia Owen's work")
    work = page.locator("#open-work")
    expect(work.locator(".govuk-summary-list__row", has_text="Actions they own")).to_contain_text(
        re.compile(r"[1-9]")
    )
    names_no_child(page.locator("main").inner_text(), "the page to reassign Nia's work")
    look(page, "nurse-reassign")
    assert watched.errors == []
