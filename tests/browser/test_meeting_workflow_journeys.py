"""Browser journeys (issue 12, section 2) for the meetings workflow corrections, on SQLite and
PostgreSQL, axe-core on every page visited:

- a meeting booked on a weekend is a warning to confirm; once cancelled, the meetings list shows
  it under "Cancelled", never under "Upcoming";
- Future in Mind, invited to every date of a termly series, answers them all at once on the
  series page, then changes one date;
- the triage of a new request for Amelia Khan (already on the agenda of an Oakfield meeting,
  from the demo's accepted request) shows that meeting as "Already on the agenda", not offered;
- the anonymous consultation form offers TAS meetings only.
Each journey makes its own meetings through the pages (the demo data is shared)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import each_database
from tests.browser.meeting_steps import (
    DSL,
    FARAH,
    LINK_WORKER,
    banner,
    choose,
    fill_date,
    look,
    meeting_id,
    shows_errors,
    sign_in,
    submit,
    today,
)


def next_saturday():
    day = today() + timedelta(days=8)
    return day + timedelta(days=(5 - day.weekday()) % 7)


@each_database
def test_a_weekend_booking_is_confirmed_and_once_cancelled_is_listed_as_cancelled(
    open_page, server
):
    page = open_page().page
    sign_in(page, DSL)
    page.goto("/meetings/new")
    saturday = next_saturday()
    choose(page, "Type of meeting", "TAS meeting")
    fill_date(page, "Date", saturday)
    page.get_by_label("Start time").fill("10:15")
    page.get_by_label("End time").fill("11:00")
    page.get_by_label("Location", exact=True).fill("Oakfield Primary, hall")
    page.locator("main form").get_by_role("button", name="Book the meeting").click()
    shows_errors(page, "booking-closed-day-warning", "is at the weekend: the school is closed")
    expect(page.locator("#closed-day")).to_contain_text("The school is closed that day")
    expect(page.get_by_label("Start time")).to_have_value("10:15")
    page.get_by_label("Book it on this day anyway").check()
    submit(page, "Book the meeting")
    banner(page, "has been booked")
    reference = f"MTG-{meeting_id(page):04d}"

    page.get_by_role("link", name="Cancel the meeting").click()
    page.get_by_label("Why is the meeting cancelled?").fill("The hall is not available after all")
    submit(page, "Cancel the meeting")
    banner(page, "has been cancelled")
    page.goto("/meetings")
    expect(page.locator("#cancelled-meetings")).to_contain_text(reference)
    expect(page.locator("#upcoming-meetings")).not_to_contain_text(reference)
    look(page, "meetings-list-cancelled")


@each_database
def test_an_agency_answers_every_date_of_a_series_then_changes_one(open_page, server):
    page = open_page().page
    sign_in(page, DSL)
    page.goto("/meetings/series/new")
    choose(page, "Type of meeting", "TAS meeting")
    choose(page, "Day of the week", "Thursday")
    choose(page, "How often", "Every few weeks, from a date")
    page.get_by_label("Every how many weeks").fill("3")
    fill_date(page, "Date of the first meeting", today() + timedelta(days=7))
    fill_date(page, "Or until a date", today() + timedelta(days=150))
    page.get_by_label("Start time").fill("15:40")
    page.get_by_label("End time").fill("16:25")
    page.get_by_label("Location", exact=True).fill("Oakfield Primary, series room")
    submit(page, "Check the dates")
    page.locator("main form button[value=create]").click()
    page.wait_for_load_state()
    banner(page, "meetings have been booked")
    series_url = page.url

    farah = open_page().page
    sign_in(farah, FARAH)
    farah.goto(series_url)
    expect(farah.locator("h1")).to_have_text("Termly series of meetings")
    look(farah, "series-answer-all")
    submit(farah, "Send your answer for every date")
    shows_errors(farah, "series-answer-all-errors", "Select your answer")
    choose(farah, "Can you come to these meetings?", "Attending")
    submit(farah, "Send your answer for every date")
    banner(farah, "Your answer has been sent for")
    rows = farah.locator("#series-meetings tbody tr")
    expect(rows.first).to_contain_text("Attending")

    rows.first.get_by_role("link", name="Change").click()
    expect(farah.locator("#series-link")).to_contain_text("one of a termly series")
    look(farah, "series-answer-one-date")
    choose(farah, "Your answer", "Apologies")
    submit(farah, "Send your answer")
    farah.goto(series_url)
    expect(farah.locator("#series-meetings tbody tr").first).to_contain_text("Apologies")


@each_database
def test_the_anonymous_consultation_form_offers_tas_meetings_only(open_page, server):
    page = open_page().page
    sign_in(page, DSL)
    page.goto("/requests/consultations/new")
    expect(page.locator("h1")).to_have_text("Ask advice without naming the child")
    options = page.get_by_label("TAS meeting", exact=True).locator("option")
    expect(options.nth(1)).to_contain_text("TAS meeting")
    for text in options.all_inner_texts():
        assert "TAF" not in text and "Keeping-in-touch" not in text, text
    look(page, "consultation-tas-meetings-only")


@each_database
def test_triage_shows_the_meetings_the_child_is_already_on(open_page, server):
    page = open_page().page
    sign_in(page, DSL)
    page.goto("/requests/new")
    child = page.get_by_label("Child", exact=True)
    amelia = child.locator("option", has_text="Amelia Khan").first.get_attribute("value")
    child.select_option(amelia)
    page.get_by_label("Why you want the child discussed").fill("Still not eating lunch.")
    page.get_by_label("What the school has already tried").fill("A quiet lunch room.")
    page.get_by_label("The child's own views").fill("Amelia says lunch is too loud.")
    submit(page, "Send the request")
    request_url = page.url

    worker = open_page().page
    sign_in(worker, LINK_WORKER)
    worker.goto(request_url)
    already = worker.locator("#already-on-agenda")
    expect(already).to_contain_text("Amelia Khan is already on the agenda of")
    expect(already).to_contain_text("Already on the agenda")
    look(worker, "triage-already-on-agenda")
