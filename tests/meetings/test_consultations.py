"""Anonymous consultations: a DSL or link worker puts a situation on a meeting to come without
naming the child; text that could identify a child of the school or on the agenda (a name, a
first name alone, initials, a date, a number) is refused, keeping what was typed, and so are
minutes of the consultation that could."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tas.children.models import AgreementAgency
from tas.extensions import db
from tas.meetings.models import AgendaItem
from tas.meetings.requests import consultations
from tas.meetings.requests.identifiers import DATE, NAME, NHS_NUMBER, UPN, Known, identifies
from tas.meetings.requests.rules import INITIALS
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_day import past_meeting
from tests.pages import audit_events, error_summary, page_text, saved, section
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
    ("situation", "found"),
    [
        ("Worried about Amara Okafor, who is often hungry", NAME),
        ("worried about amara   okafor", NAME),
        ("Okafor, Amara has been tired", NAME),
        ("UPN g360202015019 in year 5", UPN),
        ("NHS number 485 777 3457", NHS_NUMBER),
        ("NHS 485-777-3457 seen by the nurse", NHS_NUMBER),
        # A first name alone, with an initial, initials, or any date: with a first name, a date
        # of birth is as good as a name.
        ("Amara is often hungry", NAME),
        ("Amara O. has bruises", NAME),
        ("A. Okafor has been hungry", NAME),
        ("A.O. says her tummy hurts", INITIALS),
        ("Mrs Okafor says money is tight", NAME),
        ("A girl born 9/3/2018 has bruises", DATE),
        ("A boy born 3 March 2017 is being hit", DATE),
    ],
)
def test_text_naming_a_child_of_the_school_is_refused_and_kept(app, situation, found):
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
    assert error_summary(response) == {
        "situation": consultations.IDENTIFIES[found].format(what="The situation")
    }
    assert "remove names, initials, dates" in error_summary(response)["situation"]
    assert f">{situation}</textarea>" in response.text
    assert f'<option value="{setting.meeting.id}" selected>' in response.text
    assert items() == []
    assert audit_events("agenda_consultation_added") == []


def test_a_consultation_naming_a_child_on_the_agenda_never_reaches_an_agency_she_is_kept_from(
    app,
):
    """The tester's walk: Amelia Khan is on the agenda and her family agreed to share with
    Future in Mind only. A consultation by her first name or initials is refused, so the 0-19
    nurse, who does not see Amelia's item, never reads about her in the consultation either;
    the same situation without them goes on, and the nurse reads it."""
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    nursing = factories.agency(name="0-19 Service", service_type="zero_to_nineteen")
    nurse = factories.user("practitioner", agency=nursing)
    amelia = child_at(setting.school, agreed=False, first_name="Amelia", last_name="Khan")
    agreement = factories.agreement(amelia, setting.dsl)
    db.session.flush()
    db.session.add(AgreementAgency(agreement_id=agreement.id, agency_id=fim.id))
    for agency in (fim, nursing):
        factories.invitation(setting.meeting, setting.dsl, agency=agency)
    factories.agenda_item(setting.meeting, amelia, setting.dsl)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"{URL}?meeting={setting.meeting.id}"
    meeting = str(setting.meeting.id)

    for situation in (
        "Amelia is skipping lunch; A.K. says tummy hurts",
        "A.K. says her tummy hurts",
        "Amelia K. is skipping lunch",
        "The Khan family have no food at weekends",
    ):
        refused = dsl.submit(url, {"meeting": meeting, "situation": situation})
        assert refused.status_code == 200
        assert "remove names, initials" in error_summary(refused)["situation"]
        assert f">{situation}</textarea>" in refused.text
    assert [item.child_id for item in items()] == [amelia.id]

    unnamed = "A pupil in year 6 is skipping lunch and says her tummy hurts"
    assert dsl.submit(url, {"meeting": meeting, "situation": unnamed}).status_code == 302
    agenda = section(signed_in(app, nurse).get(f"/meetings/{setting.meeting.id}"), "agenda")
    assert unnamed in agenda
    assert "Amelia" not in agenda and "A.K." not in agenda and "Khan" not in agenda


@pytest.mark.parametrize(
    "situation",
    [
        "Mia is upset at home",
        "mia is upset at home",
        "MIA IS UPSET AT HOME",
        "A girl, M.H., is upset at home",
        "A girl (M H) is upset at home",
        "Worried about M. Hughes",
        "Mrs Hughes says things are hard",
        "The Hughes family have moved in with grandma",
    ],
)
def test_a_first_name_or_initials_of_any_child_of_the_school_are_refused(app, situation):
    setting = school_with_meeting()
    child_at(setting.school, first_name="Mia", last_name="Hughes")  # not on the agenda
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(URL, {"meeting": str(setting.meeting.id), "situation": situation})

    assert response.status_code == 200
    assert "remove names, initials" in error_summary(response)["situation"]
    assert f">{situation}</textarea>" in response.text
    assert items() == []


def test_ordinary_words_are_not_taken_for_names_or_initials(app):
    """Children whose surname is a word, or whose initials are letters often written side by
    side, do not stop a consultation that names nobody (docs/security.md I33)."""
    setting = school_with_meeting()
    for first, last in (
        ("Freya", "Young"),
        ("Mia", "Hughes"),
        ("Amir", "Evans"),
        ("Bella", "Bell"),
        ("Ethan", "Green"),
        ("Priya", "Evans"),
        ("Tom", "Smith"),
    ):
        child_at(setting.school, first_name=first, last_name=last)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    situation = (
        "A young person in year 5 has a younger brother. PE kit is missing most weeks and MH "
        "support has started. She was taken to A&E in the summer; the family live in a B&B "
        "(e.g. one room), and she wears a T-shirt in the cold. She got a B in maths. Mum says "
        "the smith at the end of the road is kind."
    )

    response = dsl.submit(URL, {"meeting": str(setting.meeting.id), "situation": situation})

    assert response.status_code == 302
    assert [item.reason for item in items()] == [situation]


CONSULTATION_MINUTES = {
    "worries": "Unexplained bruises",
    "working_well": "Trusts her teacher",
    "needs_to_happen": "Call the Integrated Front Door today",
}


@pytest.mark.parametrize(
    ("field", "text", "what"),
    [
        ("worries", "Mia has unexplained bruises", "What we are worried about"),
        ("working_well", "M.H. trusts her teacher", "What is working well"),
        ("needs_to_happen", "Ask Mrs Hughes to call the IFD", "The advice given"),
    ],
)
def test_the_minutes_of_a_consultation_must_not_name_the_child_either(app, field, text, what):
    """Every agency invited reads the consultation's minutes as it reads the consultation."""
    setting = past_meeting()
    child_at(setting.school, first_name="Mia", last_name="Hughes")
    item = factories.agenda_item(setting.meeting, None, setting.dsl, reason="A Year 5 pupil")
    db.session.commit()
    chair = signed_in(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/minutes"
    chair.get(url)

    refused = chair.submit(url, {**CONSULTATION_MINUTES, field: text, "version": "1"})

    assert refused.status_code == 200
    message = error_summary(refused)[field]
    assert message.startswith(what) and "remove names, initials" in message
    assert f">{text}</textarea>" in refused.text
    assert saved(AgendaItem, item.id).minuted_at is None
    assert audit_events("minutes_saved") == []
    assert chair.submit(url, {**CONSULTATION_MINUTES, "version": "1"}).status_code == 302


def test_a_childs_own_minutes_may_name_her(app):
    setting = past_meeting()
    mia = child_at(setting.school, first_name="Mia", last_name="Hughes")
    item = factories.agenda_item(setting.meeting, mia, setting.dsl)
    db.session.commit()
    chair = signed_in(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/minutes"

    response = chair.submit(url, {"worries": "Mia has unexplained bruises", "version": "1"})

    assert response.status_code == 302
    assert saved(AgendaItem, item.id).worries == "Mia has unexplained bruises"


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


def test_children_without_numbers_are_checked_by_name_only():
    assert identifies("12345", [Known("Amara", "Okafor")]) is False
