"""Browser journeys (issue 12, section 2) through the plan and word corrections, on SQLite and
PostgreSQL, axe-core on every page looked at. The detail is in the integration tests named in
each journey; these show a person meeting each correction.

Each journey changes its own demo children, whom no other journey uses: Tyler Walsh is stepped
up (GP list), Grace Okafor changes school; Jayden Hughes's plan form refuses a weekend (nothing
saved) and his minutes at Castle's held meeting (demo C1) are printed for the family.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.days import add_working_days, is_working_day
from tas.demo.children import CASTLE
from tas.extensions import db
from tas.meetings.models import AgendaItem, Meeting
from tests.browser.conftest import LiveServer, each_database
from tests.browser.meeting_steps import (
    DSL,
    FARAH,
    LINK_WORKER,
    banner,
    choose,
    date_shown,
    fill_date,
    long_date,
    look,
    shows_errors,
    sign_in,
    submit,
    today,
)
from tests.browser.review_steps import open_level_page, search_child, working_day_from

LONG_DATE = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d{4}\b"
)


def dates_in(text: str) -> list[date]:
    return [datetime.strptime(found, "%d %B %Y").date() for found in LONG_DATE.findall(text)]


def weekday_date(day: date) -> str:
    """A date as the plan form's error names it: Monday 7 December 2026."""
    return f"{day:%A} {long_date(day)}"


# ---------------------------------------------------------------- 1. GP notifications list


@each_database
def test_a_step_up_after_the_gp_was_told_waits_on_the_list_with_its_own_due_date(open_page, server):
    """The demo told Westgate Surgery about Tyler's plan weeks ago. Lee steps him up within
    early help; Westgate has no secure mailbox, so the update waits: the list shows the step
    up and its own due date (5 working days from today), not the first notification's, and
    no row says "Overdue" twice (tests/plans/test_gp_lists.py has the overdue cases)."""
    page = open_page().page
    sign_in(page, LINK_WORKER)
    search_child(page, "Tyler Walsh", "gp-update-children-search")
    open_level_page(page, "Tyler Walsh")
    page.get_by_role("button", name="Record a step up within early help").click()
    page.get_by_label("Reason").fill("Exclusions keep rising.")
    choose(page, "Does the lead practitioner change?", "No")
    submit(page, "Record the step up")
    banner(page, "The step up to Targeted Early Help has been recorded")

    page.locator(".govuk-service-navigation").get_by_role("link", name="Home").click()
    page.get_by_role("link", name="GP notifications not yet sent").click()
    expect(page.locator("h1")).to_have_text("Missing GP notifications")
    row = page.locator("#missing-notifications tbody tr", has_text="Tyler Walsh")
    due = add_working_days(today(), 5, ENGLAND_AND_WALES)
    expect(row.locator("td").last).to_have_text(f"Step up update, due by {long_date(due)}")
    for cell in page.locator("#missing-notifications tbody tr td:last-child").all_inner_texts():
        assert "Overdue since" not in cell and cell.count("Overdue") <= 1, cell
    look(page, "gp-update-waiting-on-the-missing-list")


# ---------------------------------------------------------------- 2. change of school


def school_of(server: LiveServer, first_name: str) -> str:
    with server.app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == first_name))
        name = child.school.name
        db.session.remove()
        return name


@each_database
def test_a_change_of_school_asks_the_date_and_changes_nothing_until_confirmed(open_page, server):
    """Lee records Grace's move from Castle Academy to Riverside High School: the form asks
    for the date of the move; a date after today is refused as typed; the check page lists
    what will change and Grace is still at Castle; once confirmed her page says when she moved
    (tests/children/test_school_move_check.py has the detail)."""
    page = open_page().page
    sign_in(page, LINK_WORKER)
    search_child(page, "Grace Okafor", "school-move-children-search")
    page.get_by_role("link", name="Change school").click()
    expect(page.locator("h1")).to_have_text("Change school")
    page.get_by_label("New school").select_option(label="Riverside High School")
    too_late = today() + timedelta(days=200)
    fill_date(page, "Date of the move", too_late)
    submit(page, "Continue")
    shows_errors(
        page, "school-move-date-errors", "The date of the move must be today or in the past"
    )
    assert date_shown(page, "Date of the move") == (
        str(too_late.day),
        str(too_late.month),
        str(too_late.year),
    )

    fill_date(page, "Date of the move", today())
    submit(page, "Continue")
    expect(page.locator("h1")).to_have_text("Check the change of school")
    summary = page.locator("#move-summary")
    expect(summary).to_contain_text(f"Now at {CASTLE}")
    expect(summary).to_contain_text("New school Riverside High School")
    expect(summary).to_contain_text(f"Date of the move {long_date(today())}")
    expect(page.locator("#move-changes")).to_contain_text(
        "Riverside High School can see and change the child's record straight away"
    )
    look(page, "school-move-check")
    assert school_of(server, "Grace") == CASTLE  # nothing has changed yet

    page.get_by_role("button", name="Confirm the change of school").click()
    expect(page.locator("h1")).to_have_text("Grace Okafor")
    expect(page.locator("#school-moves")).to_have_text(
        f"Changes of school: {CASTLE} to Riverside High School, moved on {long_date(today())}."
    )
    look(page, "school-move-done")


