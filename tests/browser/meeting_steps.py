"""Small steps the meeting journeys share: look at a page (one heading, axe-core, a screenshot),
submit a form, check its error state, answer GOV.UK questions, and work out times relative to
now in Europe/London (the demo data and the app count days there)."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect

from tas.core.clock import local, utcnow
from tas.core.words import local_date
from tests.browser.conftest import check_accessibility, screenshot, sign_in

__all__ = ["sign_in"]

DSL = "dsl@oakfield.demo.tas.test"
LINK_WORKER = "linkworker@demo.tas.test"
FARAH = "fim@demo.tas.test"
COORDINATOR = "coordinator@demo.tas.test"
GP = "gp@demo.tas.test"
OAKFIELD = "Oakfield Primary"


def now() -> datetime:
    """Now, in Europe/London."""
    return local(utcnow())


def today() -> date:
    """Today as the partnership counts days (Europe/London), as the app does."""
    return now().date()


def long_date(day: date) -> str:
    """A date as the app shows it: 3 December 2026."""
    return local_date(day)


def look(page: Page, name: str) -> None:
    """One heading, no axe-core violations, and a screenshot for people to look at."""
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page)
    screenshot(page, name)


def submit(page: Page, button: str) -> None:
    page.locator("main form").get_by_role("button", name=button).click()
    page.wait_for_load_state()
    if page.locator("#closed-day").count():
        # A date picked relative to today fell on a weekend or holiday: confirm it, as asked.
        page.get_by_label(re.compile(r"(on|to) this day anyway")).check()
        page.locator("main form").get_by_role("button", name=button).click()
        page.wait_for_load_state()


def shows_errors(page: Page, name: str, *messages: str) -> None:
    """The form came back with its error summary, focused, naming each problem, each message
    linking to the answer it is about (GOV.UK error summary pattern)."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    for message in messages:
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile(r"^Error: "))
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.hash)"):
        assert page.locator(href).count() == 1, f"{href} is not on {page.url}"
    look(page, name)


def banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def date_shown(page: Page, legend: str) -> tuple[str, str, str]:
    """What a date question holds now (day, month, year), to check typed input was kept."""
    group = page.get_by_role("group", name=legend, exact=True)
    return tuple(group.get_by_label(part).input_value() for part in ("Day", "Month", "Year"))


def choose(page: Page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend, exact=True).get_by_label(option, exact=True).check()


def open_nav(page: Page, name: str, heading: str | None = None) -> None:
    """Follow a link of the service navigation to its page."""
    page.locator(".govuk-service-navigation").get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_have_text(heading or name)


def meeting_id(page: Page) -> int:
    """The id of the meeting page the browser is on."""
    found = re.search(r"/meetings/(\d+)", page.url)
    assert found, f"{page.url} is not a meeting page"
    return int(found.group(1))


def started_earlier_today() -> tuple[str, str]:
    """Start and end times (24-hour clock) of a meeting today that has already started.

    Usually an hour ago, on the quarter hour, for half an hour. In the first hours of the day
    (when an hour ago is yesterday, or would be a time the clocks skip or repeat on a change
    day) it is midnight to half past: midnight always exists in London. Just after midnight,
    wait a moment so that the meeting has started by the time it is saved."""
    moment = now()
    earlier = moment - timedelta(hours=1)
    earlier = earlier.replace(minute=earlier.minute - earlier.minute % 15, second=0)
    if earlier.date() == moment.date() and earlier.hour >= 3:
        start = earlier
    else:
        start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if moment - start < timedelta(seconds=5):
            time.sleep(5)
    end = start + timedelta(minutes=30)
    return f"{start:%H:%M}", f"{end:%H:%M}"
