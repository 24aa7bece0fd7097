"""Adding a child: who may, what is asked, and what bad input gets back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tas.children import rules
from tas.children.models import Child
from tas.core.clock import today
from tas.core.submissions import ALREADY_SAVED
from tas.extensions import db
from tests import factories
from tests.children.child_helpers import NHS_NUMBER, UPN, child_form, newest_child
from tests.pages import audit_events, error_summary, field_value, page_text, sent_twice

# ---------------------------------------------------------------- adding


def test_a_dsl_adds_a_child_to_their_own_school(login_as):
    dsl = login_as("dsl")
    practice = factories.agency(service_type="gp_practice", ods_code="B82005", name="Moor Surgery")
    db.session.commit()

    form = dsl.get("/children/new")
    assert dsl.user.school.name in page_text(form)
    response = dsl.submit(
        "/children/new",
        child_form(
            upn="g360 2020 15019",
            nhs_number="485 777 3457",
            gp_practice=str(practice.id),
            preferred_language="Polish",
            early_help_reference="EH-123",
            social_care_reference="SC-9",
            school_system_reference="CPOMS 55",
            known_to="School nurse",
            school_id="999",  # not a question on the form: ignored
        ),
    )

    child = newest_child()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/children/{child.id}"
    assert (child.first_name, child.school_id) == ("Maya", dsl.user.school_id)
    assert (child.upn, child.nhs_number) == (UPN, NHS_NUMBER)
    assert child.gp_practice_id == practice.id
    assert child.originating_school_id == dsl.user.school_id
    added = audit_events("child_added")[-1]
    assert (added.target_id, added.actor_id) == (child.id, dsl.user.id)
    assert "Maya" not in str(added.detail)


def test_a_link_worker_chooses_among_their_linked_schools_only(login_as):
    first, second = factories.school(name="Ash Primary"), factories.school(name="Birch Primary")
    other = factories.school(name="Cedar Primary")
    worker = login_as("link_worker", linked_schools=[first, second])
    db.session.commit()

    form = page_text(worker.get("/children/new"))
    refused = worker.submit("/children/new", child_form(school=str(other.id)))
    added = worker.submit("/children/new", child_form(school=str(second.id)))

    assert "Ash Primary" in form and "Birch Primary" in form and "Cedar Primary" not in form
    assert error_summary(refused) == {"school": "Select the child's school"}
    assert added.status_code == 302
    assert newest_child().school_id == second.id


@pytest.mark.parametrize("role", ["school_staff", "practitioner", "gp", "coordinator", "admin"])
def test_only_dsls_and_link_workers_add_children(login_as, role):
    browser = login_as(role)
    assert browser.get("/children/new").status_code == 403
    assert "Add a child" not in page_text(browser.get("/children"))


NHS_FORMAT = "NHS number must be 10 digits, like 943 476 5919"
NHS_CHECK = "This is not a valid NHS number: check it and enter it again"
UPN_CHECK = "This is not a valid UPN: check it and enter it again"
UPN_FORMAT = "UPN must be a letter, 11 digits, then a digit or a letter, like B801200005001"
UNUSABLE = "Last name contains characters that cannot be used: retype it rather than pasting it"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"first_name": " "}, "first_name", "Enter the child's first name"),
        ({"date_of_birth": None}, "date_of_birth", "Enter the child's date of birth"),
        ({"nhs_number": "943 476 591"}, "nhs_number", NHS_FORMAT),
        ({"nhs_number": "9434765918"}, "nhs_number", NHS_CHECK),
        ({"nhs_number": "1000000010"}, "nhs_number", NHS_CHECK),  # check digit would be 10
        ({"upn": "A801200005001"}, "upn", UPN_CHECK),
        ({"upn": "B8012"}, "upn", "UPN must be 13 characters, like B801200005001"),
        ({"upn": "B80120000A001"}, "upn", UPN_FORMAT),
        ({"year_group": "14"}, "year_group", "Select a year group from the list"),
        ({"gp_practice": "12345"}, "gp_practice", "Select a GP practice from the list"),
        ({"known_to": "x" * 501}, "known_to", "Known to must be 500 characters or fewer"),
        ({"last_name": "Pa\x00tel"}, "last_name", UNUSABLE),
        (
            {"known_to": "CAMHS\x00"},
            "known_to",
            "Known to contains characters that cannot be used: retype it rather than pasting it",
        ),
    ],
)
def test_bad_input_says_what_to_fix_and_keeps_what_was_typed(login_as, fields, field, message):
    dsl = login_as("dsl")
    data = child_form(preferred_language="Urdu", **fields)

    response = dsl.submit("/children/new", data)

    assert response.status_code == 200
    assert error_summary(response)[field] == message
    assert field_value(response, "preferred_language") == "Urdu"
    if field == "nhs_number":
        assert field_value(response, "nhs_number") == fields["nhs_number"].replace(" ", "")
    assert newest_child() is None


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["31", "2", "2016"], "Date of birth must be a real date"),
        (["1", "", ""], "Date of birth must include a month and year"),
        (["x", "5", "2016"], "Date of birth must be a real date"),
        (["1", "5", "16"], "Date of birth must include a year with 4 numbers"),
        (["2200000000", "5", "2016"], "Date of birth must be a real date"),
        (["1", "5", "2099"], "Date of birth must be today or in the past"),
        (["1", "5", "1990"], "Date of birth must be for a child or young person aged 25 or under"),
    ],
)
def test_a_date_of_birth_must_be_real_and_a_childs(login_as, parts, message):
    dsl = login_as("dsl")
    response = dsl.submit("/children/new", {**child_form(), "date_of_birth": parts})
    assert error_summary(response) == {"date_of_birth": message}
    body = response.get_data(as_text=True)
    assert f'value="{parts[0]}"' in body  # the day as typed stays in its box


@pytest.mark.parametrize(("field", "value"), [("nhs_number", NHS_NUMBER), ("upn", UPN)])
def test_a_number_another_child_already_has_is_a_field_error(login_as, field, value):
    dsl = login_as("dsl")
    factories.child(**{field: value})  # at another school: the message does not say whose
    db.session.commit()

    response = dsl.submit("/children/new", child_form(**{field: value}))

    assert response.status_code == 200
    assert "is already recorded on another record" in error_summary(response)[field]
    assert db.session.scalar(db.select(db.func.count(Child.id))) == 1


def test_a_number_already_recorded_shows_with_the_other_problems(login_as):
    dsl = login_as("dsl")
    factories.child(nhs_number=NHS_NUMBER)  # at another school: the message does not say whose
    db.session.commit()

    response = dsl.submit("/children/new", child_form(nhs_number=NHS_NUMBER, last_name=""))

    assert error_summary(response) == {
        "last_name": "Enter the child's last name",
        "nhs_number": "This NHS number is already recorded on another record: check it and "
        "enter it again, or ask the coordinator to check",
    }
    assert "Ask the coordinator to check" in page_text(response)
    assert [e.detail for e in audit_events("child_number_already_recorded")] == [
        {"field": "nhs_number"}
    ]
    assert db.session.scalar(db.select(db.func.count(Child.id))) == 1


# ---------------------------------------------------------------- the year group


def test_the_year_group_is_worked_out_unless_the_school_sets_it(login_as):
    dsl = login_as("dsl")
    db.session.commit()
    born = date(2016, 5, 1)

    dsl.submit("/children/new", child_form(date_of_birth=born))
    worked_out = newest_child()
    dsl.submit("/children/new", child_form(date_of_birth=born, first_name="Kept", year_group="5"))
    set_by_hand = newest_child()

    expected = rules.year_group_label(rules.year_group(born, today()))
    assert worked_out.year_group_override is None
    assert f"Year group {expected}" in page_text(dsl.get(f"/children/{worked_out.id}"))
    assert set_by_hand.year_group_override == 5
    assert "Year group Year 5 (set by the school)" in page_text(
        dsl.get(f"/children/{set_by_hand.id}")
    )


def test_a_child_sent_twice_is_added_once_and_says_so(login_as):
    """Without a UPN or NHS number to catch it, a double click would add the child twice."""
    dsl = login_as("dsl")
    before = db.session.scalar(select(func.count()).select_from(Child))

    first, again = sent_twice(dsl, "/children/new", child_form(school=str(dsl.user.school_id)))

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == "/children"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Child)) == before + 1
    assert ALREADY_SAVED in page_text(dsl.get("/children"))


def test_a_child_of_the_same_name_and_birthday_at_the_school_is_offered_before_adding(login_as):
    """Two records of one child split what is known: the school's child called Maya Patel,
    born the same day, is offered to open first; another child of that name is added once the
    box says so. One at another school, not theirs to see, is never mentioned."""
    dsl = login_as("dsl")
    same = factories.child(
        school=dsl.user.school, first_name="MAYA", last_name="patel", date_of_birth=date(2016, 5, 1)
    )
    factories.child(first_name="Maya", last_name="Patel", date_of_birth=date(2016, 5, 2))
    elsewhere = factories.child(
        first_name="Maya", last_name="Patel", date_of_birth=date(2016, 5, 1)
    )
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Child))

    warned = dsl.submit("/children/new", child_form(upn="bad"))
    again = dsl.submit("/children/new", child_form())
    added = dsl.submit("/children/new", child_form(different_child="y"))

    assert warned.status_code == 200
    assert error_summary(warned) == {
        "upn": "UPN must be 13 characters, like B801200005001",
        "different_child": "A child with this name and date of birth is already recorded at "
        "this school: open their record below, or tick the box to say this is a different "
        "child",
    }
    html = warned.get_data(as_text=True)
    assert f'href="/children/{same.id}"' in html
    assert f'href="/children/{elsewhere.id}"' not in html
    assert again.status_code == 200 and "different_child" in error_summary(again)
    assert added.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Child)) == before + 1
