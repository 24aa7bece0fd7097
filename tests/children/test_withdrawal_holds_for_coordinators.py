"""Issue 11, 2 (docs/security.md C13): withdrawal of agreement holds for everyone. A coordinator who
records a reason for a child whose family withdrew agreement sees only that the record exists,
when agreement was withdrawn and who holds it, unless a sharing decision made since the
withdrawal, with its lawful basis, covers the coordinators. Issue 11, 6: the reason page shows
nothing of the child, not even the school, before the reason is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tas.children.models import Agreement, CoordinatorAccess, LawfulBasis, SharingDecision
from tas.core.clock import utcnow
from tas.extensions import db
from tests import factories
from tests.pages import audit_events, page_text

REASON = "Checking the cluster's TAS agenda"
HIDDEN_PAGES = ("family", "plans", "agreements", "level", "sharing-decisions", "details")


@pytest.fixture
def withdrawn(app):
    """Ottoline at Oakfield Primary: a plan led by a link worker, agreement withdrawn."""
    school = factories.school(name="Oakfield Primary", cluster=factories.cluster())
    dsl = factories.user("dsl", school=school, name="Dana Shah")
    lead = factories.user("link_worker", linked_schools=[school], name="Lee Worker")
    child = factories.child(
        school=school, first_name="Ottoline", last_name="Fairweather", nhs_number="4010232137"
    )
    db.session.flush()
    agreement = factories.agreement(child, dsl)
    factories.plan(child, lead_practitioner=lead)
    db.session.flush()
    agreement.withdrawn_on = date(2026, 10, 1)
    agreement.withdrawn_recorded_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return child


def secrets(child) -> list[str]:
    return [child.first_name, child.last_name, child.nhs_number, "401 023 2137"]


def opened_by_coordinator(login_as, child):
    coordinator = login_as("coordinator", district_wide=True)
    given = coordinator.submit(f"/children/{child.id}/reason", {"reason": REASON})
    assert given.status_code == 302
    return coordinator


def test_a_coordinators_reason_after_a_withdrawal_shows_only_who_holds_the_record(
    login_as, withdrawn
):
    coordinator = opened_by_coordinator(login_as, withdrawn)

    page = coordinator.get(f"/children/{withdrawn.id}")

    assert page.status_code == 200
    text = page_text(page)
    assert "The family withdrew agreement" in text
    assert "withdrew their agreement to early help on 1 October 2026" in text
    assert "Dana Shah, designated safeguarding lead at Oakfield Primary" in text
    assert "Lee Worker, lead practitioner" in text
    for secret in secrets(withdrawn):
        assert secret not in page.get_data(as_text=True), secret
    for part in HIDDEN_PAGES:
        hidden = coordinator.get(f"/children/{withdrawn.id}/{part}")
        assert hidden.status_code in (403, 404), part
        for secret in secrets(withdrawn):
            assert secret not in hidden.get_data(as_text=True), (part, secret)
    viewed = audit_events("child_withdrawn_summary_viewed")
    assert [(e.target_id, e.actor_id) for e in viewed] == [(withdrawn.id, coordinator.user.id)]


def sharing_decision(child, by, *, decided_at, coordinators=True, shared=True):
    basis = LawfulBasis(name="UK GDPR 6(1)(e) public task")
    db.session.add(basis)
    db.session.flush()
    db.session.add(
        SharingDecision(
            child_id=child.id,
            shared=shared,
            shared_with="Partnership coordinators",
            coordinators_may_see=coordinators,
            lawful_basis_id=basis.id,
            reasons="Multi-agency audit of the cluster",
            decided_by_id=by.id,
            decided_at=decided_at,
        )
    )
    db.session.commit()


def test_a_sharing_decision_since_the_withdrawal_opens_the_record_to_the_reason(
    login_as, withdrawn
):
    dsl = dsl_of(withdrawn)
    sharing_decision(withdrawn, dsl, decided_at=utcnow())
    coordinator = opened_by_coordinator(login_as, withdrawn)

    page = coordinator.get(f"/children/{withdrawn.id}")

    assert page.status_code == 200 and "Ottoline" in page_text(page)


def test_a_decision_made_before_a_withdrawal_dated_earlier_does_not_outlive_it(login_as, withdrawn):
    """The family's withdrawal is recorded today but dated days back: a decision recorded this
    morning, before it, still does not open the record."""
    sharing_decision(withdrawn, dsl_of(withdrawn), decided_at=utcnow() - timedelta(minutes=90))
    coordinator = opened_by_coordinator(login_as, withdrawn)

    page = coordinator.get(f"/children/{withdrawn.id}")

    assert "The family withdrew agreement" in page_text(page)
    assert "Ottoline" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("when", "coordinators", "shared"),
    [
        ("before the withdrawal was recorded", True, True),
        ("since", False, True),  # shared, but not with the coordinators
        ("since", True, False),  # a decision not to share
    ],
)
def test_other_sharing_decisions_keep_the_record_closed(
    login_as, withdrawn, when, coordinators, shared
):
    dsl = dsl_of(withdrawn)
    decided_at = utcnow() if when == "since" else utcnow() - timedelta(hours=2)
    sharing_decision(
        withdrawn, dsl, decided_at=decided_at, coordinators=coordinators, shared=shared
    )
    coordinator = opened_by_coordinator(login_as, withdrawn)

    page = coordinator.get(f"/children/{withdrawn.id}")

    assert "The family withdrew agreement" in page_text(page)
    assert "Ottoline" not in page.get_data(as_text=True)


def test_the_dsl_records_a_decision_that_covers_the_coordinators(login_as, withdrawn):
    dsl = login_as("dsl", school=withdrawn.school)
    basis = LawfulBasis(name="UK GDPR 6(1)(e) public task")
    db.session.add(basis)
    db.session.commit()

    sent = dsl.submit(
        f"/children/{withdrawn.id}/sharing-decisions/new",
        {
            "shared": "yes",
            "shared_with": "Partnership coordinators",
            "coordinators_may_see": "y",
            "lawful_basis": str(basis.id),
            "reasons": "The coordinator is reviewing the cluster's escalations",
            "origin": f"school:{withdrawn.school_id}",
        },
    )

    assert sent.status_code == 302
    text = page_text(dsl.get(f"/children/{withdrawn.id}/sharing-decisions"))
    assert "Coordinators may open the record Yes" in text
    assert audit_events("sharing_decision_recorded")[-1].detail["coordinators_may_see"] is True
    coordinator = opened_by_coordinator(login_as, withdrawn)
    assert "Ottoline" in page_text(coordinator.get(f"/children/{withdrawn.id}"))


def test_the_reason_page_shows_nothing_of_the_child_before_the_reason(login_as, withdrawn):
    coordinator = login_as("coordinator", district_wide=True)
    other_child = factories.child(school=factories.school(name="Castle Academy"))
    db.session.commit()

    for child in (withdrawn, other_child):
        page = coordinator.get(f"/children/{child.id}/reason")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "Record why you need to open this record" in body
        for detail in (child.school.name, child.first_name, child.last_name):
            assert detail not in body, detail


def test_an_expired_reason_asks_again_rather_than_showing_the_holders(login_as, withdrawn, app):
    coordinator = opened_by_coordinator(login_as, withdrawn)
    for grant in withdrawn_grants(withdrawn):
        grant.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    page = coordinator.get(f"/children/{withdrawn.id}")

    assert page.status_code == 302 and page.headers["Location"].endswith("/reason")


def withdrawn_grants(child):
    return db.session.scalars(
        select(CoordinatorAccess).where(CoordinatorAccess.child_id == child.id)
    ).all()


def dsl_of(child):
    return db.session.scalar(select(Agreement).where(Agreement.child_id == child.id)).asked_by


def test_the_withdrawn_page_costs_the_same_whatever_the_number_of_holders(
    login_as, withdrawn, count_queries
):
    coordinator = opened_by_coordinator(login_as, withdrawn)
    url = f"/children/{withdrawn.id}"

    def queries() -> int:
        with count_queries() as counted:
            assert "Who holds the record" in page_text(coordinator.get(url))
        return len(counted)

    one_dsl = queries()
    for _ in range(5):
        factories.user("dsl", school=withdrawn.school)
    db.session.commit()
    assert queries() == one_dsl
