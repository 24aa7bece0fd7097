"""Who may use the agreement and sharing-decision pages: the one access check, on every route,
for GET and POST (docs/security.md C13, C14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tas.children.models import Agreement, LawfulBasis, SharingDecision
from tas.extensions import db
from tests import factories
from tests.pages import asked_why, opened_with_a_reason, page_text

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

# Every route of these pages: path below /children/<id>, and whether it takes a POST.
ROUTES = {
    "children.agreement": ("agreement", False),
    "children.agreement_new": ("agreement/new", True),
    "children.agreement_withdraw": ("agreement/withdraw", True),
    "children.sharing_decisions": ("sharing-decisions", False),
    "children.sharing_decision_new": ("sharing-decisions/new", True),
}
READ_ONLY_PAGES = ("agreement", "sharing-decisions")


def child_with_records(**fields):
    """A child with a current agreement and one sharing decision."""
    child = factories.child(first_name="Zebedee", **fields)
    db.session.flush()
    dsl = factories.user("dsl", school=child.school)
    db.session.flush()
    factories.agreement(child, dsl)
    basis = LawfulBasis(name="Public task")
    db.session.add(basis)
    db.session.flush()
    db.session.add(
        SharingDecision(
            child_id=child.id,
            shared=True,
            shared_with="CAMHS",
            lawful_basis_id=basis.id,
            reasons="Needed for the referral",
            decided_by_id=dsl.id,
        )
    )
    db.session.commit()
    return child, basis


def attempts(visitor, child_id: int, basis_id: int):
    """Every route, opened and (where it takes one) posted to with a complete form."""
    for path, posts in ROUTES.values():
        url = f"/children/{child_id}/{path}"
        yield f"GET {url}", visitor.get(url)
        if posts:
            data = {
                "agreed_on": ["1", "11", "2026"],
                "withdrawn_on": ["1", "11", "2026"],
                "note": "note",
                "shared": "yes",
                "shared_with": "CAMHS",
                "lawful_basis": str(basis_id),
                "reasons": "reasons",
            }
            yield f"POST {url}", visitor.submit(url, data, page="/")


def test_the_list_covers_every_route_of_these_pages(app):
    mine = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("children.agreement", "children.sharing_decision"))
    }
    assert mine == set(ROUTES)


def assert_nothing_changed(child_id: int) -> None:
    db.session.expire_all()
    agreements = db.session.scalars(select(Agreement).where(Agreement.child_id == child_id)).all()
    assert [a.withdrawn_on for a in agreements] == [None]
    decisions = select(SharingDecision).where(SharingDecision.child_id == child_id)
    assert len(db.session.scalars(decisions).all()) == 1


@pytest.mark.parametrize(
    "role",
    ["other_school_dsl", "unnamed_practitioner", "coordinator", "admin", "other_gp", "staff"],
)
def test_people_who_may_not_know_the_child_get_404_everywhere(login_as, role):
    child, basis = child_with_records()
    if role == "other_school_dsl":
        visitor = login_as("dsl")
    elif role == "unnamed_practitioner":
        # The right agency, on an active involvement, but not the named practitioner.
        named = factories.user("practitioner")
        db.session.flush()
        plan = factories.plan(child)
        factories.involvement(plan, practitioner=named, agency_id=named.agency_id)
        db.session.commit()
        visitor = login_as("practitioner", agency=named.agency)
    elif role == "other_gp":
        child.gp_practice = factories.agency(
            name="Child's Surgery", service_type="gp_practice", ods_code="B33333"
        )
        db.session.commit()
        visitor = login_as("gp")
    elif role == "staff":
        visitor = login_as("school_staff", school=child.school)  # no grant
    else:
        visitor = login_as(role)

    asked = {}
    for attempt, response in attempts(visitor, child.id, basis.id):
        method, url = attempt.split(" ")
        if role == "coordinator" and method == "GET":
            asked[url] = asked_why(response, child.id)
        if not asked.get(url) or method != "GET":
            assert response.status_code == 404, attempt
        assert "Zebedee" not in response.get_data(as_text=True), attempt
    assert_nothing_changed(child.id)
    if role == "coordinator":  # who may find the child, and read the record saying why
        opened = opened_with_a_reason(visitor, child.id, asked)
        assert opened == {
            f"/children/{child.id}/agreement",
            f"/children/{child.id}/sharing-decisions",
        }


def test_a_guessed_child_id_is_404(login_as):
    child, basis = child_with_records()
    dsl = login_as("dsl", school=child.school)
    for attempt, response in attempts(dsl, child.id + 1000, basis.id):
        assert response.status_code == 404, attempt


def test_the_childs_gp_practice_sees_none_of_these_pages(login_as):
    gp = login_as("gp")
    child, basis = child_with_records(gp_practice_id=gp.user.agency_id)

    for attempt, response in attempts(gp, child.id, basis.id):
        assert response.status_code == 403, attempt
        assert "Zebedee" not in response.get_data(as_text=True), attempt
    assert_nothing_changed(child.id)


def test_the_named_practitioner_reads_but_does_not_change(login_as):
    practitioner = login_as("practitioner")
    child, basis = child_with_records()
    plan = factories.plan(child)
    factories.involvement(
        plan, practitioner=practitioner.user, agency_id=practitioner.user.agency_id
    )
    db.session.commit()

    for attempt, response in attempts(practitioner, child.id, basis.id):
        readable = attempt.startswith("GET") and attempt.endswith(READ_ONLY_PAGES)
        assert response.status_code == (200 if readable else 403), attempt
    assert_nothing_changed(child.id)
    agreement = page_text(practitioner.get(f"/children/{child.id}/agreement"))
    assert "Record" not in agreement.replace("Recorded", "")
    decisions = page_text(practitioner.get(f"/children/{child.id}/sharing-decisions"))
    assert "Needed for the referral" in decisions
    assert "Record a sharing decision" not in decisions


def test_a_coordinator_with_a_recorded_reason_reads_only(login_as):
    from datetime import timedelta

    from tas.children.models import CoordinatorAccess
    from tas.core.clock import utcnow

    coordinator = login_as("coordinator")
    child, basis = child_with_records()
    db.session.add(
        CoordinatorAccess(
            child_id=child.id,
            user_id=coordinator.user.id,
            reason="Checking a complaint",
            expires_at=utcnow() + timedelta(hours=8),
        )
    )
    db.session.commit()

    for attempt, response in attempts(coordinator, child.id, basis.id):
        readable = attempt.startswith("GET") and attempt.endswith(READ_ONLY_PAGES)
        assert response.status_code == (200 if readable else 403), attempt
    assert_nothing_changed(child.id)


def test_reads_are_audited(login_as):
    from tests.pages import audit_events

    child, _ = child_with_records()
    dsl = login_as("dsl", school=child.school)
    for path in ("agreement", "agreement/new", "agreement/withdraw", "sharing-decisions"):
        assert dsl.get(f"/children/{child.id}/{path}").status_code == 200
    assert dsl.get(f"/children/{child.id}/sharing-decisions/new").status_code == 200

    actions = [(e.action, e.target_type, e.target_id) for e in audit_events()]
    for action in (
        "agreement_viewed",
        "agreement_form_viewed",
        "agreement_withdraw_viewed",
        "sharing_decisions_viewed",
        "sharing_decision_form_viewed",
    ):
        assert (action, "Child", child.id) in actions


def test_the_old_schools_dsl_reads_for_a_while_but_records_nothing(login_as):
    from datetime import timedelta

    from tas.children.models import SchoolMove
    from tas.core.clock import utcnow

    child, basis = child_with_records()
    old_dsl = login_as("dsl")
    db.session.add(
        SchoolMove(
            child_id=child.id,
            from_school_id=old_dsl.user.school_id,
            to_school_id=child.school_id,
            read_only_until=utcnow() + timedelta(days=30),
        )
    )
    db.session.commit()

    for attempt, response in attempts(old_dsl, child.id, basis.id):
        readable = attempt.startswith("GET") and attempt.endswith(READ_ONLY_PAGES)
        assert response.status_code == (200 if readable else 403), attempt
    assert_nothing_changed(child.id)


@pytest.mark.parametrize(
    "junk",
    [
        {"agreed_by": "abc", "agencies": ["x"], "origin": "school:abc", "markers": ["evil"]},
        {"agreed_on": ["²", "1", "2026"], "family_told": "maybe"},
        {"agreed_on": ["1", "1", "0000"], "information_covered": "x" * 6000},
        {"young_person_view": "bad\x00byte", "agreed_on": "1"},
    ],
)
def test_junk_posted_to_the_agreement_form_is_refused_without_a_500(login_as, junk):
    child, _ = child_with_records()
    dsl = login_as("dsl", school=child.school)

    response = dsl.submit(f"/children/{child.id}/agreement/new", junk)

    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    assert_nothing_changed(child.id)
