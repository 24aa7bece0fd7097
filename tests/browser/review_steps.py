"""Small steps the review journeys share: run a reminder pass on the live server's database as
the scheduler would, find a child from the children page, read the unread count in the
header, and check that a page names no child."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from playwright.sync_api import Locator, Page, expect

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON
from tas.core.days import is_working_day, next_working_day
from tas.demo.children import CHILDREN
from tas.jobs import run_pass
from tas.reminders.services import PassCounts
from tests.browser.conftest import LiveServer
from tests.browser.meeting_steps import look

# Every demo child's full name: none may show where only references are allowed.
CHILD_NAMES = tuple(" ".join(spec["name"]) for spec in CHILDREN)
FIRST_NAMES = tuple(spec["name"][0] for spec in CHILDREN)


def working_day_from(day: date) -> date:
    """The day itself when it is a working day (England and Wales), else the next one."""
    return next_working_day(day, ENGLAND_AND_WALES)


def working_day_after(day: date) -> date:
    """The next working day after `day`."""
    after = day + timedelta(days=1)
    while not is_working_day(after, ENGLAND_AND_WALES):
        after += timedelta(days=1)
    return after


def reminder_pass(live_server: LiveServer, day: date) -> PassCounts:
    """One pass of the scheduler on the live server's database, at 9am London on `day` (a
    working day, after the reminder hour): reminders planned, sent and delivered."""
    assert is_working_day(day, ENGLAND_AND_WALES), f"{day} is not a working day"
    with live_server.app.app_context():
        return run_pass(datetime.combine(day, time(9, 0), tzinfo=LONDON))


def notifications_link(page: Page) -> Locator:
    """The header's notifications link ("Notifications (3 unread)" to a screen reader)."""
    return page.locator(".govuk-service-navigation").get_by_role(
        "link", name=re.compile(r"^Notifications")
    )


def unread_in_header(page: Page) -> int:
    """The unread count the header shows: 0 when it says just "Notifications"."""
    words = " ".join(notifications_link(page).inner_text().split())
    found = re.fullmatch(r"Notifications(?: \((\d+)(?: unread)? ?\))?", words)
    assert found, f"the header's notifications link says {words!r}"
    return int(found.group(1) or 0)


def search_child(page: Page, name: str, shot: str) -> None:
    """From the children page, search by name (the form posts: the name stays out of the URL)
    and open the child's page; the results are checked and saved as `shot`."""
    page.locator(".govuk-service-navigation").get_by_role("link", name="Children").click()
    expect(page.locator("h1")).to_have_text("Children")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert name.split()[0] not in page.url
    look(page, shot)
    page.locator("main table").get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_have_text(name)


def open_level_page(page: Page, name: str) -> None:
    """From the child's page, follow the level of need's "History and changes"."""
    page.get_by_role("link", name="History and changes of the level of need").click()
    expect(page.locator("h1")).to_have_text("Level of need")
    expect(page.locator(".govuk-caption-l")).to_have_text(name)


def names_no_child(text: str, where: str) -> None:
    """No demo child's full name, nor a first name as a whole word, in `text`."""
    for name in CHILD_NAMES:
        assert name not in text, f"{where} names {name}"
    first = re.compile(r"\b(" + "|".join(FIRST_NAMES) + r")\b")
    found = first.search(text)
    assert not found, f"{where} shows the child's name {found.group(0)!r}"
