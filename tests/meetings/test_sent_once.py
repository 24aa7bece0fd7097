"""Forms that add something are sent once (tas.core.submissions): a double click, a resent POST or
the back button sends the same one-time token again, saves nothing the second time and says so; a
form shown again with errors keeps its token, and each newly opened form has a new one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from tas.core.submissions import ALREADY_SAVED
from tas.extensions import db
from tas.meetings.models import AgendaItem, Meeting, MeetingSeries, TasRequest, UninvitedAttendee
from tas.plans.models import Action
from tests import factories
from tests.conftest import Visitor, csrf_from
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_booking import booking
from tests.meetings.test_consultations import SITUATION
from tests.meetings.test_day import browser_for, on_agenda, past_meeting
from tests.meetings.test_requests import asking_about
from tests.meetings.test_series import dates_on, school_year, series_form
from tests.pages import day, error_summary, field_value, page_text
from tests.plans.helpers import child_at, open_plan
from tests.plans.test_actions import new_action


@dataclass
class Form:
    browser: Visitor
    url: str
    typed: dict  # a valid form, as the existing tests send it
    other: dict  # another valid form: a second record
    wrong: dict  # changes that leave a question with an error
    problem: str  # the question the error is shown beside
    made: Callable[[], int]  # how many records of the kind this form adds there are
    saved_at: str  # where the form sent again goes
    shows: str  # what that page shows of the record the first send saved
    checked_first: bool = False  # the series: its dates are shown to check before booking


def counter(model, *where) -> Callable[[], int]:
    def made() -> int:
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return made


def booking_form(app) -> Form:
    setting = school_with_meeting()
    return Form(
        browser_for(app, setting.dsl),
        "/meetings/new",
        booking(setting.school, setting.link_worker),
        booking(setting.school, setting.link_worker, meeting_date=day(date(2026, 12, 16))),
        {"starts": ""},
        "starts",
        counter(Meeting, Meeting.school_id == setting.school.id),
        "/meetings",
        "Wednesday 9 December 2026",
    )


def series_create(app) -> Form:
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    return Form(
        browser_for(app, setting.link_worker),
        "/meetings/series/new",
        series_form(setting.school, setting.link_worker),
        series_form(setting.school, setting.link_worker, starts="11:00", ends="12:00"),
        {"starts": ""},
        "starts",
        counter(MeetingSeries),
        "/meetings",
        "Monday 19 April 2027",
        checked_first=True,
    )


def meeting_action(app) -> Form:
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    plan = open_plan(child)
    fim = factories.invitation(setting.meeting, setting.dsl).agency
    factories.involvement(plan, agency=fim)
    db.session.commit()
    base = f"/meetings/{setting.meeting.id}/agenda/{item.id}"
    return Form(
        browser_for(app, setting.link_worker),
        f"{base}/actions/new",
        {
            "description": "Offer six wellbeing sessions",
            "owner_kind": "agency",
            "owner_agency": str(fim.id),
            "due_on": day(date(2027, 1, 15)),
        },
        {"description": "Home visit", "owner_kind": "child", "due_on": day(date(2026, 12, 11))},
        {"due_on": ["", "", ""]},
        "due_on",
        counter(Action, Action.plan_id == plan.id),
        f"{base}/minutes#actions",
        "Offer six wellbeing sessions Agency",
    )


def uninvited(app) -> Form:
    setting = past_meeting()
    police = factories.agency(name="West Yorkshire Police", service_type="police")
    db.session.commit()
    return Form(
        browser_for(app, setting.link_worker),
        f"/meetings/{setting.meeting.id}/attendance/uninvited",
        {"name": "Alex Reed", "organisation": "", "agency": str(police.id)},
        {"name": "Jo Park", "organisation": "Young Carers", "agency": ""},
        {"agency": ""},
        "organisation",
        counter(UninvitedAttendee, UninvitedAttendee.meeting_id == setting.meeting.id),
        f"/meetings/{setting.meeting.id}/attendance",
        "Alex Reed West Yorkshire Police",
    )


def tas_request(app) -> Form:
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Amara", last_name="Okafor")
    sister = child_at(setting.school, first_name="Ife", last_name="Okafor")
    db.session.commit()
    return Form(
        browser_for(app, setting.dsl),
        "/requests/new",
        asking_about(child),
        asking_about(sister),  # one request per child awaits triage at a time
        {"reason": ""},
        "reason",
        counter(TasRequest),
        "/requests",
        "Amara Okafor",
    )


def consultation(app) -> Form:
    setting = school_with_meeting()
    typed = {"meeting": str(setting.meeting.id), "situation": SITUATION}
    return Form(
        browser_for(app, setting.dsl),
        "/requests/consultations/new",
        typed,
        {**typed, "situation": "A pupil in year 3 is often late and seems worried"},
        {"situation": ""},
        "situation",
        counter(AgendaItem, AgendaItem.meeting_id == setting.meeting.id),
        f"/meetings/{setting.meeting.id}",  # where the first send goes
        f"Anonymous consultation {SITUATION}",
    )


def plan_action(app) -> Form:
    setting = school_with_meeting()
    child = child_at(setting.school)
    plan = open_plan(child)
    agency = factories.agency(name="Zero to Nineteen")
    factories.involvement(plan, agency=agency)
    db.session.commit()
    due = day(date(2026, 12, 11))
    return Form(
        browser_for(app, setting.dsl),
        f"/children/{child.id}/plans/{plan.id}/actions/new",
        new_action(owner_agency=str(agency.id), due_on=due),
        new_action(description="Ask about sleep", owner_kind="child", due_on=due),
        {"due_on": ["", "", ""]},
        "due_on",
        counter(Action, Action.plan_id == plan.id),
        f"/children/{child.id}#actions",
        "Book a school nurse drop-in 11 December 2026",
    )


FORMS = {
    "booking": booking_form,
    "series": series_create,
    "meeting_action": meeting_action,
    "uninvited": uninvited,
    "request": tas_request,
    "consultation": consultation,
    "plan_action": plan_action,
}


SENT_AGAIN = list(FORMS)


@pytest.fixture
def form(request, app) -> Form:
    return FORMS[request.param](app)


def opened(form: Form) -> tuple[str, str]:
    """Open the empty form: the page's CSRF token and the form's one-time token."""
    page = form.browser.get(form.url)
    assert page.status_code == 200
    token = field_value(page, "submission")
    assert token, "no one-time token on the form"
    return csrf_from(page.get_data(as_text=True)), token


def filled(form: Form, csrf: str, token: str, data: dict) -> dict:
    """The POST body that saves: for the series, after checking the dates it shows."""
    body = {"csrf_token": csrf, "submission": token, **data}
    if not form.checked_first:
        return body
    preview = form.browser.client.post(form.url, data=body)
    assert "Nothing has been booked yet" in page_text(preview)
    assert field_value(preview, "submission") == token
    return {**body, "step": "create", "dates": dates_on(preview)}


def send(form: Form, body: dict):
    return form.browser.client.post(form.url, data=body)


def already_saved(form: Form, response) -> None:
    """Sent again: sent to a page that says so and shows what the first send saved."""
    assert response.status_code == 302
    # To the top of the page (its banner says so), never down at a part of it.
    assert response.headers["Location"] == form.saved_at.split("#")[0]
    shown = shown_after(form, response)
    assert ALREADY_SAVED in shown
    assert form.shows in shown


def shown_after(form: Form, response) -> str:
    """The words of the page a redirect leads to (the browser drops the #part)."""
    assert response.status_code == 302
    return page_text(form.browser.get(response.headers["Location"].split("#")[0]))


@pytest.mark.parametrize("form", SENT_AGAIN, indirect=True)
def test_a_form_sent_twice_saves_once_and_says_so(form):
    before = form.made()
    csrf, token = opened(form)
    body = filled(form, csrf, token, form.typed)

    first = send(form, body)
    again = send(form, body)

    assert first.status_code == 302
    assert first.headers["Location"] != form.url
    assert form.made() == before + 1
    already_saved(form, again)
    assert form.made() == before + 1
    _csrf, fresh = opened(form)
    assert fresh != token


@pytest.mark.parametrize("form", SENT_AGAIN, indirect=True)
def test_a_form_resent_after_the_next_page_was_seen_saves_nothing(form):
    """The back button: the saved page was read, then the same form is sent again."""
    before = form.made()
    csrf, token = opened(form)
    body = filled(form, csrf, token, form.typed)

    assert ALREADY_SAVED not in shown_after(form, send(form, body))
    again = send(form, body)

    assert form.made() == before + 1
    already_saved(form, again)


@pytest.mark.parametrize("form", SENT_AGAIN, indirect=True)
def test_a_form_shown_with_errors_keeps_its_token_and_saves_once_corrected(form):
    before = form.made()
    csrf, token = opened(form)

    wrong = send(form, {"csrf_token": csrf, "submission": token, **form.typed, **form.wrong})

    assert wrong.status_code == 200
    assert form.problem in error_summary(wrong)
    assert field_value(wrong, "submission") == token
    assert form.made() == before

    body = filled(form, csrf, token, form.typed)
    saved = send(form, body)
    assert ALREADY_SAVED not in shown_after(form, saved)
    again = send(form, body)

    assert form.made() == before + 1
    already_saved(form, again)


@pytest.mark.parametrize("form", list(FORMS), indirect=True)
def test_two_forms_opened_save_two_records(form):
    before = form.made()
    csrf, first_token = opened(form)
    _csrf, second_token = opened(form)

    first = send(form, filled(form, csrf, first_token, form.typed))
    second = send(form, filled(form, csrf, second_token, form.other))

    assert first_token != second_token
    assert (first.status_code, second.status_code) == (302, 302)
    assert ALREADY_SAVED not in shown_after(form, second)
    assert form.made() == before + 2
