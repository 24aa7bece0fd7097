"""Journeys through TAS meetings and requests (issue 4), as the demo roles use them: every page
visited (each form's error state too) passes axe-core and is saved as a screenshot.

The live server (one per worker, with the demo data relative to today) is shared with the other
browser tests, so each journey books its own meetings or only reads: the request and meeting of
the first journey are about Mia Hughes (Oakfield, whose family's agreement covers Future in
Mind, so that Farah, invited, sees her on the agenda), whom no other journey changes; the fourth
journey invites a GP practice to the next Oakfield TAS meeting of the demo data.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.meeting_steps import (
    COORDINATOR,
    DSL,
    FARAH,
    GP,
    LINK_WORKER,
    OAKFIELD,
    banner,
    choose,
    date_shown,
    fill_date,
    long_date,
    look,
    meeting_id,
    open_nav,
    shows_errors,
    sign_in,
    started_earlier_today,
    submit,
    today,
)

CHILD = "Mia Hughes"
FIM_UPDATE = (
    "Mia has had two more wellbeing sessions. She now names her worries and uses her "
    "breathing exercise at the door. Sorry I cannot be there: I am in clinic."
)
FIRST_ACTION = "Two more wellbeing sessions, then a review with Mum"
SECOND_ACTION = "Practise the breathing exercise with Mia on the way to school"


def search_by_name(page: Page, name: str) -> None:
    """Search from the children page: the form posts, so the name stays out of the URL."""
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert name.split()[0] not in page.url


def book(page: Page, *, school: str | None, day, starts: str, ends: str, place: str) -> None:
    """Fill in the booking form (the chair stays the person booking, as it is offered)."""
    if school:
        page.get_by_label("School", exact=True).select_option(label=school)
    choose(page, "Type of meeting", "TAS meeting")
    fill_date(page, "Date", day)
    page.get_by_label("Start time").fill(starts)
    page.get_by_label("End time").fill(ends)
    page.get_by_label("Location", exact=True).fill(place)


def test_a_request_becomes_minutes_and_actions_on_the_childs_plan(open_page):
    """Issue 4's "done when": the DSL asks for Mia to be discussed, the link worker accepts
    the request onto a meeting, Farah (Future in Mind) sends apologies with a written update,
    and the link worker, seeing it, records attendance and Mia's minutes with two actions,
    which then show on her shared plan as agreed at the meeting."""
    # -------------------------------------------------------------- the DSL asks
    watched_dsl = open_page()
    dsl = watched_dsl.page
    sign_in(dsl, DSL)
    open_nav(dsl, "Children")
    search_by_name(dsl, CHILD)
    dsl.locator("main table").get_by_role("link", name=CHILD).click()
    expect(dsl.locator("h1")).to_have_text(CHILD)
    child_url = dsl.url
    dsl.get_by_role("link", name="Ask for this child to be discussed at TAS").click()
    expect(dsl.locator("h1")).to_have_text("Ask for a child to be discussed at TAS")
    chosen = dsl.get_by_label("Child", exact=True)
    expect(chosen.locator("option:checked")).to_contain_text(CHILD)
    look(dsl, "dsl-request-form")
    dsl.get_by_label("Why you want the child discussed").fill(
        "Mia is crying at the classroom door again since half term and has missed three mornings."
    )
    submit(dsl, "Send the request")
    shows_errors(
        dsl,
        "dsl-request-form-errors",
        "Enter what the school has already tried",
        "Enter the child's own views",
    )
    expect(dsl.get_by_label("Why you want the child discussed")).to_have_value(
        re.compile("missed three mornings")
    )
    expect(chosen.locator("option:checked")).to_contain_text(CHILD)
    dsl.get_by_label("What the school has already tried").fill(
        "A calm start in the nurture room; a worry box in class."
    )
    dsl.get_by_label("The child's own views").fill(
        "Mia says her tummy feels funny when Mum leaves."
    )
    submit(dsl, "Send the request")
    banner(dsl, "Your request has been sent to the school's link worker for triage")
    expect(dsl.locator("h1")).to_have_text(f"TAS request: {CHILD}")
    expect(dsl.locator("main")).to_contain_text("Awaiting triage")
    look(dsl, "dsl-request-sent")

    # -------------------------------------------------------------- a meeting to accept it onto
    watched = open_page()
    page = watched.page
    sign_in(page, LINK_WORKER)
    open_nav(page, "Meetings")
    page.get_by_role("button", name="Book a meeting").click()
    expect(page.locator("h1")).to_have_text("Book a meeting")
    book(
        page,
        school=OAKFIELD,
        day=today() + timedelta(days=3),
        starts="11:00",
        ends="12:00",
        place="Oakfield Primary, family room",
    )
    submit(page, "Book the meeting")
    banner(page, "has been booked")
    the_meeting = meeting_id(page)
    reference = f"MTG-{the_meeting:04d}"
    invited = page.locator("table", has=page.locator("caption", has_text="Who is invited"))
    expect(invited).to_contain_text("Future in Mind")
    look(page, "linkworker-meeting-booked")

    # -------------------------------------------------------------- triage
    open_nav(page, "Requests", "TAS requests")
    look(page, "linkworker-requests")
    page.locator("#requests tr", has_text=CHILD).filter(has_text="To triage").get_by_role(
        "link", name=CHILD
    ).click()
    expect(page.locator("h1")).to_have_text(f"TAS request: {CHILD}")
    look(page, "linkworker-triage")
    submit(page, "Save the triage")
    shows_errors(page, "linkworker-triage-errors", "Select what happens to the request")
    choose(page, "What happens next", "Accept onto a meeting's agenda")
    submit(page, "Save the triage")
    shows_errors(
        page, "linkworker-triage-no-meeting-errors", "Select the meeting to discuss the child at"
    )
    expect(
        page.get_by_role("group", name="What happens next").get_by_label(
            "Accept onto a meeting's agenda"
        )
    ).to_be_checked()
    meetings = page.get_by_label("Meeting", exact=True)
    option = meetings.locator("option", has_text=reference)
    meetings.select_option(value=option.get_attribute("value"))
    submit(page, "Save the triage")
    banner(page, "The request has been accepted onto the agenda of the meeting on")
    assert meeting_id(page) == the_meeting
    agenda = page.locator("table", has=page.locator("caption", has_text="Items on the agenda"))
    expect(agenda).to_contain_text(CHILD)
    look(page, "linkworker-meeting-request-accepted")

    dsl.reload()
    expect(dsl.locator("main")).to_contain_text("Accepted onto an agenda")
    expect(dsl.locator("main")).to_contain_text(reference)
    look(dsl, "dsl-request-accepted")

    # -------------------------------------------------------------- Farah's apologies
    watched_farah = open_page()
    farah = watched_farah.page
    sign_in(farah, FARAH)
    open_nav(farah, "Meetings")
    farah.locator(f"#meeting-{the_meeting}").get_by_role("link").click()
    expect(farah.locator("h1")).to_have_text(f"TAS meeting – {OAKFIELD}")
    expect(farah.locator("main")).to_contain_text(CHILD)  # invited: she sees the agenda
    look(farah, "fim-meeting-invited")
    farah.get_by_role("button", name="Answer the invitation").click()
    expect(farah.locator("h1")).to_have_text("Answer the invitation")
    look(farah, "fim-answer")
    submit(farah, "Send your answer")
    shows_errors(farah, "fim-answer-errors", "Select your answer")
    choose(farah, "Your answer", "Apologies with a written update")
    submit(farah, "Send your answer")
    shows_errors(farah, "fim-answer-no-update-errors", "Enter your written update for the meeting")
    farah.get_by_label("Your written update").fill(FIM_UPDATE)
    submit(farah, "Send your answer")
    banner(farah, "Your answer has been sent to the meeting's chair")
    own = farah.locator(".govuk-summary-card", has_text="Your invitation")
    expect(own).to_contain_text("Apologies with a written update")
    expect(own).to_contain_text("I am in clinic")
    look(farah, "fim-answered")

    # -------------------------------------------------------------- the link worker sees it
    page.reload()
    fim_row = invited.locator("tr", has_text="Future in Mind")
    expect(fim_row).to_contain_text("Apologies with a written update")
    expect(fim_row).to_contain_text("Sorry I cannot be there: I am in clinic.")
    expect(fim_row).to_contain_text("by Farah Iqbal")
    expect(page.locator("#on-the-day")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(
        "attendance and minutes can be recorded once the meeting has started"
    )
    look(page, "linkworker-meeting-answers")

    # The day comes: the meeting is moved to earlier today (it has started).
    page.get_by_role("link", name="Move or change the meeting").click()
    expect(page.locator("h1")).to_have_text("Move or change the meeting")
    look(page, "linkworker-meeting-move-form")
    starts, ends = started_earlier_today()
    fill_date(page, "Date", today())
    page.get_by_label("Start time").fill(starts)
    page.get_by_label("End time").fill(ends)
    submit(page, "Save the changes")
    shows_errors(
        page, "linkworker-meeting-move-errors", "Enter why the meeting is being moved or changed"
    )
    assert date_shown(page, "Date") == (str(today().day), str(today().month), str(today().year))
    expect(page.get_by_label("Start time")).to_have_value(starts)
    page.get_by_label("Why is the meeting being moved or changed?").fill(
        "The family room is free this morning, and the school asked to meet sooner"
    )
    submit(page, "Save the changes")
    # Its new start has passed: the move asks to confirm the meeting happened then.
    shows_errors(page, "linkworker-meeting-move-started", "The new start time has already passed")
    expect(page.get_by_label("Start time")).to_have_value(starts)
    page.get_by_label("Move it to this time anyway").check()
    submit(page, "Save the changes")
    banner(page, f"Meeting {reference} has been changed")
    expect(page.locator("#arrangement-history")).to_contain_text("asked to meet sooner")

    # -------------------------------------------------------------- on the day
    page.get_by_role("button", name="Confirm who is present").click()
    expect(page.locator("h1")).to_have_text("Who is present")
    look(page, "linkworker-present")
    submit(page, "Confirm")
    shows_errors(
        page,
        "linkworker-present-errors",
        "Confirm who is present and that the confidentiality statement was read out",
    )
    confirmations = page.get_by_role("group", name="Confirm before the discussion starts")
    confirmations.get_by_label("I have checked who is present").check()
    confirmations.get_by_label("The confidentiality statement was read out").check()
    submit(page, "Confirm")
    banner(page, "Who is present and the confidentiality statement have been confirmed")

    page.get_by_role("button", name="Record attendance").click()
    expect(page.locator("h1")).to_have_text("Attendance")
    fim = page.get_by_role("group", name="Future in Mind", exact=True)
    # Her answer was given before the meeting moved to this morning: shown and marked, and
    # not carried over to the attendance, which the chair chooses.
    with_update = fim.get_by_label("Apologies with a written update", exact=True)
    expect(with_update).not_to_be_checked()
    expect(fim).to_contain_text(
        "Their answer to the invitation: Apologies with a written update (given before the "
        "meeting moved)"
    )
    expect(page.locator("main")).to_contain_text(f"Their written update: {FIM_UPDATE}")
    look(page, "linkworker-attendance")
    with_update.check()
    early_help = page.get_by_role("group", name=re.compile(r"^Early Help"))
    early_help.get_by_label("Attended", exact=True).check()
    page.get_by_label("Who came for Early Help").fill("")
    page.get_by_role("group", name="0-19 Service", exact=True).get_by_label(
        "Did not attend", exact=True
    ).check()
    submit(page, "Save attendance")
    shows_errors(page, "linkworker-attendance-errors", "Enter the names of who came for Early Help")
    expect(
        page.get_by_role("group", name="0-19 Service", exact=True).get_by_label(
            "Did not attend", exact=True
        )
    ).to_be_checked()
    page.get_by_label("Who came for Early Help").fill("Lee Walker")
    submit(page, "Save attendance")
    banner(page, "Attendance has been saved")
    attendance = page.locator("table", has=page.locator("caption", has_text="Attendance of each"))
    expect(attendance.locator("tr", has_text="Future in Mind")).to_contain_text(
        "Apologies with a written update"
    )
    expect(attendance.locator("tr", has_text="Early Help")).to_contain_text("Lee Walker")
    look(page, "linkworker-meeting-attendance-recorded")

    # -------------------------------------------------------------- Mia's minutes
    page.get_by_role("link", name=f"Write the minutes for {CHILD}").click()
    expect(page.locator("h1")).to_have_text(f"Minutes: {CHILD}")
    look(page, "linkworker-minutes")
    choose(page, "Did the parent or carer take part?", "Attended")
    page.get_by_label("How the parent or carer took part").fill("Sarah (Mum) came")
    choose(page, "Did the child take part?", "Contributed without attending")
    page.get_by_label("How the child took part").fill("Drew her morning")
    page.get_by_label("What are we worried about?").fill(
        "Mia's mornings are hard again and she has missed three mornings this half term."
    )
    page.get_by_label("What is working well?").fill(
        "The wellbeing sessions help and Sarah brings her every day."
    )
    page.get_by_label("What needs to happen?").fill(
        "Two more wellbeing sessions; practise the breathing exercise; review at the next TAS."
    )
    choose(page, "What was decided", "Open or continue the shared plan")
    submit(page, "Save the minutes")
    banner(page, "The minutes have been saved")
    expect(page.get_by_label("What is working well?")).to_have_value(
        re.compile("Sarah brings her every day")
    )
    expect(page.locator("main")).to_contain_text("No actions have been agreed for Mia")

    page.get_by_role("button", name="Add an action agreed at this meeting").click()
    expect(page.locator("h1")).to_have_text("Add an action agreed at this meeting")
    assert re.search(rf"/meetings/{the_meeting}/agenda/\d+/actions/new$", page.url)
    look(page, "linkworker-meeting-action-form")
    submit(page, "Add the action to the shared plan")
    shows_errors(
        page,
        "linkworker-meeting-action-errors",
        "Enter what needs to be done",
        "Select who owns the action",
        "Enter the date the action is due",
    )
    page.get_by_label("What needs to be done").fill(FIRST_ACTION)
    choose(page, "Who owns the action", "An agency")
    page.get_by_label("Agency", exact=True).select_option(label="Future in Mind")
    fill_date(page, "Due date", today() + timedelta(days=21))
    submit(page, "Add the action to the shared plan")
    banner(page, "The action has been added to the child's shared plan")

    page.get_by_role("button", name="Add an action agreed at this meeting").click()
    page.get_by_label("What needs to be done").fill(SECOND_ACTION)
    choose(page, "Who owns the action", "A parent or carer")
    page.get_by_label("Parent or carer", exact=True).select_option(label="Sarah Hughes (Mother)")
    fill_date(page, "Due date", today() + timedelta(days=7))
    submit(page, "Add the action to the shared plan")
    banner(page, "The action has been added to the child's shared plan")
    agreed = page.locator("table", has=page.locator("caption", has_text="from this meeting"))
    expect(agreed.locator("tr", has_text=FIRST_ACTION)).to_contain_text("Future in Mind")
    expect(agreed.locator("tr", has_text=SECOND_ACTION)).to_contain_text("Sarah Hughes")
    look(page, "linkworker-minutes-with-actions")

    page.get_by_role("link", name="Back to the meeting").first.click()
    card = page.locator(".govuk-summary-card", has_text=CHILD)
    expect(card).to_contain_text("Open or continue the shared plan")
    expect(card).to_contain_text(FIRST_ACTION)
    expect(card).to_contain_text(SECOND_ACTION)
    look(page, "linkworker-meeting-minuted")

    # -------------------------------------------------------------- on Mia's plan
    where = f"Agreed at the TAS meeting on {long_date(today())}"
    for person, name in ((page, "linkworker"), (dsl, "dsl")):
        person.goto(child_url)
        expect(person.locator("h1")).to_have_text(CHILD)
        # Each action is in its owner's table on the plan, saying which meeting agreed it.
        for owner, action in (("Future in Mind", FIRST_ACTION), ("Sarah Hughes", SECOND_ACTION)):
            owned = person.locator("main table", has=person.locator("caption", has_text=owner))
            expect(owned.locator("tr", has_text=action)).to_contain_text(where)
        look(person, f"{name}-child-plan-with-meeting-actions")
    dsl.get_by_role("link", name=FIRST_ACTION, exact=True).click()
    expect(dsl.locator("main")).to_contain_text(where)
    look(dsl, "dsl-meeting-action")

    assert watched.errors == []
    assert watched_dsl.errors == []
    assert watched_farah.errors == []


def test_booking_a_meeting_then_moving_and_cancelling_it(open_page):
    """The Oakfield DSL books a meeting (an end time before the start first: what she typed is
    kept), moves it to the next day with a reason, then cancels it; it stays, as cancelled."""
    booked_on = today() + timedelta(days=10)
    moved_to = booked_on + timedelta(days=1)
    place = "Oakfield Primary, library"
    watched = open_page()
    page = watched.page
    sign_in(page, DSL)
    open_nav(page, "Meetings")
    look(page, "dsl-meetings")
    page.get_by_role("button", name="Book a meeting").click()
    expect(page.locator("h1")).to_have_text("Book a meeting")
    # One school, so it is chosen; the DSL may chair, so she is.
    expect(page.get_by_label("School", exact=True).locator("option:checked")).to_have_text(OAKFIELD)
    expect(page.get_by_label("Chair").locator("option:checked")).to_contain_text("Dana Shah")
    look(page, "dsl-booking-form")
    book(page, school=None, day=booked_on, starts="16:45", ends="16:00", place=place)
    submit(page, "Book the meeting")
    shows_errors(page, "dsl-booking-form-errors", "The end time must be after the start time")
    assert date_shown(page, "Date") == (
        str(booked_on.day),
        str(booked_on.month),
        str(booked_on.year),
    )
    expect(page.get_by_label("Start time")).to_have_value("16:45")
    expect(page.get_by_label("End time")).to_have_value("16:00")
    expect(page.get_by_label("Location", exact=True)).to_have_value(place)
    expect(
        page.get_by_role("group", name="Type of meeting").get_by_label("TAS meeting", exact=True)
    ).to_be_checked()
    page.get_by_label("End time").fill("17:30")
    submit(page, "Book the meeting")
    banner(page, "has been booked")
    booked = meeting_id(page)
    reference = f"MTG-{booked:04d}"
    arrangements = page.locator("#arrangements-summary")
    expect(arrangements).to_contain_text("Scheduled")
    expect(arrangements).to_contain_text(long_date(booked_on))
    expect(arrangements).to_contain_text("4:45pm to 5:30pm")
    expect(arrangements).to_contain_text(place)
    look(page, "dsl-meeting-booked")

    page.get_by_role("link", name="Move or change the meeting").click()
    expect(page.locator("h1")).to_have_text("Move or change the meeting")
    look(page, "dsl-meeting-move")
    fill_date(page, "Date", moved_to)
    submit(page, "Save the changes")
    shows_errors(page, "dsl-meeting-move-errors", "Enter why the meeting is being moved or changed")
    assert date_shown(page, "Date") == (str(moved_to.day), str(moved_to.month), str(moved_to.year))
    move_reason = "The library is needed for the book fair that afternoon"
    page.get_by_label("Why is the meeting being moved or changed?").fill(move_reason)
    submit(page, "Save the changes")
    banner(page, f"Meeting {reference} has been changed")
    expect(arrangements).to_contain_text(long_date(moved_to))
    moved = page.locator("#arrangement-history tr", has_text="Moved")
    expect(moved).to_contain_text(move_reason)
    expect(moved).to_contain_text("Dana Shah")
    expect(moved).to_contain_text(f"{long_date(booked_on)}, 4:45pm")
    look(page, "dsl-meeting-moved")

    page.get_by_role("link", name="Cancel the meeting").click()
    expect(page.locator("h1")).to_have_text("Cancel the meeting")
    look(page, "dsl-meeting-cancel")
    submit(page, "Cancel the meeting")
    shows_errors(page, "dsl-meeting-cancel-errors", "Enter why the meeting is cancelled")
    cancel_reason = "The family support worker cannot come that week"
    page.get_by_label("Why is the meeting cancelled?").fill(cancel_reason)
    submit(page, "Cancel the meeting")
    banner(page, f"Meeting {reference} has been cancelled")
    expect(arrangements).to_contain_text("Cancelled")
    expect(page.locator("#cancelled")).to_contain_text(f"Reason: {cancel_reason}")
    expect(page.locator("#cancelled")).to_contain_text("by Dana Shah")
    expect(page.locator("#arrangement-history tr", has_text="Cancelled")).to_contain_text(
        cancel_reason
    )
    expect(page.get_by_role("link", name="Move or change the meeting")).to_have_count(0)
    expect(page.get_by_role("link", name="Cancel the meeting")).to_have_count(0)
    expect(page.locator("#on-the-day")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("This meeting was cancelled, so it has no")
    look(page, "dsl-meeting-cancelled")

    # Still in the list, as cancelled.
    page.get_by_role("link", name="Back to meetings").click()
    row = page.locator(f"#meeting-{booked}")
    expect(row).to_contain_text("Cancelled")
    assert watched.errors == []


def test_term_dates_and_a_series_preview(open_page):
    """The link worker reads the term dates and checks the dates of a series without booking
    it; the coordinator, who enters term dates, opens the form to add one."""
    watched = open_page()
    page = watched.page
    sign_in(page, LINK_WORKER)
    open_nav(page, "Meetings")
    look(page, "linkworker-meetings")
    page.get_by_role("link", name="Term dates").click()
    expect(page.locator("h1")).to_have_text("Term dates")
    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(3)
    expect(page.locator("main")).to_contain_text("Autumn term")
    expect(page.get_by_role("button", name="Add a term")).to_have_count(0)
    look(page, "linkworker-term-dates")

    page.goto("/meetings/new")
    page.get_by_role("link", name="set up a termly series").click()
    expect(page.locator("h1")).to_have_text("Set up a termly series of meetings")
    look(page, "linkworker-series-form")
    submit(page, "Check the dates")
    shows_errors(
        page,
        "linkworker-series-form-errors",
        "Select the school the meeting is for",
        "Select how often the meetings are",
        "Enter the start time",
    )
    page.get_by_label("School", exact=True).select_option(label=OAKFIELD)
    choose(page, "Type of meeting", "TAS meeting")
    choose(page, "Day of the week", "Wednesday")
    choose(page, "How often", "Every few weeks, from a date")
    page.get_by_label("Every how many weeks").fill("2")
    fill_date(page, "Date of the first meeting", today() + timedelta(days=1))
    fill_date(page, "Or until a date", today() + timedelta(days=70))
    page.get_by_label("Start time").fill("13:00")
    page.get_by_label("End time").fill("14:00")
    page.get_by_label("Location", exact=True).fill("Oakfield Primary, family room")
    submit(page, "Check the dates")
    expect(page.locator("h1")).to_have_text("Check the dates of the series")
    expect(page.locator("main")).to_contain_text("Nothing has been booked yet.")
    expect(page.locator("main")).to_contain_text("each on a Wednesday from 1:00pm to 2:00pm")
    to_book = page.locator("#dates-to-book tbody tr")
    listed = to_book.count() + page.locator("#dates-skipped tbody tr").count()
    assert listed == 5  # ten weeks, every other Wednesday: booked or skipped, each listed
    look(page, "linkworker-series-preview")
    page.get_by_role("button", name="Change the series").click()
    expect(page.locator("h1")).to_have_text("Set up a termly series of meetings")
    expect(page.get_by_label("Every how many weeks")).to_have_value("2")
    expect(page.get_by_label("Location", exact=True)).to_have_value("Oakfield Primary, family room")

    watched_coordinator = open_page()
    coordinator = watched_coordinator.page
    sign_in(coordinator, COORDINATOR)
    open_nav(coordinator, "Meetings")
    coordinator.get_by_role("link", name="Term dates").click()
    expect(coordinator.locator("h1")).to_have_text("Term dates")
    look(coordinator, "coordinator-term-dates")
    coordinator.get_by_role("button", name="Add a term").click()
    expect(coordinator.locator("h1")).to_have_text("Add a term")
    look(coordinator, "coordinator-term-form")
    submit(coordinator, "Save the term")
    shows_errors(
        coordinator,
        "coordinator-term-form-errors",
        "Select the academic year",
        "Select which term it is",
        "Enter the first day of term",
        "Enter the last day of term",
    )
    assert watched.errors == []
    assert watched_coordinator.errors == []


def words_of(names: list[str]) -> re.Pattern[str]:
    """Any of the children's first names or surnames, as whole words."""
    words = {part for name in names for part in name.split()}
    return re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b")


