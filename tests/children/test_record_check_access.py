"""Every route of the requests to check a record, walked from the URL map for every kind of
person who must not see a request (issue 11, section 6): refused, nothing shown of the child or
the request, nothing changed. A route added later is walked without touching this file."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tas.audit.models import AuditEvent
from tas.children.record_checks.models import RecordCheck
from tas.extensions import db
from tests import factories
from tests.children.child_helpers import NHS_NUMBER, child_form
from tests.conftest import Visitor

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

PARAM = re.compile(r"<(?:int:)?(\w+)>")
ROUTES = {"children.record_checks", "children.record_check"}
SECRETS = ("Zebedee", "Quartermaine", "Faraway", NHS_NUMBER, "Joined in May")


def check_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("children.record_check")]
    assert {rule.endpoint for rule in rules} == ROUTES, "a new route: walk it here"
    return rules


@pytest.fixture
def world(app):
    """Dana (Oakfield, North) asked about Zebedee's number (Faraway Academy, South)."""
    north, south = factories.cluster(name="North"), factories.cluster(name="South")
    oakfield = factories.school(name="Oakfield Primary", cluster=north)
    faraway = factories.school(name="Faraway Academy", cluster=south)
    zebedee = factories.child(
        first_name="Zebedee", last_name="Quartermaine", school=faraway, nhs_number=NHS_NUMBER
    )
    people = {
        "asker": factories.user("dsl", school=oakfield),
        "faraway_dsl": factories.user("dsl", school=faraway),
        "staff": factories.user("school_staff", school=faraway),
        "link_worker": factories.user("link_worker", linked_schools=[faraway]),
        "practitioner": factories.user("practitioner", is_safeguarding_lead=True),
        "gp": factories.user("gp"),
        "admin": factories.user("admin"),
        "north_coordinator": factories.user("coordinator", district_wide=False, clusters=[north]),
        "south_coordinator": factories.user("coordinator", district_wide=False, clusters=[south]),
        "district_coordinator": factories.user("coordinator", district_wide=True),
    }
    db.session.commit()
    asker = signed_in(app, people["asker"])
    typed = child_form(nhs_number=NHS_NUMBER, check_note="Joined in May", ask="Ask")
    assert asker.submit("/children/new", typed).status_code == 302
    check_id = db.session.scalar(select(RecordCheck.id))
    return {"people": people, "check_id": check_id, "child_id": zebedee.id}


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def state() -> tuple:
    db.session.expire_all()
    rows = db.session.execute(select(RecordCheck.__table__)).all()
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("record_check%"))
    )
    return [tuple(row) for row in rows], sorted(events)


# Who may not see the request, and what the list answers them (None: the list is refused).
OUTSIDERS = {
    "asker": 403,  # asked, but sees no request: the coordinator contacts them
    "faraway_dsl": 403,  # the child's own school: requests are the coordinators'
    "staff": 403,
    "link_worker": 403,
    "practitioner": 403,
    "gp": 403,
    "admin": 403,
    "north_coordinator": 200,  # a coordinator, but not of the child's cluster
}


@pytest.mark.parametrize("person", OUTSIDERS)
def test_no_request_route_shows_or_changes_a_request_for_an_outsider(app, world, person):
    browser = signed_in(app, world["people"][person])
    token = browser.token("/account")
    before = state()
    walked = 0

    for rule in check_rules(app):
        url = PARAM.sub(lambda m: str(world["check_id"]), rule.rule)
        sent = {"csrf_token": token, "outcome": "Dealt with by an outsider", "version": "1"}
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = browser.client.open(
                url, method=method, data=sent if method == "POST" else None
            )
            walked += 1
            if rule.arguments:
                expected = 403 if OUTSIDERS[person] == 403 else 404
            else:
                expected = OUTSIDERS[person]
            assert response.status_code == expected, (method, url, response.status_code)
            body = response.get_data(as_text=True)
            for secret in (
                *SECRETS,
                f"CHK-{world['check_id']:04d}",
                f"/children/{world['child_id']}",
            ):
                assert secret not in body, (method, url, secret)
    assert walked >= 3
    assert state() == before


@pytest.mark.parametrize("person", ["south_coordinator", "district_coordinator"])
def test_the_coordinators_who_cover_the_child_see_the_request(app, world, person):
    """The control: the same URLs answer the coordinators covering Zebedee's school."""
    browser = signed_in(app, world["people"][person])
    for rule in check_rules(app):
        url = PARAM.sub(lambda m: str(world["check_id"]), rule.rule)
        response = browser.get(url)
        assert response.status_code == 200, url
        assert f"CHK-{world['check_id']:04d}" in response.get_data(as_text=True)
