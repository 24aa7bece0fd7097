"""Pure rules about schools, agencies and where each role belongs (no app, no database)."""

import pytest

from tas.organisations import rules


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("100123", True),
        (" 100 123 ", True),
        ("012345", False),
        ("10012", False),
        ("1001234", False),
    ],
)
def test_a_urn_is_six_digits_not_starting_with_zero(typed, valid):
    assert rules.valid_urn(rules.normalise_urn(typed)) is valid


@pytest.mark.parametrize(
    ("typed", "valid"),
    [("B82005", True), (" b82 005", True), ("82005", False), ("BB8200", False), ("B820055", False)],
)
def test_an_ods_practice_code_is_a_letter_and_five_digits(typed, valid):
    assert rules.valid_ods_practice_code(rules.normalise_ods_code(typed)) is valid


def test_every_role_says_where_it_belongs():
    assert {choice.code for choice in rules.ROLES} == set(rules.ROLE_MEMBERSHIPS)


@pytest.mark.parametrize(
    ("role", "belongs"),
    [
        ("admin", set()),
        ("coordinator", {"agency", "district_wide", "clusters"}),
        ("dsl", {"school"}),
        ("school_staff", {"school"}),
        ("link_worker", {"agency", "linked_schools"}),
        ("practitioner", {"agency", "is_safeguarding_lead", "clusters"}),
        ("gp", {"agency"}),
        ("someone", set()),
    ],
)
def test_what_each_role_belongs_to(role, belongs):
    assert rules.memberships_for(role) == belongs


@pytest.mark.parametrize("role", [choice.code for choice in rules.ROLES])
def test_a_role_with_everything_it_uses_has_no_problems(role):
    uses = rules.memberships_for(role)
    problems = rules.membership_problems(
        role,
        has_school="school" in uses,
        has_agency=role in rules.AGENCY_ROLES,
        agency_is_gp=role == "gp",
        linked_schools=1 if "linked_schools" in uses else 0,
        district_wide="district_wide" in uses,
        clusters=0,
    )
    assert problems == {}


def test_a_school_role_never_keeps_an_agency_and_an_agency_role_never_keeps_a_school():
    for role in rules.SCHOOL_ROLES:
        assert "agency" not in rules.memberships_for(role)
    for role in rules.AGENCY_ROLES:
        assert "school" not in rules.memberships_for(role)