# ---------------------------------------------------------------- 3. review dates


@each_database
def test_plan_review_dates_fall_on_working_days(open_page, server):
    """Lee's plan reviews in the demo are all due on working days, as is Jayden's next review
    on his plan; typing a Saturday on his plan form is refused naming the next working day,
    and nothing is saved (tests/plans/test_review_working_days.py has the bank holidays)."""
    page = open_page().page
    sign_in(page, LINK_WORKER)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Reviews").click()
    rows = page.locator("#reviews tbody tr", has_text="Plan review")
    expect(rows.first).to_be_visible()
    due = [d for text in rows.locator("td:nth-child(3)").all_inner_texts() for d in dates_in(text)]
    assert due and all(is_working_day(d, ENGLAND_AND_WALES) for d in due), due
    look(page, "review-dates-reviews-list")

    search_child(page, "Jayden Hughes", "review-dates-children-search")
    next_review = page.locator("#plan-summary .govuk-summary-list__row", has_text="Next review")
    shown = dates_in(next_review.inner_text())
    assert len(shown) == 1 and is_working_day(shown[0], ENGLAND_AND_WALES), shown
    next_review.get_by_role("link", name=re.compile("^Change")).click()
    saturday = today() + timedelta(days=(5 - today().weekday()) % 7 or 7)
    fill_date(page, "Next review date", saturday)
    submit(page, "Save changes")
    shows_errors(
        page,
        "review-dates-weekend-refused",
        f"The next review date must be a working day: {long_date(saturday)} is a Saturday. "
        f"Choose {weekday_date(working_day_from(saturday))} or another working day",
    )
    assert date_shown(page, "Next review date") == (
        str(saturday.day),
        str(saturday.month),
        str(saturday.year),
    )
    page.get_by_role("link", name="Back to the team around the child").click()
    expect(page.locator("#plan-summary")).to_contain_text(f"Next review {long_date(shown[0])}")


# ---------------------------------------------------------------- 4. words


def worried(page: Page) -> str:
    return " ".join(page.locator("#if-worried").inner_text().split())


def jaydens_minutes(server: LiveServer) -> str:
    """The minutes page of Jayden at Castle's held meeting (demo C1)."""
    with server.app.app_context():
        meeting_id, item_id = db.session.execute(
            select(Meeting.id, AgendaItem.id)
            .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .join(Child, AgendaItem.child_id == Child.id)
            .where(Child.first_name == "Jayden", Meeting.status == "held")
        ).one()
        db.session.remove()
    return f"/meetings/{meeting_id}/agenda/{item_id}/minutes"


@each_database
def test_the_words_name_the_right_person(open_page, server):
    """Signed out, the sign-in page's warning is true for every role. Dana, a DSL, is told to
    phone the IFD, not to speak to her designated safeguarding lead; Farah, a Future in Mind
    practitioner, to speak to Future in Mind's safeguarding lead. The family version of
    Jayden's minutes tells the family how to reach Lee, his lead practitioner, instead of
    "talk to the school" (tests/test_worried_words*.py, tests/meetings/test_family_version.py)."""
    dana = open_page().page
    dana.goto("/sign-in")
    expect(dana.locator("#if-worried")).to_contain_text(
        "if that is you, phone the Integrated Front Door (IFD) now"
    )
    look(dana, "words-sign-in")
    sign_in(dana, DSL)
    words = worried(dana)
    assert "as a designated safeguarding lead, phone the Integrated Front Door (IFD) now" in words
    assert "speak to your designated safeguarding lead" not in words.lower()
    look(dana, "words-dsl-home")

    farah = open_page().page
    sign_in(farah, FARAH)
    assert "speak to Future in Mind's safeguarding lead or phone the Integrated Front Door" in (
        worried(farah)
    )

    lee = open_page().page
    sign_in(lee, LINK_WORKER)
    lee.goto(jaydens_minutes(server))
    lee.get_by_role("link", name="Print the family version of these minutes").click()
    expect(lee.locator("#family-contact")).to_have_text(
        "Contact Lee Walker at Early Help, Jayden's lead practitioner: email "
        "linkworker@demo.tas.test."
    )
    expect(lee.locator("main")).not_to_contain_text("Talk to Jayden's school")
    look(lee, "words-family-version")
