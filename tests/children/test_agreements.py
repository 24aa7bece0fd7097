"""Recording the family's agreement: who may agree, dates, the young person's competence and the
confirmations the family was told what will be shared and given the privacy notice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tas.children.models import Agreement
from tas.extensions import db
from tests import factories
from tests.pages import audit_events, error_summary, page_text

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today():
    """A fixed Friday in November (Europe/London), with the clock still moving."""
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=True):
        yield TODAY


def setting(login_as, born: date = date(2016, 5, 1)):
    """A DSL, a child at their school with a parent with parental responsibility, two agencies."""
    dsl = login_as("dsl")
    child = factories.child(school_id=dsl.user.school_id, date_of_birth=born)
    db.session.flush()
    parent = factories.family_member(child, name="Alex Parent", relationship_to_child="Father")
    agencies = [factories.agency(name="CAMHS Wakefield"), factories.agency(name="0-19 Service")]
    db.session.commit()
    return dsl, child, parent, agencies


def form(child, parent, covered, **fields) -> dict:
    data = {
        "agreed_by": str(parent.id),
        "agreed_on": ["2", "11", "2026"],
        "young_person_view": "Wants help with friendships at school",
        "agencies": [str(a.id) for a in covered],
        "information_covered": "Attendance, wellbeing and friendships",
        "family_told": "y",
        "privacy_notice_given": "y",
        "origin": f"school:{child.school_id}",
        "markers": ["restricted", "third_party"],
        **fields,
    }
    return {key: value for key, value in data.items() if value is not None}


def agreements(child_id: int) -> list[Agreement]:
    db.session.expire_all()
    return list(db.session.scalars(select(Agreement).where(Agreement.child_id == child_id)))


def test_a_dsl_records_an_agreement_and_sees_it_in_the_history(login_as):
    dsl, child, parent, agencies = setting(login_as)
    new = f"/children/{child.id}/agreement/new"
    assert "Alex Parent (Father)" in page_text(dsl.get(new))

    response = dsl.submit(new, form(child, parent, agencies))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/children/{child.id}/agreement"
    [saved] = agreements(child.id)
    assert (saved.agreed_by_id, saved.agreed_on, saved.asked_by_id) == (
        parent.id,
        date(2026, 11, 2),
        dsl.user.id,
    )
    assert saved.young_person_competent is None  # 10 years old: not asked
    assert sorted(a.name for a in saved.agencies) == ["0-19 Service", "CAMHS Wakefield"]
    assert saved.family_told_what_and_why and saved.privacy_notice_given
    assert (saved.originating_school_id, saved.originating_agency_id) == (child.school_id, None)
    assert (saved.restricted, saved.not_for_parent, saved.third_party) == (True, False, True)
    [event] = audit_events("agreement_recorded")
    assert event.target_id == saved.id and event.actor_id == dsl.user.id
    assert event.detail["child_id"] == child.id

    page = dsl.get(f"/children/{child.id}/agreement")
    text = page_text(page)
    assert page.status_code == 200
    assert "Alex Parent (Father) agreed on 2 November 2026" in text
    assert "Agreed on 2 November 2026 Current" in text
    assert "Agencies covered 0-19 Service, CAMHS Wakefield" in text
    assert "Markers Restricted, Third-party information" in text
    assert "Record that the family withdrew agreement" in text
    assert audit_events("agreement_viewed")[-1].target_id == child.id


def test_an_agreement_with_no_markers_says_so_in_words(login_as):
    dsl, child, parent, _ = setting(login_as)
    factories.agreement(child, dsl.user, agreed_by=parent)
    db.session.commit()

    text = page_text(dsl.get(f"/children/{child.id}/agreement"))

    assert "Markers No sharing markers" in text
    assert "None" not in text


def test_with_no_agreement_the_page_says_what_cannot_happen_and_where_worries_go(login_as):
    dsl, child, _, _ = setting(login_as)

    text = page_text(dsl.get(f"/children/{child.id}/agreement"))

    assert "There is no current agreement" in text
    assert "cannot be on a TAS agenda or have a shared plan" in text
    assert "phone the Integrated Front Door (IFD) now" in text
    assert "Record an agreement" in text


def test_only_a_parent_with_parental_responsibility_can_be_chosen(login_as):
    dsl, child, parent, agencies = setting(login_as)
    other = factories.family_member(
        child, name="Jo Neighbour", relationship_to_child="Neighbour", parental_responsibility=False
    )
    db.session.commit()
    new = f"/children/{child.id}/agreement/new"
    assert "Jo Neighbour" not in page_text(dsl.get(new))

    response = dsl.submit(new, form(child, parent, agencies, agreed_by=str(other.id)))

    assert response.status_code == 200
    assert error_summary(response) == {"agreed_by": "Select the parent or carer who agreed"}
    assert agreements(child.id) == []


def test_without_such_a_parent_the_page_sends_you_to_the_family_page(login_as):
    dsl = login_as("dsl")
    child = factories.child(school_id=dsl.user.school_id)
    db.session.flush()
    factories.family_member(child, parental_responsibility=False)
    db.session.commit()

    page = dsl.get(f"/children/{child.id}/agreement/new")

    assert page.status_code == 200
    assert "None is recorded for this child yet" in page_text(page)
    assert f'href="/children/{child.id}/family"' in page.get_data(as_text=True)
    assert 'name="agreed_by"' not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["21", "11", "2026"], "Date they agreed must be today or in the past"),
        (["", "", ""], "Enter the date they agreed"),
        (["31", "2", "2026"], "Date they agreed must be a real date"),
        (["1", "", "2026"], "Date they agreed must include a month"),
        (["1", "4", "2016"], "Date they agreed must be on or after the child's date of birth"),
    ],
)
def test_a_wrong_date_is_refused_and_what_was_typed_stays(login_as, typed, message):
    dsl, child, parent, agencies = setting(login_as)

    response = dsl.submit(
        f"/children/{child.id}/agreement/new", form(child, parent, agencies, agreed_on=typed)
    )

    assert response.status_code == 200
    assert error_summary(response) == {"agreed_on": message}
    body = response.get_data(as_text=True)
    assert "Attendance, wellbeing and friendships</textarea>" in body
    assert f'value="{typed[0]}"' in body or not typed[0]
    assert agreements(child.id) == []


def test_a_missing_date_field_does_not_break_the_page(login_as):
    dsl, child, parent, agencies = setting(login_as)
    data = form(child, parent, agencies)
    del data["agreed_on"]

    response = dsl.submit(f"/children/{child.id}/agreement/new", data)

    assert response.status_code == 200
    assert error_summary(response) == {"agreed_on": "Enter the date they agreed"}


def test_both_confirmations_are_needed(login_as):
    dsl, child, parent, agencies = setting(login_as)
    data = form(child, parent, agencies, family_told=None, privacy_notice_given=None)

    response = dsl.submit(f"/children/{child.id}/agreement/new", data)

    assert response.status_code == 200
    assert error_summary(response) == {
        "family_told": "Confirm that the family was told what will be shared and why",
        "privacy_notice_given": "Confirm that the family was given the privacy notice",
    }
    assert "Wants help with friendships at school</textarea>" in response.get_data(as_text=True)
    assert agreements(child.id) == []


def test_the_information_and_at_least_one_agency_are_needed(login_as):
    dsl, child, parent, agencies = setting(login_as)
    data = form(child, parent, agencies, agencies=None, information_covered="  ")

    response = dsl.submit(f"/children/{child.id}/agreement/new", data)

    assert error_summary(response) == {
        "agencies": "Select the agencies the agreement covers",
        "information_covered": "Enter what information the agreement covers",
    }


def test_other_childrens_gp_practices_cannot_be_covered(login_as):
    dsl, child, parent, _ = setting(login_as)
    own_gp = factories.agency(name="Own Surgery", service_type="gp_practice", ods_code="B11111")
    other_gp = factories.agency(name="Far Surgery", service_type="gp_practice", ods_code="B22222")
    db.session.flush()
    child.gp_practice_id = own_gp.id
    db.session.commit()
    new = f"/children/{child.id}/agreement/new"
    text = page_text(dsl.get(new))
    assert "Own Surgery" in text and "Far Surgery" not in text

    refused = dsl.submit(new, form(child, parent, [other_gp]))
    accepted = dsl.submit(new, form(child, parent, [own_gp]))

    assert error_summary(refused) == {"agencies": "Select agencies from the list"}
    assert accepted.status_code == 302
    assert [a.name for a in agreements(child.id)[0].agencies] == ["Own Surgery"]


def test_a_young_person_of_twelve_or_over_is_asked_about_competence(login_as):
    dsl, child, parent, agencies = setting(login_as, born=date(2013, 6, 1))
    new = f"/children/{child.id}/agreement/new"
    assert "Is the young person competent to agree for themselves?" in page_text(dsl.get(new))

    unanswered = dsl.submit(new, form(child, parent, agencies))
    answered = dsl.submit(new, form(child, parent, agencies, young_person_competent="yes"))

    assert error_summary(unanswered) == {
        "young_person_competent": "Select yes if the young person is competent to agree"
    }
    assert answered.status_code == 302
    assert agreements(child.id)[0].young_person_competent is True


def test_a_younger_child_is_not_asked_and_an_answer_sent_anyway_is_not_kept(login_as):
    dsl, child, parent, agencies = setting(login_as, born=date(2014, 11, 21))  # 12 tomorrow
    new = f"/children/{child.id}/agreement/new"
    assert "competent to agree" not in page_text(dsl.get(new))

    response = dsl.submit(new, form(child, parent, agencies, young_person_competent="yes"))

    assert response.status_code == 302
    assert agreements(child.id)[0].young_person_competent is None


def test_extra_posted_fields_are_ignored(login_as):
    dsl, child, parent, agencies = setting(login_as)
    someone = factories.user("dsl")
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/agreement/new",
        form(child, parent, agencies, asked_by_id=str(someone.id), child_id="999"),
    )

    assert response.status_code == 302
    [saved] = agreements(child.id)
    assert saved.asked_by_id == dsl.user.id


def test_the_page_costs_the_same_with_2_or_20_agreements(login_as, count_queries):
    dsl = login_as("dsl")
    counts = []
    for size in (2, 20):
        child = factories.child(school_id=dsl.user.school_id)
        db.session.flush()
        agencies = [factories.agency(), factories.agency()]
        recorder = factories.user("dsl", school_id=dsl.user.school_id)
        for n in range(size):
            factories.agreement(
                child,
                dsl.user,
                agencies=agencies,
                withdrawn_on=None if n == 0 else date(2026, 9, 2),
                withdrawn_recorded_by_id=None,
                originating_agency_id=None,
            )
        db.session.flush()
        for row in db.session.scalars(select(Agreement).where(Agreement.child_id == child.id)):
            row.originating_agency_id = agencies[0].id
            if row.withdrawn_on:
                row.withdrawn_recorded_by_id = recorder.id
        db.session.commit()
        with count_queries() as counted:
            page = dsl.get(f"/children/{child.id}/agreement")
        assert page.status_code == 200
        assert page_text(page).count("Withdrawn") >= size - 1
        counts.append(len(counted))
    assert counts[0] == counts[1]


def test_a_new_agreement_cannot_be_dated_before_the_one_that_stands(login_as):
    dsl, child, parent, agencies = setting(login_as)
    new = f"/children/{child.id}/agreement/new"
    first = dsl.submit(new, form(child, parent, agencies))  # 2 November
    assert "has been recorded" in page_text(dsl.get(first.headers["Location"]))
    assert [a.agreed_on for a in agreements(child.id)] == [date(2026, 11, 2)]

    refused = dsl.submit(
        new, form(child, parent, agencies, agreed_on=["1", "1", "2023"], information_covered="")
    )

    assert refused.status_code == 200
    assert error_summary(refused) == {
        "agreed_on": "Date they agreed must be on or after the date of the current agreement, "
        "2 November 2026",
        "information_covered": "Enter what information the agreement covers",
    }
    assert "has been recorded" not in page_text(refused)
    assert [a.agreed_on for a in agreements(child.id)] == [date(2026, 11, 2)]
    again = dsl.submit(new, form(child, parent, agencies, agreed_on=["2", "11", "2026"]))
    assert again.status_code == 302  # the same day is a new agreement, and stands


def test_competence_given_for_a_child_too_young_on_the_date_they_agreed_is_not_dropped(login_as):
    dsl, child, parent, agencies = setting(login_as, born=date(2014, 6, 1))  # 12 since June
    new = f"/children/{child.id}/agreement/new"
    assert "competent to agree" in page_text(dsl.get(new))

    last_new_year = ["1", "1", "2026"]
    refused = dsl.submit(
        new, form(child, parent, agencies, agreed_on=last_new_year, young_person_competent="yes")
    )

    assert error_summary(refused) == {
        "young_person_competent": "The young person was 11 on the date they agreed, and "
        "competence is asked from 12: check the date they agreed, or save without an answer here"
    }
    assert 'value="yes" checked' not in refused.get_data(as_text=True)
    assert agreements(child.id) == []
    saved = dsl.submit(new, form(child, parent, agencies, agreed_on=["1", "1", "2026"]))
    assert saved.status_code == 302
    assert agreements(child.id)[0].young_person_competent is None