# Screenshot prefix, demo account.
ROLES = [
    ("dsl", DSL),
    ("fim", FARAH),
    ("coordinator", COORDINATOR),
    ("gp", GP),
]


def test_each_role_lists_its_meetings_and_opens_one(open_page):
    """The next Oakfield TAS meeting of the demo data (Amelia Khan's request was accepted onto
    it), as each role sees it: organisers and the invited practitioner see the agenda; the
    coordinator and the GP practice (once the link worker invites it, as suggested) see the
    arrangements and counts, and no child's name."""
    watched = open_page()
    page = watched.page
    sign_in(page, LINK_WORKER)
    open_nav(page, "Requests", "TAS requests")
    page.locator("#requests tr", has_text="Amelia Khan").filter(
        has_text="Accepted onto an agenda"
    ).get_by_role("link", name="Amelia Khan").click()
    page.get_by_role("button", name="Go to the meeting").click()
    expect(page.locator("h1")).to_have_text(f"TAS meeting – {OAKFIELD}")
    the_meeting = meeting_id(page)
    agenda = page.locator("table", has=page.locator("caption", has_text="Items on the agenda"))
    expect(agenda).to_be_visible()  # read the rows once the page has loaded, not before
    names = [
        name.strip()
        for name in agenda.locator("tbody th").all_inner_texts()
        if name.strip() != "Anonymous consultation"
    ]
    assert "Amelia Khan" in names and len(names) >= 2
    items = agenda.locator("tbody tr").count()
    children = words_of(names)
    page.locator("form", has_text="Westgate Surgery").get_by_role("button", name="Invite").click()
    banner(page, "Westgate Surgery has been invited")
    invited = page.locator("table", has=page.locator("caption", has_text="Who is invited"))
    expect(invited).to_contain_text("Westgate Surgery")
    look(page, "linkworker-meeting-gp-invited")
    open_nav(page, "Meetings")
    expect(page.locator(f"#meeting-{the_meeting}")).to_be_visible()
    look(page, "linkworker-meetings-list")

    for name, email in ROLES:
        watched_role = open_page()
        person = watched_role.page
        sign_in(person, email)
        open_nav(person, "Meetings")
        row = person.locator(f"#meeting-{the_meeting}")
        expect(row).to_contain_text(OAKFIELD)
        look(person, f"{name}-meetings-list")
        row.get_by_role("link").click()
        expect(person.locator("h1")).to_have_text(f"TAS meeting – {OAKFIELD}")
        look(person, f"{name}-meeting")
        if name in ("coordinator", "gp"):
            expect(person.locator("main")).to_contain_text(f"{items} items on the agenda")
            for shown in (person.locator("main").inner_text(), person.title()):
                assert not children.search(shown), f"{name} sees a child's name: {shown}"
            person.go_back()
            assert not children.search(person.locator("main").inner_text())
        else:
            shown = person.locator("table", has=person.locator("caption", has_text="Items on"))
            for child in names:
                expect(shown).to_contain_text(child)
        assert watched_role.errors == [], name
    assert watched.errors == []
