"""Issue 11 in the browser: the DSL keeps the school's saved rooms (a room named after a child is
refused, what she typed kept) and books a meeting in one, typing no place; a coordinator's reason
for a child whose family withdrew agreement shows only who holds the record. Every page passes
axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tas.extensions import db
from tas.organisations.models import School, User
from tests import factories
from tests.browser.conftest import PASSWORD, sign_in
from tests.browser.meeting_steps import banner, choose, fill_date, look, shows_errors, submit, today

DSL = "dsl@oakfield.demo.tas.test"


def test_the_dsl_saves_a_room_and_books_a_meeting_in_it(open_page):
    watched = open_page()
    page = watched.page
    sign_in(page, DSL)
    page.goto("/meetings/new")
    expect(page.locator("h1")).to_have_text("Book a meeting")
    saved = page.get_by_label("Saved room")
    expect(saved.locator("option")).to_contain_text(["Oakfield Primary, family room"])
    page.get_by_role("link", name="Save or remove rooms").click()
    expect(page.locator("h1")).to_have_text("Saved rooms")
    look(page, "dsl-saved-rooms")

    page.get_by_label("Room", exact=True).fill("Mia's quiet room")
    submit(page, "Save the room")
    shows_errors(page, "dsl-saved-rooms-errors", "The room's name must not name a child")
    expect(page.get_by_label("Room", exact=True)).to_have_value("Mia's quiet room")
    page.get_by_label("Room", exact=True).fill("Oakfield Primary, sensory room")
    submit(page, "Save the room")
    banner(page, "Oakfield Primary, sensory room has been saved")
    expect(page.locator("#rooms")).to_contain_text("Oakfield Primary, sensory room")

    page.goto("/meetings/new")
    on = today() + timedelta(days=12)
    choose(page, "Type of meeting", "TAS meeting")
    fill_date(page, "Date", on)
    page.get_by_label("Start time").fill("15:30")
    page.get_by_label("End time").fill("16:30")
    page.get_by_label("Saved room").select_option(label="Oakfield Primary, sensory room")
    look(page, "dsl-booking-in-a-saved-room")
    submit(page, "Book the meeting")
    banner(page, "has been booked")
    expect(page.locator("#arrangements-summary")).to_contain_text("Oakfield Primary, sensory room")
    assert watched.errors == []


@pytest.fixture
def withdrawn_child(live_server):
    """A child at Oakfield whose family withdrew agreement, and a coordinator of its own (so the
    demo coordinator's opened records are not changed for other journeys)."""
    with live_server.app.app_context():
        oakfield = db.session.scalar(select(School).where(School.name == "Oakfield Primary"))
        dana = db.session.scalar(select(User).where(User.email == DSL))
        child = factories.child(first_name="Zora", last_name="Zeller", school=oakfield)
        db.session.flush()
        factories.agreement(child, dana, withdrawn_on=today() - timedelta(days=3))
        coordinator = factories.user(
            "coordinator", email="withdrawal-check@demo.tas.test", password=PASSWORD
        )
        db.session.commit()
        found = (child.id, coordinator.email)
        db.session.remove()
    return found


def test_a_coordinators_reason_after_a_withdrawal_shows_who_holds_the_record(
    open_page, withdrawn_child
):
    child_id, email = withdrawn_child
    watched = open_page()
    page = watched.page
    sign_in(page, email)
    page.goto(f"/children/{child_id}")
    expect(page.locator("h1")).to_have_text("Record why you need to open this record")
    expect(page.locator("main")).not_to_contain_text("Oakfield")
    expect(page.locator("main")).not_to_contain_text("Zora")
    page.get_by_label("Why do you need to open this child's record?").fill(
        "Checking escalations across the district"
    )
    submit(page, "Open the record")
    expect(page.locator("h1")).to_have_text("The family withdrew agreement")
    expect(page.locator("#holders")).to_contain_text("Dana Shah, designated safeguarding lead")
    expect(page.locator("main")).not_to_contain_text("Zora")
    look(page, "coordinator-withdrawn-record")
    assert watched.errors == []
