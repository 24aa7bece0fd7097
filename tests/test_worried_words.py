"""The home page's warning names the right person for each role: a DSL is not told to "speak to
your designated safeguarding lead"; school staff get their school's DSLs by name, agency staff
their agency's safeguarding lead."""

from __future__ import annotations

import pytest

from tas.extensions import db
from tests import factories
from tests.pages import page_text


def warning(browser) -> str:
    text = page_text(browser.get("/"))
    start = text.index("This service records and coordinates support.")
    return text[start : text.index("phone 999.", start) + len("phone 999.")]


def test_a_dsl_is_told_to_phone_the_ifd_not_to_speak_to_their_dsl(login_as):
    words = warning(login_as("dsl"))

    assert "speak to your designated safeguarding lead" not in words
    assert "as a designated safeguarding lead, phone the Integrated Front Door (IFD) now" in words


def test_school_staff_are_given_their_schools_dsls_by_name(login_as):
    school = factories.school()
    factories.user("dsl", school=school, name="Dana Dsl")
    factories.user("dsl", school=school, name="Dev Deputy")
    factories.user("dsl", name="Other School Dsl")
    db.session.commit()

    words = warning(login_as("school_staff", school=school))

    assert "speak to your school's designated safeguarding lead (Dana Dsl, Dev Deputy)" in words
    assert "Other School" not in words


@pytest.mark.parametrize("role", ["practitioner", "link_worker"])
def test_agency_staff_are_given_their_agencys_safeguarding_lead(login_as, role):
    agency = factories.agency(name="CAMHS")
    factories.user("practitioner", agency=agency, name="Sal Lead", is_safeguarding_lead=True)
    db.session.commit()

    words = warning(login_as(role, agency=agency))

    assert "speak to CAMHS's safeguarding lead (Sal Lead)" in words


def test_an_agencys_safeguarding_lead_is_told_to_phone_the_ifd(login_as):
    words = warning(login_as("practitioner", is_safeguarding_lead=True))

    assert "'s safeguarding lead, phone the Integrated Front Door (IFD) now" in words
