"""The keyboard alone: a DSL books a meeting and mends a mistake through the error summary, and
a practitioner answers an invitation from her home page, never touching a mouse (WCAG 2.1.1).
Every page they reach passes axe-core."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import on_the_demo_as_loaded
from tests.browser.keyboard import press_button, press_tab_to, type_into
from tests.browser.meeting_steps import DSL, FARAH, banner, look, sign_in, today


def _follow_the_first_error(page: Page, message: str) -> None:
    """The error summary has the focus when the page opens (so a screen reader reads it out);
    Tab then Enter on its first message takes the focus to the answer to mend."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(message)
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name=message)).to_be_focused()
    page.keyboard.press("Enter")


def test_a_dsl_books_a_meeting_with_the_keyboard_alone(open_page):
    page = open_page().page
    sign_in(page, DSL)
    page.goto("/meetings")
    press_tab_to(page, page.get_by_role("button", name="Book a meeting"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Book a meeting")

    kinds = page.get_by_role("group", name="Type of meeting")
    press_tab_to(page, kinds.get_by_role("radio").first)  # into the group, on its first answer
    page.keyboard.press("Space")
    expect(kinds.get_by_label("TAS meeting", exact=True)).to_be_checked()

    # A Saturday three weeks or so ahead: the school is closed, so the confirmation is asked
    # for every time this runs.
    day = today() + timedelta(days=14 + (5 - today().weekday()) % 7)
    date = page.get_by_role("group", name="Date", exact=True)
    type_into(page, date.get_by_label("Day"), str(day.day))
    type_into(page, date.get_by_label("Month"), str(day.month))
    type_into(page, date.get_by_label("Year"), str(day.year))
    type_into(page, "Start time", "8:15")
    type_into(page, "End time", "8:00")  # before the start: a mistake to mend
    type_into(page, "Location", "Oakfield Primary, the nurture room")
    press_button(page, "Book the meeting")

    _follow_the_first_error(page, "The end time must be after the start time")
    end_time = page.get_by_label("End time")
    expect(end_time).to_be_focused()
    expect(page.get_by_label("Location", exact=True)).to_have_value(
        "Oakfield Primary, the nurture room"
    )
    look(page, "keyboard-booking-errors")
    type_into(page, end_time, "8:45")
    press_button(page, "Book the meeting")
    expect(page.locator("#closed-day")).to_contain_text("The school is closed that day")
    press_tab_to(page, page.get_by_label("Book it on this day anyway"))
    page.keyboard.press("Space")
    press_button(page, "Book the meeting")

    banner(page, "has been booked")
    expect(page.locator("#arrangements-summary")).to_contain_text("8:15am to 8:45am")
    look(page, "keyboard-booked")


@on_the_demo_as_loaded
def test_a_practitioner_answers_an_invitation_with_the_keyboard_alone(open_page):
    page = open_page().page
    sign_in(page, FARAH)
    waiting = page.locator("#awaiting-answer").get_by_role("link").first
    meeting = waiting.inner_text()
    press_tab_to(page, waiting)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Answer the invitation")

    # The arrow keys move through the answers, as in any group of radio buttons.
    press_tab_to(page, page.get_by_label("Attending", exact=True))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Apologies with a written update")).to_be_checked()
    press_button(page, "Send your answer")

    _follow_the_first_error(page, "Enter your written update for the meeting")
    update = page.get_by_label("Your written update")
    expect(update).to_be_focused()
    expect(page.get_by_label("Apologies with a written update")).to_be_checked()
    look(page, "keyboard-answer-errors")
    page.keyboard.type("Sessions continue weekly; the family are engaging well.")
    press_button(page, "Send your answer")

    banner(page, "Your answer has been sent")
    expect(page.locator("main")).to_contain_text("Apologies with a written update")
    look(page, "keyboard-answered")
    page.goto("/")
    expect(page.locator("#awaiting-answer")).not_to_contain_text(meeting)
