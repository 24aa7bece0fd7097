"""The family: parents and carers, the safe-contact warning, who the child lives with, and
siblings that only those who may see them ever see."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tas.children.models import Child, FamilyMember, SiblingLink
from tas.core.submissions import ALREADY_SAVED
from tas.extensions import db
from tests import factories
from tests.pages import (
    audit_events,
    error_summary,
    field_value,
    page_text,
    saved,
    sent_twice,
    version_on,
)

WARNING = "Do not contact without checking: Father must not know the address"


def member_form(**fields) -> dict:
    return {
        "name": "Sara Ahmed",
        "relationship_to_child": "Mother",
        "parental_responsibility": "yes",
        "lives_with_child": "yes",
        "contact": "07700 900123",
        "safe_contact_warning": "",
        **fields,
    }


def own_child(browser, **fields) -> Child:
    child = factories.child(school=browser.user.school, **fields)
    db.session.commit()
    return child


def test_a_dsl_adds_a_parent_and_sees_them_on_the_family_and_child_pages(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)

    response = dsl.submit(f"/children/{child.id}/family/new", member_form())

    assert response.headers["Location"] == f"/children/{child.id}/family"
    member = db.session.scalars(select(FamilyMember)).one()
    assert (member.name, member.parental_responsibility, member.lives_with_child) == (
        "Sara Ahmed",
        True,
        True,
    )
    assert member.originating_school_id == dsl.user.school_id
    for url in (f"/children/{child.id}/family", f"/children/{child.id}"):
        text = page_text(dsl.get(url))
        assert "Sara Ahmed (Mother)" in text
        assert "Parental responsibility Yes" in text
        assert "Contact details 07700 900123" in text
    added = audit_events("family_member_added")[-1]
    assert added.detail == {"child_id": child.id} and added.actor_id == dsl.user.id
    assert audit_events("child_family_viewed")[-1].target_id == child.id


def test_a_safe_contact_warning_comes_before_and_hides_the_contact_details(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)
    dsl.submit(
        f"/children/{child.id}/family/new",
        member_form(
            name="Tom Ahmed",
            relationship_to_child="Father",
            contact="12 Hidden Road",
            safe_contact_warning="Father must not know the address",
        ),
    )

    for url in (f"/children/{child.id}/family", f"/children/{child.id}"):
        body = dsl.get(url).get_data(as_text=True)
        warning = body.index("govuk-warning-text")
        details = body.index('<details class="govuk-details')
        address = body.index("12 Hidden Road")
        assert warning < details < address
        assert WARNING in " ".join(re.sub(r"<[^>]+>", " ", body).split())
        assert "Show contact details for Tom Ahmed" in body


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the person's name"),
        ({"relationship_to_child": ""}, "relationship_to_child", "Enter how they are related"),
        (
            {"parental_responsibility": "maybe"},
            "parental_responsibility",
            "Select yes if they hold parental responsibility for the child",
        ),
        ({"lives_with_child": None}, "lives_with_child", "Select yes if the child lives with them"),
        (
            {"safe_contact_warning": "x" * 501},
            "safe_contact_warning",
            "Safe-contact warning must be 500 characters or fewer",
        ),
    ],
)
def test_bad_family_input_says_what_to_fix_and_keeps_what_was_typed(
    login_as, fields, field, message
):
    dsl = login_as("dsl")
    child = own_child(dsl)
    data = {k: v for k, v in member_form(**fields).items() if v is not None}

    response = dsl.submit(f"/children/{child.id}/family/new", data)

    assert response.status_code == 200
    assert error_summary(response)[field] == message
    assert "07700 900123" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(FamilyMember.id))) == 0


def test_changing_a_parent_refuses_a_stale_edit_and_keeps_both_versions(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)
    member = factories.family_member(child, name="Sara Ahmed", contact="07700 900123")
    db.session.commit()
    url = f"/children/{child.id}/family/{member.id}"
    page = dsl.get(url)
    assert field_value(page, "name") == "Sara Ahmed"
    mine = {**member_form(contact="07700 900999"), "version": version_on(page)}

    member.contact = "07700 900555"  # someone else saves first
    db.session.commit()
    response = dsl.submit(url, mine)

    assert response.status_code == 409
    assert "Contact details (optional) 07700 900999 07700 900555 Different" in page_text(response)
    assert saved(FamilyMember, member.id).contact == "07700 900555"

    again = dsl.submit(url, {**mine, "version": version_on(response)})
    assert again.status_code == 302
    assert saved(FamilyMember, member.id).contact == "07700 900999"
    changed = audit_events("family_member_changed")[-1]
    assert changed.detail == {"changed": ["contact"], "child_id": child.id}


def test_a_parent_of_another_child_cannot_be_reached_through_this_child(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)
    other = own_child(dsl)
    member = factories.family_member(other)
    db.session.commit()

    assert dsl.get(f"/children/{child.id}/family/{member.id}").status_code == 404
    assert dsl.get(f"/children/{child.id}/family/{member.id + 99}").status_code == 404


def test_who_the_child_lives_with(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)
    url = f"/children/{child.id}/family/lives-with"
    page = dsl.get(url)

    response = dsl.submit(url, {"lives_with": "Mother and stepfather", "version": version_on(page)})

    assert response.status_code == 302
    assert saved(Child, child.id).lives_with == "Mother and stepfather"
    assert "Lives with Mother and stepfather" in page_text(dsl.get(f"/children/{child.id}/family"))
    assert audit_events("child_lives_with_changed")[-1].detail == {"changed": ["lives_with"]}


def test_a_practitioner_reads_the_family_but_cannot_change_it(login_as):
    practitioner = login_as("practitioner")
    child = factories.child()
    db.session.flush()
    factories.agreement(child, asked_by=factories.user(role="dsl"))
    plan = factories.plan(child)
    factories.involvement(plan, agency=practitioner.user.agency, practitioner=practitioner.user)
    member = factories.family_member(child, name="Sara Ahmed")
    db.session.commit()

    family = practitioner.get(f"/children/{child.id}/family")

    assert family.status_code == 200 and "Sara Ahmed" in page_text(family)
    assert "Add a parent or carer" not in page_text(family)
    assert f"/family/{member.id}" not in family.get_data(as_text=True)
    assert practitioner.get(f"/children/{child.id}/family/new").status_code == 403
    assert practitioner.get(f"/children/{child.id}/family/{member.id}").status_code == 403
    response = practitioner.submit(
        f"/children/{child.id}/family/new", member_form(), page=f"/children/{child.id}/family"
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- siblings


def test_a_sibling_is_found_by_a_posted_search_and_linked_once(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl, first_name="Older")
    sibling = own_child(dsl, first_name="Younger", last_name="Sibling")
    url = f"/children/{child.id}/family/siblings"

    found = dsl.submit(url, {"name": "sibling"})
    assert "Younger Sibling" in page_text(found)
    link = f"/children/{child.id}/family/siblings/{sibling.id}/link"
    assert f'action="{link}"' in found.get_data(as_text=True)

    dsl.submit(link, {}, page=url)
    dsl.submit(f"/children/{sibling.id}/family/siblings/{child.id}/link", {}, page=url)

    links = db.session.scalars(select(SiblingLink)).all()
    assert [(row.child_id, row.sibling_id) for row in links] == [(child.id, sibling.id)]
    assert "Younger Sibling" in page_text(dsl.get(f"/children/{child.id}/family"))
    assert "Older" in page_text(dsl.get(f"/children/{sibling.id}/family"))
    assert "Younger Sibling" in page_text(dsl.get(f"/children/{child.id}"))
    assert audit_events("sibling_linked")[-1].detail == {"sibling_id": sibling.id}
    again = page_text(dsl.submit(url, {"name": "sibling"}))
    assert "No children found" in again  # already linked: not offered again


def test_a_sibling_at_another_school_appears_only_to_those_who_may_see_them(login_as):
    ash, birch = factories.school(), factories.school()
    worker = login_as("link_worker", linked_schools=[ash, birch])
    ash_dsl = login_as("dsl", school=ash)
    child = factories.child(school=ash, first_name="Amira")
    sibling = factories.child(school=birch, first_name="Bilal", last_name="Hidden")
    db.session.commit()

    worker.submit(
        f"/children/{child.id}/family/siblings/{sibling.id}/link",
        {},
        page=f"/children/{child.id}/family",
    )

    assert "Bilal Hidden" in page_text(worker.get(f"/children/{child.id}/family"))
    for url in (f"/children/{child.id}/family", f"/children/{child.id}"):
        text = page_text(ash_dsl.get(url))
        assert "Bilal" not in text and "Hidden" not in text and birch.name not in text
    # Said to everyone with no sibling to see, so it tells nothing of one hidden.
    assert "No siblings linked that you can see" in page_text(
        ash_dsl.get(f"/children/{child.id}/family")
    )


def test_a_child_you_cannot_see_cannot_be_linked_or_found(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)
    elsewhere = factories.child(first_name="Elsewhere")
    db.session.commit()

    found = dsl.submit(f"/children/{child.id}/family/siblings", {"name": "elsewhere"})
    linked = dsl.submit(
        f"/children/{child.id}/family/siblings/{elsewhere.id}/link",
        {},
        page=f"/children/{child.id}/family",
    )

    assert "No children found" in page_text(found)
    assert linked.status_code == 404
    assert db.session.scalars(select(SiblingLink)).all() == []


def test_a_child_is_not_their_own_sibling_and_links_can_be_removed(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)
    sibling = own_child(dsl)
    family = f"/children/{child.id}/family"

    dsl.submit(f"/children/{child.id}/family/siblings/{child.id}/link", {}, page=family)
    assert db.session.scalars(select(SiblingLink)).all() == []

    dsl.submit(f"/children/{sibling.id}/family/siblings/{child.id}/link", {}, page=family)
    assert len(db.session.scalars(select(SiblingLink)).all()) == 1
    dsl.submit(f"/children/{child.id}/family/siblings/{sibling.id}/unlink", {}, page=family)
    db.session.expire_all()
    assert db.session.scalars(select(SiblingLink)).all() == []
    assert audit_events("sibling_unlinked")[-1].detail == {"sibling_id": sibling.id}


def test_the_family_page_costs_the_same_with_3_or_30_members_and_siblings(login_as, count_queries):
    dsl = login_as("dsl")
    child = own_child(dsl)
    counted = []
    for how_many in (3, 27):
        for _ in range(how_many):
            factories.family_member(child, safe_contact_warning="Check first", contact="Phone")
            sibling = factories.child(school=child.school)
            db.session.flush()
            db.session.add(SiblingLink(child_id=child.id, sibling_id=sibling.id))
        db.session.commit()
        with count_queries() as queries:
            assert dsl.get(f"/children/{child.id}/family").status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]


def test_a_family_member_can_be_marked_not_to_be_disclosed_to_the_parent(login_as):
    """docs/glossary.md: records may carry markers that family letters and exports obey."""
    dsl = login_as("dsl")
    child = own_child(dsl)

    response = dsl.submit(
        f"/children/{child.id}/family/new",
        {**member_form(), "markers": ["not_for_parent", "third_party"]},
    )

    assert response.status_code == 302
    member = db.session.scalars(select(FamilyMember)).one()
    assert (member.not_for_parent, member.third_party, member.restricted) == (True, True, False)
    text = page_text(dsl.get(f"/children/{child.id}/family"))
    assert "Sharing markers Not to be disclosed to the parent or carer; Third-party" in text


def test_a_parent_sent_twice_is_added_once_and_says_so(login_as):
    dsl = login_as("dsl")
    child = own_child(dsl)
    first, again = sent_twice(dsl, f"/children/{child.id}/family/new", member_form())

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == f"/children/{child.id}/family"
    assert len(db.session.scalars(select(FamilyMember)).all()) == 1
    assert ALREADY_SAVED in page_text(dsl.get(again.headers["Location"]))
