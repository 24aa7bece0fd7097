"""Journeys through the children and shared-plan pages, as the demo roles use them: every page
visited (each form's error state too) passes axe-core and is saved as a screenshot.

The live server is shared by the tests of one worker, so each journey changes a different demo
child: Harry Patel (agreement), Sophie Turner (involvement and action), Kai Thompson (closing a
plan), Zara Ahmed (the coordinator's reason). The rest only read.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tas.core.clock import local, utcnow
from tas.demo.children import CHILDREN, nhs_numbers
from tests.browser.conftest import check_accessibility, screenshot, sign_in

DSL = "dsl@oakfield.demo.tas.test"
LINK_WORKER = "linkworker@demo.tas.test"
FARAH = "fim@demo.tas.test"


def today() -> date:
    """Today as the partnership counts days (Europe/London), as the app does."""
    return local(utcnow()).date()


def look(page: Page, name: str) -> None:
    """One heading, no axe-core violations, and a screenshot for people to look at."""
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page)
    screenshot(page, name)


def submit(page: Page, button: str) -> None:
    page.locator("main form").get_by_role("button", name=button).click()
    page.wait_for_load_state()


def shows_errors(page: Page, name: str, *messages: str) -> None:
    """The form came back with its error summary, focused, naming each problem."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    for message in messages:
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile(r"^Error: "))
    # Each message links to the answer it is about (GOV.UK error summary pattern).
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.hash)"):
        assert page.locator(href).count() == 1, f"{href} is not on {page.url}"
    look(page, name)


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(page: Page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def search_by_name(page: Page, name: str) -> None:
    """Search from the children page: the form posts, so the name stays out of the URL."""
    page.get_by_label("Name", exact=True).fill(name)
    with page.expect_request(lambda r: r.resource_type == "document") as sent:
        page.get_by_role("button", name="Search").click()
    request = sent.value
    assert request.method == "POST"
    assert name.split()[0] not in request.url
    page.wait_for_load_state()
    assert name.split()[0] not in page.url


def banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def open_children(page: Page) -> None:
    page.locator(".govuk-service-navigation").get_by_role("link", name="Children").click()
    expect(page.locator("h1")).to_have_text("Children")


def test_dsl_records_a_familys_agreement_and_a_sharing_decision(open_page):
    """Harry Patel (Oakfield) was talked about at TAS but his family has not agreed yet."""
    watched = open_page()
    page = watched.page
    sign_in(page, DSL)
    open_children(page)
    page.get_by_role("button", name="Search").click()  # nothing to search for
    shows_errors(page, "dsl-children-search-errors", "Enter a name, date of birth, NHS number")
    search_by_name(page, "Harry Patel")
    results = page.locator("main table")
    expect(results.locator("caption")).to_have_text("Search results: 1 child")
    look(page, "dsl-children-search-results")

    results.get_by_role("link", name="Harry Patel").click()
    expect(page.locator("h1")).to_have_text("Harry Patel")
    expect(page.locator("#no-agreement")).to_contain_text("There is no current agreement")
    expect(page.get_by_role("button", name="Start a shared plan")).to_have_count(0)
    look(page, "dsl-child-without-agreement")

    # The family: add Harry's father, who holds parental responsibility.
    page.get_by_role("link", name="View and change the family").click()
    expect(page.locator("h1")).to_have_text("Family")
    look(page, "dsl-family")
    page.get_by_role("button", name="Add a parent or carer").click()
    look(page, "dsl-family-add")
    submit(page, "Save")
    shows_errors(
        page,
        "dsl-family-add-errors",
        "Enter the person's name",
        "Select yes if they hold parental responsibility",
    )
    page.get_by_label("Name", exact=True).fill("Ravi Patel")
    page.get_by_label("Relationship to the child").fill("Father")
    choose(page, "Do they hold parental responsibility?", "Yes")
    choose(page, "Does the child live with them?", "Yes")
    page.get_by_label("Contact details (optional)").fill("07700 900199")
    submit(page, "Save")
    banner(page, "The parent or carer has been added")
    expect(page.get_by_role("heading", name="Ravi Patel (Father)")).to_be_visible()
    look(page, "dsl-family-added")

    # The agreement: the empty form says what is missing, then Ravi's agreement is saved.
    page.get_by_role("link", name="Back to the team around the child").click()
    page.get_by_role("link", name="See the family's agreement and its history").click()
    expect(page.locator("h1")).to_have_text("Agreement to early help and TAS")
    look(page, "dsl-agreement-none")
    page.get_by_role("button", name="Record an agreement").click()
    expect(page.locator("h1")).to_have_text("Record the family's agreement")
    look(page, "dsl-agreement-form")
    submit(page, "Save agreement")
    shows_errors(
        page,
        "dsl-agreement-form-errors",
        "Select the parent or carer who agreed",
        "Enter the date they agreed",
        "Select the agencies the agreement covers",
        "Enter what information the agreement covers",
        "Confirm that the family was told what will be shared and why",
        "Confirm that the family was given the privacy notice",
    )
    agreed_on = today() - timedelta(days=1)
    choose(page, "Who agreed?", "Ravi Patel (Father)")
    fill_date(page, "Date they agreed", agreed_on)
    page.get_by_label("The child's or young person's own view").fill(
        "Harry would like someone to talk to about his worries."
    )
    agencies = page.get_by_role("group", name="Which agencies does the agreement cover?")
    agencies.get_by_label("Early Help").check()
    agencies.get_by_label("Future in Mind").check()
    page.get_by_label("What information does it cover?").fill(
        "School attendance and wellbeing, and family support"
    )
    page.get_by_label("The family was told what will be shared").check()
    page.get_by_label("The family was given the privacy notice").check()
    submit(page, "Save agreement")
    banner(page, "The family's agreement has been recorded")
    expect(page.locator("#current-agreement")).to_contain_text("Ravi Patel (Father) agreed on")
    history = page.locator(".govuk-summary-card").first
    expect(history).to_contain_text("Current")
    expect(history).to_contain_text("Early Help, Future in Mind")
    look(page, "dsl-agreement-recorded")

    # A decision to share, on a lawful basis from the coordinator's list.
    page.get_by_role("link", name="Decisions to share or not to share information").click()
    expect(page.locator("h1")).to_have_text("Sharing decisions")
    look(page, "dsl-sharing-decisions-none")
    page.get_by_role("button", name="Record a sharing decision").click()
    look(page, "dsl-sharing-decision-form")
    submit(page, "Save decision")
    shows_errors(
        page,
        "dsl-sharing-decision-form-errors",
        "Select yes if information was shared",
        "Enter who the information was shared with",
        "Select the lawful basis and condition for this decision",
        "Enter the reasons for the decision",
    )
    choose(page, "Was information shared?", "Yes")
    page.get_by_label("Who with").fill("Future in Mind")
    page.get_by_role("group", name="Lawful basis and condition").get_by_label(
        "UK GDPR Article 6(1)(e) public task", exact=False
    ).check()
    page.get_by_label("Reasons").fill(
        "Referral for wellbeing sessions, with the family's agreement"
    )
    submit(page, "Save decision")
    banner(page, "The sharing decision has been recorded")
    decision = page.locator(".govuk-summary-card").first
    expect(decision).to_contain_text("Information was shared")
    expect(decision).to_contain_text("Dana Shah")
    look(page, "dsl-sharing-decision-recorded")

    # With the agreement standing, the child's page offers a shared plan.
    page.get_by_role("link", name="Back to the team around the child").click()
    expect(page.locator("h1")).to_have_text("Harry Patel")
    expect(page.locator("#no-agreement")).to_have_count(0)
    expect(page.get_by_role("button", name="Start a shared plan")).to_be_visible()
    look(page, "dsl-child-with-agreement")
    assert watched.errors == []


def test_an_involvement_and_an_action_added_then_updated_by_the_named_practitioner(open_page):
    """The link worker adds Farah Iqbal's Future in Mind work to Sophie Turner's plan (Castle
    Academy, where the Oakfield DSL has no access) and an action for her; Farah, who could not
    see Sophie before, then updates her engagement and completes the action."""
    service = "One-to-one sessions: low mood"
    task = "Weekly check-in with Sophie after the group"

    watched_farah = open_page()
    farah = watched_farah.page
    sign_in(farah, FARAH)
    open_children(farah)
    expect(farah.get_by_role("link", name="Sophie Turner")).to_have_count(0)

    watched = open_page()
    page = watched.page
    sign_in(page, LINK_WORKER)
    open_children(page)
    search_by_name(page, "Sophie Turner")
    page.locator("main table").get_by_role("link", name="Sophie Turner").click()
    expect(page.locator("h1")).to_have_text("Sophie Turner")
    child_url = page.url
    look(page, "linkworker-child-before-involvement")

    page.get_by_role("button", name="Add an involvement").click()
    expect(page.locator("h1")).to_have_text("Add an involvement")
    look(page, "linkworker-involvement-add")
    submit(page, "Add the involvement")
    shows_errors(
        page,
        "linkworker-involvement-add-errors",
        "Select the agency",
        "Enter the service or intervention",
    )
    page.get_by_label("Agency", exact=True).select_option(label="Future in Mind")
    page.get_by_label("Named practitioner").select_option(label="Farah Iqbal (Future in Mind)")
    page.get_by_label("Service or intervention").fill(service)
    expect(page.get_by_role("group", name="Status").get_by_label("Active")).to_be_checked()
    fill_date(page, "Start date", today() - timedelta(days=2))
    submit(page, "Add the involvement")
    banner(page, "The involvement has been added")
    team = page.get_by_role("region", name="Services involved with the child")
    row = team.locator("tr", has_text=service)
    expect(row).to_contain_text("Future in Mind")
    expect(row).to_contain_text("Farah Iqbal")
    expect(row).to_contain_text("Not recorded")  # no engagement yet
    look(page, "linkworker-child-involvement-added")

    page.get_by_role("button", name="Add an action").click()
    expect(page.locator("h1")).to_have_text("Add an action")
    look(page, "linkworker-action-add")
    submit(page, "Save the action")
    shows_errors(
        page,
        "linkworker-action-add-errors",
        "Enter what needs to be done",
        "Select who owns the action",
        "Enter the date the action is due",
    )
    page.get_by_label("What needs to be done").fill(task)
    choose(page, "Who owns the action", "A named person")
    page.get_by_label("Person", exact=True).select_option(label="Farah Iqbal (Future in Mind)")
    fill_date(page, "Due date", today() + timedelta(days=7))
    page.get_by_label("Part of which involvement (optional)").select_option(
        label=f"Future in Mind: {service}"
    )
    choose(page, "Status", "Not started")
    submit(page, "Save the action")
    banner(page, "The action has been added")
    actions = page.locator("table", has=page.locator("caption", has_text="Farah Iqbal"))
    expect(actions.locator("tr", has_text=task)).to_contain_text("Not started")
    look(page, "linkworker-child-action-added")

    # Farah now sees Sophie, because she is the named practitioner of an active involvement.
    farah.reload()
    farah.locator("main table").get_by_role("link", name="Sophie Turner").click()
    expect(farah).to_have_url(child_url)
    expect(farah.get_by_role("button", name="Add an involvement")).to_have_count(0)
    look(farah, "fim-child-named-practitioner")

    mine = farah.get_by_role("region", name="Services involved with the child").locator(
        "tr", has_text=service
    )
    mine.get_by_role("link", name="Update").click()
    expect(farah.locator("h1")).to_have_text("Update Future in Mind's involvement")
    look(farah, "fim-involvement-update")
    choose(farah, "Child's engagement", "Good")  # the parent's engagement left out
    submit(farah, "Save the involvement")
    shows_errors(
        farah, "fim-involvement-update-errors", "Select the parent's or carer's engagement"
    )
    choose(farah, "Parent's or carer's engagement", "Partial")
    farah.get_by_label("What you noticed about engagement (optional)").fill(
        "Sophie came to both sessions; Mum missed the second call."
    )
    fill_date(farah, "Date of last contact", today())
    submit(farah, "Save the involvement")
    banner(farah, "The involvement has been saved")
    mine = farah.get_by_role("region", name="Services involved with the child").locator(
        "tr", has_text=service
    )
    expect(mine).to_contain_text("Child: Good")
    expect(mine).to_contain_text("Parent or carer: Partial")
    mine.get_by_role("link", name="Future in Mind", exact=True).click()
    expect(farah.locator("main table")).to_contain_text("Sophie came to both sessions")
    look(farah, "fim-involvement-history")

    farah.goto(child_url)
    actions = farah.locator("table", has=farah.locator("caption", has_text="Farah Iqbal"))
    actions.locator("tr", has_text=task).get_by_role("link", name="Update").click()
    expect(farah.locator("h1")).to_have_text("Update the action")
    look(farah, "fim-action-update")
    choose(farah, "Status", "Done")
    submit(farah, "Save the action")
    shows_errors(farah, "fim-action-update-errors", "Enter a completion note saying what was done")
    farah.get_by_label("Completion note").fill("Four check-ins held; Sophie now goes to the group.")
    submit(farah, "Save the action")
    banner(farah, "The action has been saved")
    actions = farah.locator("table", has=farah.locator("caption", has_text="Farah Iqbal"))
    done = actions.locator("tr", has_text=task)
    expect(done.locator(".govuk-tag")).to_have_text("Done")
    look(farah, "fim-child-action-done")
    done.get_by_role("link", name=task, exact=True).click()
    expect(farah.locator("main")).to_contain_text("Four check-ins held")
    look(farah, "fim-action-history")
    assert watched.errors == []
    assert watched_farah.errors == []


def _first_child(page: Page, name: str) -> None:
    """Open the first child the list links to (every one of these roles has some)."""
    first = page.locator("main table a.govuk-link[href^='/children/']").first
    expect(first).to_be_visible()
    first.click()
    expect(page.locator("h1")).to_have_count(1)
    look(page, f"{name}-first-child")


# Screenshot prefix, demo account.
ROLES = [
    ("dsl", DSL),
    ("linkworker", LINK_WORKER),
    ("fim", FARAH),
    ("nurse", "nurse@demo.tas.test"),
    ("gp", "gp@demo.tas.test"),
]


@pytest.mark.parametrize(("name", "email"), ROLES, ids=[r[0] for r in ROLES])
def test_each_role_opens_its_first_child(open_page, name, email):
    watched = open_page()
    page = watched.page
    sign_in(page, email)
    open_children(page)  # test_roles checks this list with axe-core
    screenshot(page, f"{name}-children")
    _first_child(page, name)
    if name == "gp":  # a GP practice sees who is involved, nothing more
        expect(page.get_by_role("heading", name="Who is involved")).to_be_visible()
        expect(page.get_by_role("heading", name="Shared plan")).to_have_count(0)
        expect(page.get_by_text("Child's details")).to_have_count(0)
    assert watched.errors == []


def test_coordinator_records_a_reason_to_open_a_record_found_by_nhs_number(open_page):
    """A coordinator finds an unopened record only by an exact identifier, and opens it only
    after saying why."""
    index = next(n for n, spec in enumerate(CHILDREN) if spec["name"] == ("Zara", "Ahmed"))
    number = nhs_numbers(len(CHILDREN))[index]
    watched = open_page()
    page = watched.page
    sign_in(page, "coordinator@demo.tas.test")
    open_children(page)
    look(page, "coordinator-children")

    page.get_by_label("NHS number").fill(f"{number[:3]} {number[3:6]} {number[6:]}")
    page.get_by_role("button", name="Search").click()
    results = page.locator("main table")
    expect(results.locator("caption")).to_have_text("Search results: 1 child")
    # Not opened yet: no link to the record, only to the page that asks why.
    expect(results.get_by_role("link", name="Zara Ahmed", exact=True)).to_have_count(0)
    look(page, "coordinator-children-search-results")

    results.get_by_role("link", name="Record why you need to open this record").click()
    expect(page.locator("h1")).to_have_text("Record why you need to open this record")
    expect(page.locator("main")).not_to_contain_text("Zara")
    look(page, "coordinator-reason")
    submit(page, "Open the record")
    shows_errors(
        page, "coordinator-reason-errors", "Enter why you need to open this child's record"
    )
    page.get_by_label("Why do you need to open this child's record?").fill(
        "Preparing the Wakefield South cluster's TAS agenda"
    )
    submit(page, "Open the record")
    expect(page.locator("h1")).to_have_text("Zara Ahmed")
    look(page, "coordinator-child")

    open_children(page)
    expect(page.locator("main table caption")).to_contain_text("Records you have opened: 1 child")
    assert watched.errors == []


def test_admin_never_sees_children(open_page):
    watched = open_page()
    page = watched.page
    sign_in(page, "admin@demo.tas.test")
    response = page.goto("/children")
    assert response is not None and response.status == 403
    look(page, "admin-children-forbidden")
    assert watched.unexpected_errors(403) == []


def test_closing_a_plan_and_its_printable_closure_letter(open_page):
    """Ellie Robinson's earlier, closed plan has its letter; the link worker closes Kai
    Thompson's plan (its error state first) and is shown his."""
    watched = open_page()
    page = watched.page
    sign_in(page, LINK_WORKER)
    open_children(page)
    search_by_name(page, "Ellie Robinson")
    page.locator("main table").get_by_role("link", name="Ellie Robinson").click()
    earlier = page.get_by_role("region", name="Earlier plans")
    earlier.get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("This plan is closed")
    look(page, "linkworker-closed-plan")
    page.get_by_role("link", name="Closure letter for the family").click()
    expect(page.locator("h1")).to_have_text("Closure letter for the family")
    letter = page.locator("article.tas-letter")
    expect(letter).to_contain_text("Your family's support plan has ended")
    expect(letter).to_contain_text("Ellie comes to school every day")
    look(page, "linkworker-closure-letter-earlier-plan")

    open_children(page)
    search_by_name(page, "Kai Thompson")
    page.locator("main table").get_by_role("link", name="Kai Thompson").click()
    page.get_by_role("link", name="Close this plan").click()
    expect(page.locator("h1")).to_contain_text("Close shared plan")
    look(page, "linkworker-plan-close")
    submit(page, "Close the plan")
    shows_errors(page, "linkworker-plan-close-errors", "Enter why the plan is closing")
    page.get_by_label("Why the plan is closing").fill(
        "Outcomes met: Kai is settled at Castle and the family needs no more support"
    )
    choose(page, "What level of need does the child return to?", "Universal")
    submit(page, "Close the plan")
    expect(page.locator("h1")).to_have_text("Closure letter for the family")
    letter = page.locator("article.tas-letter")
    expect(letter).to_contain_text("Kai feels settled at Castle")
    look(page, "linkworker-closure-letter")

    # Printed, only the letter shows.
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator("main h1")).to_be_hidden()
    expect(letter).to_be_visible()
    screenshot(page, "linkworker-closure-letter-printed")
    assert watched.errors == []
