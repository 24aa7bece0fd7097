"""Anonymous consultations: a DSL or link worker puts a situation on a meeting to come without
naming the child; text naming a child of the school is refused, keeping what was typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import AgendaItem
from tas.meetings.requests import consultations
from tas.meetings.requests.identifiers import Known, identifies, identifies_anonymously
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, error_summary, page_text
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

URL = "/requests/consultations/new"
SITUATION = "A pupil in year 5 is often hungry and tired; mum says money is tight"
KNOWN = [Known("Amara", "Okafor", ("G360202015019", "4857773457"))]


def items() -> list[AgendaItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(AgendaItem)))


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


@pytest.mark.parametrize("who", ["dsl", "link_worker"])
def test_a_situation_goes_on_a_meeting_without_naming_the_child(app, who):
    setting = school_with_meeting()
    child_at(setting.school, first_name="Amara", last_name="Okafor")
    db.session.commit()
    browser = signed_in(app, getattr(setting, who))

    form = browser.get(URL)
    assert "Do not include names, initials, dates of birth or addresses" in page_text(form)
    response = browser.submit(URL, {"meeting": str(setting.meeting.id), "situation": SITUATION})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{setting.meeting.id}"
    [item] = items()
    assert (item.meeting_id, item.child_id, item.request_id, item.reason) == (
        setting.meeting.id,
        None,
        None,
        SITUATION,
    )
    assert item.anonymous
    [event] = audit_events("agenda_consultation_added")
    assert (event.target_id, event.detail) == (item.id, {"meeting_id": setting.meeting.id})
    assert SITUATION not in str(event.detail)


@pytest.mark.parametrize(
    "situation",
    [
        "Worried about Amara Okafor, who is often hungry",
        "worried about amara   okafor",
        "Okafor, Amara has been tired",
        "UPN g360202015019 in year 5",
        "NHS number 485 777 3457",
        "NHS 485-777-3457 seen by the nurse",
        # A first name with an initial, or any date: with a first name, a date of birth is as
        # good as a name.
        "Amara O. has bruises",
        "A. Okafor has been hungry",
        "A girl born 9/3/2018 has bruises",
        "A boy born 3 March 2017 is being hit",
    ],
)
def test_text_naming_a_child_of_the_school_is_refused_and_kept(app, situation):
    setting = school_with_meeting()
    child_at(
        setting.school,
        first_name="Amara",
        last_name="Okafor",
        upn="G360202015019",
        nhs_number="4857773457",
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(URL, {"meeting": str(setting.meeting.id), "situation": situation})

    assert response.status_code == 200
    assert error_summary(response) == {"situation": consultations.NAMES_A_CHILD}
    assert f">{situation}</textarea>" in response.text
    assert f'<option value="{setting.meeting.id}" selected>' in response.text
    assert items() == []
    assert audit_events("agenda_consultation_added") == []


def test_a_meeting_not_offered_and_an_empty_situation_are_shown_at_once(app):
    setting = school_with_meeting()
    other = school_with_meeting()
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(URL, {"meeting": str(other.meeting.id), "situation": ""})

    assert set(error_summary(response)) == {"meeting", "situation"}
    assert items() == []


def test_a_name_at_another_school_is_not_this_schools_child(app):
    setting = school_with_meeting()
    child_at(factories.school(), first_name="Amara", last_name="Okafor")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(
        URL, {"meeting": str(setting.meeting.id), "situation": "Amara Okafor's cousin"}
    )

    assert response.status_code == 302
    assert len(items()) == 1


def test_only_meetings_to_come_at_the_persons_schools_are_offered(app):
    setting = school_with_meeting()
    past = factories.meeting(
        setting.school,
        setting.dsl,
        status="held",
        starts_at=datetime(2026, 11, 18, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 18, 10, 0, tzinfo=UTC),
    )
    elsewhere = school_with_meeting().meeting
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    form = dsl.get(URL)
    assert f'<option value="{setting.meeting.id}"' in form.text
    for meeting in (past, elsewhere):
        assert f'<option value="{meeting.id}"' not in form.text
        response = dsl.submit(URL, {"meeting": str(meeting.id), "situation": SITUATION})
        assert error_summary(response) == {"meeting": "Select the meeting from the list"}
        assert f">{SITUATION}</textarea>" in response.text
    assert items() == []


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("abc", "Select the meeting from the list"),
        ("1e3", "Select the meeting from the list"),
        ("\u00b2", "Select the meeting from the list"),  # a digit to str.isdigit, not to int()
        ("99999999999999999999", "Select the meeting from the list"),
        ("-1", "Select the meeting from the list"),
        (None, "Select the meeting"),  # left out of the post
    ],
)
def test_a_meeting_that_is_no_id_is_refused_keeping_the_situation(app, posted, message):
    setting = school_with_meeting()
    dsl = signed_in(app, setting.dsl)
    form = {"situation": SITUATION} | ({} if posted is None else {"meeting": posted})

    response = dsl.submit(URL, form)

    assert response.status_code == 200
    assert error_summary(response) == {"meeting": message}
    assert f">{SITUATION}</textarea>" in response.text
    assert items() == []


@pytest.mark.parametrize("kind", ["taf", "keeping_in_touch"])
def test_only_tas_meetings_are_offered_and_a_familys_taf_is_refused(app, kind):
    setting = school_with_meeting()
    other = factories.meeting(
        setting.school,
        setting.dsl,
        kind=kind,
        starts_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    form = dsl.get(URL)
    assert f'<option value="{setting.meeting.id}"' in form.text
    assert f'<option value="{other.id}"' not in form.text
    assert "Scheduled TAS meetings still to come at your schools" in page_text(form)

    refused = dsl.submit(URL, {"meeting": str(other.id), "situation": SITUATION})

    assert refused.status_code == 200
    assert error_summary(refused) == {
        "meeting": "An anonymous consultation goes on a TAS meeting only, not on a family's "
        "TAF / handover meeting or a keeping-in-touch meeting: select a TAS meeting from the list"
    }
    assert f">{SITUATION}</textarea>" in refused.text
    assert items() == []


def test_missing_answers_are_asked_for(app):
    setting = school_with_meeting()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(URL, {"meeting": "", "situation": " "})

    assert error_summary(response) == {
        "meeting": "Select the meeting",
        "situation": "Describe the situation you want advice about",
    }


@pytest.mark.parametrize("role", ["school_staff", "practitioner", "coordinator", "gp", "admin"])
def test_only_dsls_and_link_workers_add_consultations(login_as, role):
    setting = school_with_meeting()
    browser = login_as(role, **({"school": setting.school} if role == "school_staff" else {}))

    assert browser.get(URL).status_code == 403
    posted = browser.submit(
        URL, {"meeting": str(setting.meeting.id), "situation": SITUATION}, page="/"
    )
    assert posted.status_code == 403
    assert items() == []


def test_without_a_meeting_to_come_the_page_says_to_book_one(login_as):
    dsl = login_as("dsl")

    assert "There is no scheduled TAS meeting to come" in page_text(dsl.get(URL))


# ---------------------------------------------------------------- the check itself


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Amara Okafor", True),
        ("AMARA OKAFOR.", True),
        ("okafor amara", True),
        ("Amara\nOkafor", True),
        ("G360202015019", True),
        ("upn: g360202015019.", True),
        ("4857773457", True),
        ("485 777 3457", True),
        ("Amara", False),  # a first name alone is not a full name
        ("Amara Okaforth", False),
        ("Tamara Okafor", False),
        ("48577734570", False),  # a longer number
        ("4857 7734", False),
        ("", False),
    ],
)
def test_what_counts_as_naming_a_child(text, names):
    assert identifies(text, KNOWN) is names


@pytest.mark.parametrize(
    ("text", "identifies_the_child"),
    [
        ("Amara O. is often hungry", True),
        ("A Okafor is often hungry", True),
        ("born 09/03/2018", True),
        ("NHS 943 476 5919", True),  # anyone's NHS number
        ("Amara is often hungry", False),  # a first name alone says little
        ("A girl in year 5 is often hungry since March", False),
    ],
)
def test_what_counts_as_identifying_a_child_in_an_anonymous_consultation(
    text, identifies_the_child
):
    assert identifies_anonymously(text, KNOWN) is identifies_the_child


def test_children_without_numbers_are_checked_by_name_only():
    assert identifies("12345", [Known("Amara", "Okafor")]) is False
