"""Changing a child's details, and what the child's page shows to whom."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tas.children.models import Child, CoordinatorAccess, SiblingLink
from tas.core.clock import utcnow
from tas.extensions import db
from tests import factories
from tests.children.child_helpers import NHS_NUMBER, UPN, child_form
from tests.chronology.helpers import add_event
from tests.pages import audit_events, error_summary, field_value, page_text, saved, version_on
from tests.voice.helpers import child_and_team, record, signed_in

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

# ---------------------------------------------------------------- changing


def test_a_dsl_changes_a_childs_details_audited_and_cannot_move_them_this_way(login_as):
    dsl = login_as("dsl")
    child = factories.child(school=dsl.user.school, first_name="Old")
    other_school = factories.school()
    db.session.commit()
    url = f"/children/{child.id}/details"

    page = dsl.get(url)
    assert field_value(page, "first_name") == "Old"
    assert 'value="1"' in page.get_data(as_text=True)  # the day of birth, filled in
    data = {
        **child_form(
            first_name="New",
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            nhs_number=NHS_NUMBER,
        ),
        "version": version_on(page),
        "school_id": str(other_school.id),
        "school": str(other_school.id),
    }
    response = dsl.submit(url, data)

    assert response.status_code == 302
    changed = saved(Child, child.id)
    assert (changed.first_name, changed.nhs_number) == ("New", NHS_NUMBER)
    assert changed.school_id == dsl.user.school_id
    event = audit_events("child_changed")[-1]
    assert event.detail == {"changed": ["first_name", "nhs_number"]}
    assert audit_events("child_details_opened")[-1].target_id == child.id


def test_a_date_of_birth_cannot_come_after_the_childs_earliest_records(app):
    team = child_and_team()  # born 1 May 2016; the family agreed on 1 September 2026
    dana = signed_in(app, team.dsl)
    child = team.child
    url = f"/children/{child.id}/details"
    assert add_event(dana, child, happened_on=["3", "3", "2020"]).status_code == 302

    def change_to(born: date, **fields):
        page = dana.get(url)
        return dana.submit(
            url,
            {
                **child_form(
                    **{"first_name": child.first_name, "last_name": child.last_name, **fields},
                    date_of_birth=born,
                ),
                "version": version_on(page),
            },
        )

    refused = change_to(date(2021, 3, 4))
    assert error_summary(refused) == {
        "date_of_birth": "Date of birth must be on or before 3 March 2021: a chronology event is "
        "dated 3 March 2020, and can be no more than a year before birth"
    }
    assert record(dana, child, heard_on=["10", "6", "2018"]).status_code == 302

    # Every problem at once: the records beside the form's own errors.
    refused = change_to(date(2026, 12, 1), first_name="")
    assert error_summary(refused) == {
        "first_name": "Enter the child's first name",
        "date_of_birth": "Date of birth must be on or before 10 June 2018: what the child said "
        "is dated 10 June 2018",
    }
    assert saved(Child, child.id).date_of_birth == date(2016, 5, 1)

    assert change_to(date(2018, 6, 10)).status_code == 302
    assert saved(Child, child.id).date_of_birth == date(2018, 6, 10)


def test_a_stale_edit_is_refused_with_both_versions_and_nothing_lost(login_as):
    dsl = login_as("dsl")
    child = factories.child(school=dsl.user.school, first_name="Original")
    db.session.commit()
    url = f"/children/{child.id}/details"
    page = dsl.get(url)
    mine = {
        **child_form(first_name="Mine", date_of_birth=child.date_of_birth, known_to="My note"),
        "version": version_on(page),
    }

    child.first_name = "Theirs"  # someone else saves first
    db.session.commit()
    response = dsl.submit(url, mine)

    assert response.status_code == 409
    assert error_summary(response) == {
        "saved-version": "Someone else changed this child's details while you were editing it"
    }
    text = page_text(response)
    assert "First name Mine Theirs Different" in text
    assert "Date of birth 1 May 2016 1 May 2016" in text
    assert field_value(response, "first_name") == "Mine"
    assert "My note" in response.get_data(as_text=True)
    assert saved(Child, child.id).first_name == "Theirs"

    again = dsl.submit(url, {**mine, "version": version_on(response)})
    assert again.status_code == 302
    assert saved(Child, child.id).first_name == "Mine"


def test_a_missing_version_is_treated_as_stale(login_as):
    dsl = login_as("dsl")
    child = factories.child(school=dsl.user.school, first_name="Original")
    db.session.commit()
    response = dsl.submit(f"/children/{child.id}/details", child_form(first_name="Mine"))
    assert response.status_code == 409
    assert saved(Child, child.id).first_name == "Original"


@pytest.mark.parametrize("role", ["practitioner", "coordinator", "gp"])
def test_people_who_only_read_a_child_cannot_change_their_details(login_as, role):
    browser = login_as(role)
    child = factories.child(
        school=browser.user.school or factories.school(),
        gp_practice=browser.user.agency if role == "gp" else None,
    )
    db.session.flush()
    if role == "practitioner":
        plan = factories.plan(child)
        factories.agreement(child, asked_by=factories.user(role="dsl"))
        factories.involvement(plan, agency=browser.user.agency, practitioner=browser.user)
    if role == "gp":  # a GP practice sees a registered child while the family agrees
        factories.agreement(child, asked_by=factories.user(role="dsl"))
    if role == "coordinator":
        db.session.add(
            CoordinatorAccess(
                child_id=child.id,
                user_id=browser.user.id,
                reason="Checking the agenda",
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    db.session.commit()

    assert browser.get(f"/children/{child.id}").status_code == 200
    assert browser.get(f"/children/{child.id}/details").status_code == 403
    response = browser.submit(
        f"/children/{child.id}/details",
        {**child_form(first_name="Changed"), "version": "1"},
        page=f"/children/{child.id}",
    )
    assert response.status_code == 403
    assert saved(Child, child.id).first_name != "Changed"


# ---------------------------------------------------------------- the child's page


def test_the_childs_page_summarises_the_child_and_is_audited(login_as):
    dsl = login_as("dsl")
    practice = factories.agency(service_type="gp_practice", ods_code="B82006", name="Moor Surgery")
    child = factories.child(
        school=dsl.user.school,
        first_name="Maya",
        nhs_number=NHS_NUMBER,
        upn=UPN,
        gp_practice=practice,
        preferred_language="Polish",
        early_help_reference="EH-123",
        known_to="School nurse",
    )
    db.session.commit()

    response = dsl.get(f"/children/{child.id}")

    text = page_text(response)
    assert response.status_code == 200
    for shown in (
        "Date of birth 1 May 2016",
        "NHS number 485 777 3457",
        f"UPN {UPN}",
        "GP practice Moor Surgery",
        "Preferred language Polish",
        "Early help case reference EH-123",
        "Social care case reference Not recorded",  # never "None"
        "School safeguarding system reference Not recorded",
        "Known to School nurse",
        f"School {dsl.user.school.name}",
    ):
        assert shown in text
    assert "Change school" in text and "School staff who can see this child" in text
    viewed = audit_events("child_viewed")[-1]
    assert (viewed.target_id, viewed.actor_id, viewed.detail) == (
        child.id,
        dsl.user.id,
        {"access": "edit"},
    )


def test_a_gp_sees_only_name_date_of_birth_and_nhs_number(login_as):
    gp = login_as("gp")
    child = factories.child(
        gp_practice=gp.user.agency,
        first_name="Maya",
        last_name="Khan",
        nhs_number=NHS_NUMBER,
        upn=UPN,
        early_help_reference="EH-123",
        known_to="School nurse",
        lives_with="Mother",
    )
    db.session.flush()
    factories.agreement(child, asked_by=factories.user(role="dsl"))
    db.session.flush()
    factories.family_member(child, name="Parent Name", contact="07700 900123")
    db.session.commit()

    response = gp.get(f"/children/{child.id}")

    text = page_text(response)
    assert response.status_code == 200
    assert "Maya" in text and "1 May 2016" in text and "485 777 3457" in text
    for hidden in (UPN, "EH-123", "School nurse", "Parent Name", "07700", "Mother", "Lives with"):
        assert hidden not in text
    assert child.school.name not in text
    assert gp.get(f"/children/{child.id}/family").status_code == 403
    assert audit_events("child_viewed")[-1].detail == {"access": "gp_summary"}
    # The way back to where a GP comes from: the practice's notifications.
    assert 'href="/gp/notifications"' in response.get_data(as_text=True)
    assert "Back to GP notifications" in text


def test_another_schools_dsl_gets_404_and_no_data(login_as):
    dsl = login_as("dsl")
    child = factories.child(first_name="Secret", nhs_number=NHS_NUMBER)
    db.session.commit()

    for url in (f"/children/{child.id}", f"/children/{child.id}/details"):
        response = dsl.get(url)
        assert response.status_code == 404
        assert "Secret" not in page_text(response)
    assert dsl.get(f"/children/{child.id + 100}").status_code == 404


def add_family(child, how_many: int) -> None:
    """Parents with safe-contact warnings and linked siblings, `how_many` of each."""
    for _ in range(how_many):
        factories.family_member(child, safe_contact_warning="Check with the DSL first")
        sibling = factories.child(school=child.school)
        db.session.flush()
        db.session.add(SiblingLink(child_id=child.id, sibling_id=sibling.id))
    db.session.commit()


@pytest.mark.parametrize("role", ["dsl", "gp", "coordinator"])
def test_the_childs_page_costs_the_same_with_3_or_30_family_members(login_as, count_queries, role):
    browser = login_as(role)
    child = factories.child(
        school=browser.user.school or factories.school(),
        gp_practice=browser.user.agency if role == "gp" else None,
    )
    db.session.flush()
    if role == "gp":
        factories.agreement(child, asked_by=factories.user(role="dsl"))
    if role == "coordinator":
        db.session.add(
            CoordinatorAccess(
                child_id=child.id,
                user_id=browser.user.id,
                reason="Checking the agenda",
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    counted = []
    for how_many in (3, 27):
        add_family(child, how_many)
        with count_queries() as queries:
            assert browser.get(f"/children/{child.id}").status_code == 200
        counted.append(len(queries))

    assert counted[0] == counted[1]
