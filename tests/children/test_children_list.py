"""The children list and search: within access only, posted so that names stay out of URLs,
paginated, and costing the same number of queries however many children there are."""

from __future__ import annotations

from datetime import date

import pytest

from tas.extensions import db
from tests import factories
from tests.pages import audit_events, error_summary, field_value, page_text

SEARCH = "/children"


def search(browser, **criteria):
    """Post the search form as a browser does (the date as three boxes)."""
    data = {"name": "", "nhs_number": "", "upn": "", **criteria}
    born = data.pop("date_of_birth", None)
    if born:
        data["date_of_birth"] = [str(born.day), str(born.month), str(born.year)]
    return browser.submit(SEARCH, data)


def names_in(response) -> str:
    return page_text(response)


def test_a_dsl_lists_their_schools_children_in_name_order_and_no_others(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    factories.child(school=school, first_name="Zoe", last_name="Adams")
    factories.child(school=school, first_name="amy", last_name="Baker")
    factories.child(school=school, first_name="Ben", last_name="adams")
    factories.child(first_name="Other", last_name="Elsewhere")  # another school
    db.session.commit()

    response = dsl.get(SEARCH)

    text = page_text(response)
    assert response.status_code == 200
    assert "Your children: 3 children" in text
    assert text.index("Ben adams") < text.index("Zoe Adams") < text.index("amy Baker")
    assert "Elsewhere" not in text


def test_school_staff_list_only_the_children_a_dsl_granted_them(login_as):
    staff = login_as("school_staff")
    granted = factories.child(school=staff.user.school, first_name="Granted")
    factories.child(school=staff.user.school, first_name="Notgranted")
    db.session.flush()
    from tas.children.models import StaffGrant

    dsl = factories.user(role="dsl", school=staff.user.school)
    db.session.flush()
    db.session.add(StaffGrant(child_id=granted.id, user_id=staff.user.id, granted_by_id=dsl.id))
    db.session.commit()

    text = page_text(staff.get(SEARCH))

    assert "Granted" in text
    assert "Notgranted" not in text
    assert "Your children: 1 child" in text


def test_a_gp_lists_their_practices_children_with_only_name_date_of_birth_and_nhs_number(
    login_as,
):
    gp = login_as("gp")
    registered = factories.child(
        gp_practice=gp.user.agency, first_name="Registered", nhs_number="9434765919"
    )
    factories.child(first_name="Unregistered")
    db.session.flush()
    factories.agreement(registered, asked_by=factories.user(role="dsl"))
    db.session.commit()

    response = gp.get(SEARCH)

    text = page_text(response)
    assert "Registered" in text and "943 476 5919" in text
    assert "Unregistered" not in text
    assert "School" not in text  # no column for it
    assert "Children registered with your practice: 1 child" in text
    assert "Your children" not in text


def test_an_admin_may_not_use_the_children_pages(login_as):
    admin = login_as("admin")
    assert admin.get(SEARCH).status_code == 403
    assert admin.get("/children/new").status_code == 403


def test_the_list_is_paginated(login_as, app):
    dsl = login_as("dsl")
    size = app.config["PAGE_SIZE"]
    for n in range(size + 2):
        factories.child(school=dsl.user.school, first_name=f"Pupil{n:02d}", last_name="Same")
    db.session.commit()

    first = page_text(dsl.get(SEARCH))
    second = page_text(dsl.get(SEARCH + "?page=2"))

    assert f"Your children: {size + 2} children" in first
    assert "Pupil00" in first and f"Pupil{size:02d}" not in first
    assert f"Pupil{size:02d}" in second and f"Pupil{size + 1:02d}" in second
    assert "Pupil00" not in second
    assert dsl.get(SEARCH + "?page=nonsense").status_code == 200
    assert "Pupil00" in page_text(dsl.get(SEARCH + "?page=-4"))


@pytest.mark.parametrize(
    ("criteria", "found"),
    [
        ({"name": "ali"}, {"Alice Smith", "Khalid Jones"}),
        ({"name": "SMITH"}, {"Alice Smith", "Sam Smithson"}),
        ({"name": "alice smith"}, {"Alice Smith"}),
        ({"name": "smith sam"}, {"Sam Smithson"}),
        ({"date_of_birth": date(2015, 3, 2)}, {"Sam Smithson"}),
        ({"nhs_number": "943 476 5919"}, {"Khalid Jones"}),
        ({"upn": "b801200005001"}, {"Alice Smith"}),
        ({"name": "smith", "date_of_birth": date(2016, 1, 1)}, {"Alice Smith"}),
        ({"name": "%"}, set()),  # no wildcards
        ({"name": "nobody"}, set()),
    ],
)
def test_search_by_name_date_of_birth_nhs_number_or_upn(login_as, criteria, found):
    dsl = login_as("dsl")
    school = dsl.user.school
    factories.child(
        school=school,
        first_name="Alice",
        last_name="Smith",
        date_of_birth=date(2016, 1, 1),
        upn="B801200005001",
    )
    factories.child(
        school=school, first_name="Sam", last_name="Smithson", date_of_birth=date(2015, 3, 2)
    )
    factories.child(school=school, first_name="Khalid", last_name="Jones", nhs_number="9434765919")
    factories.child(first_name="Alice", last_name="Smith")  # the same name at another school
    db.session.commit()

    response = search(dsl, **criteria)

    assert response.status_code == 200
    text = page_text(response)
    everyone = {"Alice Smith", "Sam Smithson", "Khalid Jones"}
    for name in everyone:
        assert (name in text) is (name in found), name
    if found:
        assert f"Search results: {len(found)} child" in text
        assert text.count("Alice Smith") == ("Alice Smith" in found)
    else:
        assert "No children found" in text


def test_the_search_posts_so_the_name_is_never_in_a_url(login_as):
    dsl = login_as("dsl")
    factories.child(school=dsl.user.school, first_name="Hidden", last_name="Name")
    db.session.commit()

    page = dsl.get(SEARCH).get_data(as_text=True)
    response = search(dsl, name="Hidden")

    assert '<form method="post" action="/children" id="child-search"' in page
    assert response.request.path == "/children" and not response.request.query_string
    assert "Hidden Name" in page_text(response)
    searched = audit_events("children_searched")[-1]
    assert searched.detail == {"by": ["name"], "found": 1}
    assert "Hidden" not in str(searched.detail)


def test_search_results_are_paginated_with_buttons_of_the_posted_form(login_as, app):
    dsl = login_as("dsl")
    size = app.config["PAGE_SIZE"]
    for n in range(size + 1):
        factories.child(school=dsl.user.school, first_name=f"Pupil{n:02d}", last_name="Found")
    db.session.commit()

    first = search(dsl, name="found")
    second = dsl.submit(SEARCH, {"name": "found", "page": "2"})

    body = first.get_data(as_text=True)
    assert 'form="child-search" name="page" value="2"' in body
    assert "Page 1 of 2" in page_text(first)
    assert "Pupil00" not in page_text(second) and f"Pupil{size:02d}" in page_text(second)


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({}, "Enter a name, date of birth, NHS number or UPN"),
        ({"nhs_number": "12345"}, "NHS number must be 10 digits, like 943 476 5919"),
        ({"upn": "B80"}, "UPN must be 13 characters, like B801200005001"),
        ({"date_of_birth": ["31", "2", "2016"]}, "Date of birth must be a real date"),
        ({"date_of_birth": ["1", "", "2016"]}, "Date of birth must include a month"),
        ({"name": "Ann\x00"}, "Name contains characters that cannot be used"),
    ],
)
def test_a_search_that_cannot_run_says_what_to_fix_and_keeps_what_was_typed(
    login_as, criteria, message
):
    dsl = login_as("dsl")
    response = dsl.submit(SEARCH, {"name": "", **criteria})

    assert response.status_code == 200
    assert message in error_summary(response).values() or message in page_text(response)
    if criteria.get("nhs_number"):
        assert field_value(response, "nhs_number") == criteria["nhs_number"]


