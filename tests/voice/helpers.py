"""A child with a plan and the people around them, and what recording their words sends."""

from __future__ import annotations

from dataclasses import dataclass

from tas.children.models import Child
from tas.extensions import db
from tas.organisations.models import Agency, School, User
from tas.plans.models import SharedPlan
from tests import factories
from tests.conftest import Visitor
from tests.plans.helpers import child_at

WORDS = "Sometimes I think there's no point."


@dataclass
class Around:
    school: School
    dsl: User
    link_worker: User
    practitioner: User  # named on an active involvement of her agency
    lead: User  # her agency's safeguarding lead
    agency: Agency
    child: Child
    plan: SharedPlan


def child_and_team() -> Around:
    """A school and its DSL, a child with the family's agreement and an open plan led by the
    school's link worker, a Future in Mind practitioner on it, and her safeguarding lead."""
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    link_worker = factories.user("link_worker", linked_schools=[school])
    agency = factories.agency(service_type="future_in_mind")
    practitioner = factories.user("practitioner", agency=agency)
    lead = factories.user("practitioner", agency=agency, is_safeguarding_lead=True)
    child = child_at(school)
    plan = factories.plan(child, lead_practitioner=link_worker)
    db.session.flush()
    factories.involvement(plan, agency=agency, practitioner=practitioner)
    db.session.commit()
    return Around(school, dsl, link_worker, practitioner, lead, agency, child, plan)


def signed_in(app, user: User) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def entry_form(**changes) -> dict:
    """The voice form as a person fills it in: heard today at school, directly."""
    return {
        "heard_on": ["11", "12", "2026"],
        "setting": "school",
        "captured_by": "Farah, Future in Mind",
        "heard_how": "directly",
        "words": WORDS,
        "raises_concern": "yes",
        **changes,
    }


def record(browser: Visitor, child: Child, **changes):
    return browser.submit(f"/children/{child.id}/voice/new", entry_form(**changes))
