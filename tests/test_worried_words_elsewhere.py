"""Beyond the home page, the words on whom to go to are right for each reader: the sign-in page
(nobody known) is true for every role, the "no access" page and a plan's "You cannot change
this" page name the people to ask, and a DSL is never told to "speak to your designated
safeguarding lead"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import abort
from sqlalchemy import select

from tas.children.models import SchoolMove
from tas.core.clock import utcnow
from tas.extensions import db
from tas.organisations.models import User
from tests import factories
from tests.pages import page_text
from tests.plans.helpers import child_at, named_practitioner, open_plan

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

YOUR_DSL = "speak to your designated safeguarding lead"


def _forbidden_route(app) -> str:
    if "test_worried_forbidden" not in app.view_functions:
        app.add_url_rule("/test-worried/403", "test_worried_forbidden", lambda: abort(403))
    return "/test-worried/403"


def _paragraph(text: str, start: str) -> str:
    at = text.index(start)
    return text[at : text.index(".", text.index("ask", at)) + 1]


def test_the_sign_in_page_says_what_to_do_whoever_is_reading(client):
    text = page_text(client.get("/sign-in"))

    assert YOUR_DSL not in text.lower()
    assert (
        "tell your school's designated safeguarding lead or your agency's safeguarding lead "
        "straight away or, if that is you, phone the Integrated Front Door (IFD) now" in text
    )
    assert "In an emergency, phone 999." in text


@pytest.mark.own_app  # adds a route
def test_a_dsl_refused_a_page_is_sent_to_the_partnership_coordinator(app, login_as):
    url = _forbidden_route(app)
    dsl = login_as("dsl")

    response = dsl.get(url)
    words = _paragraph(page_text(response), "If you think you should have access")

    assert response.status_code == 403
    assert "designated safeguarding lead" not in words
    assert words == "If you think you should have access, ask the partnership coordinator."


@pytest.mark.own_app  # adds a route
def test_school_staff_refused_a_page_are_given_their_schools_dsls_by_name(app, login_as):
    url = _forbidden_route(app)
    school = factories.school()
    factories.user("dsl", school=school, name="Dana Dsl")
    factories.user("dsl", school=school, name="Dev Deputy")
    factories.user("dsl", name="Other School Dsl")
    db.session.commit()

    words = _paragraph(
        page_text(login_as("school_staff", school=school).get(url)),
        "If you think you should have access",
    )

    assert words == (
        "If you think you should have access, ask your school's designated safeguarding lead "
        "(Dana Dsl, Dev Deputy) or the partnership coordinator."
    )


@pytest.mark.own_app  # adds a route
def test_a_practitioner_refused_a_page_is_given_their_agencys_safeguarding_lead(app, login_as):
    url = _forbidden_route(app)
    agency = factories.agency(name="CAMHS")
    factories.user("practitioner", agency=agency, name="Sal Lead", is_safeguarding_lead=True)
    db.session.commit()

    words = page_text(login_as("practitioner", agency=agency).get(url))

    assert "ask CAMHS's safeguarding lead (Sal Lead) or the partnership coordinator." in words


def test_a_named_practitioner_is_told_whom_to_ask_to_change_the_plan(login_as):
    school = factories.school(name="Oakfield Primary")
    child = child_at(school)  # the agreement is recorded by a DSL of the school
    factories.user("dsl", school=school, name="Dana Dsl")
    lead = factories.user("link_worker", name="Lee Lead")
    plan = open_plan(child, lead_practitioner=lead)
    practitioner, _ = named_practitioner(plan, login_as)
    dsls = ", ".join(sorted(u.name for u in school_dsls(school)))

    response = practitioner.get(f"/children/{child.id}/plans/{plan.id}/change")

    assert response.status_code == 403
    assert (
        "You cannot change this plan. Ask the plan's lead practitioner (Lee Lead) or Oakfield "
        f"Primary's designated safeguarding lead ({dsls})." in page_text(response)
    )


def test_the_old_schools_dsl_is_not_told_to_ask_themself(login_as):
    school = factories.school(name="Oakfield Primary")
    child = child_at(school)
    for dsl in school_dsls(school):
        dsl.active = False  # only Dana is a DSL of the child's school now
    factories.user("dsl", school=school, name="Dana Dsl")
    plan = open_plan(child)
    old_dsl = login_as("dsl", name="Olive Old")
    db.session.add(
        SchoolMove(
            child_id=child.id,
            from_school_id=old_dsl.user.school_id,
            to_school_id=school.id,
            read_only_until=utcnow() + timedelta(days=30),
        )
    )
    db.session.commit()

    text = page_text(old_dsl.get(f"/children/{child.id}/plans/{plan.id}/change"))

    assert YOUR_DSL not in text.lower() and "Olive Old" not in text
    assert (
        "You cannot change this plan. Ask Oakfield Primary's designated safeguarding lead "
        "(Dana Dsl)." in text
    )


def school_dsls(school) -> list[User]:
    db.session.flush()
    return list(
        db.session.scalars(
            select(User).where(User.school_id == school.id, User.role == "dsl", User.active)
        )
    )


@pytest.mark.own_app  # adds a route
@pytest.mark.parametrize("page", ["no access", "plan read-only"])
def test_the_pages_run_the_same_queries_for_one_dsl_or_twenty(app, login_as, count_queries, page):
    url = _forbidden_route(app)
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child, lead_practitioner=factories.user("link_worker"))
    practitioner, _ = named_practitioner(plan, login_as)
    staff = login_as("school_staff", school=school)
    browser, path = {
        "no access": (staff, url),
        "plan read-only": (practitioner, f"/children/{child.id}/plans/{plan.id}/change"),
    }[page]
    counted = []
    for more in (0, 19):
        for n in range(more):
            factories.user("dsl", school=school, name=f"Deputy {n}")
        db.session.commit()
        browser.get("/")
        with count_queries() as statements:
            response = browser.get(path)
        assert response.status_code == 403
        counted.append(len(statements))
    assert "Deputy 18" in page_text(response)
    assert counted[0] == counted[1]