def test_a_dsl_does_not_find_another_schools_child(login_as):
    dsl = login_as("dsl")
    factories.child(first_name="Elsewhere", nhs_number="9434765919")
    db.session.commit()

    assert "No children found" in page_text(search(dsl, nhs_number="9434765919"))
    assert "No children found" in page_text(search(dsl, name="elsewhere"))


# ---------------------------------------------------------------- query counts


def queries_for_list_and_search(browser, count_queries) -> tuple[int, int]:
    with count_queries() as listed:
        assert browser.get(SEARCH).status_code == 200
    token = browser.token(SEARCH)
    with count_queries() as searched:
        posted = browser.client.post(SEARCH, data={"csrf_token": token, "name": "counted"})
        assert posted.status_code == 200
    return len(listed), len(searched)


@pytest.mark.parametrize("role", ["dsl", "gp", "coordinator"])
def test_the_list_and_search_cost_the_same_with_3_or_30_children(login_as, count_queries, role):
    browser = login_as(role)
    where = {
        "dsl": {"school": browser.user.school},
        "gp": {"gp_practice": browser.user.agency},
        "coordinator": {},
    }[role]

    def add(how_many: int) -> None:
        for _ in range(how_many):
            factories.child(last_name="Counted", **where)
        db.session.commit()

    add(3)
    few = queries_for_list_and_search(browser, count_queries)
    add(27)
    many = queries_for_list_and_search(browser, count_queries)

    assert few == many
