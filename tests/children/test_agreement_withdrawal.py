"""Withdrawing agreement takes effect at once; a new agreement restores access."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tas.children.models import Agreement
from tas.extensions import db
from tas.organisations.models import Agency
from tas.plans.models import SharedPlan
from tests import factories
from tests.pages import audit_events, error_summary, page_text

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=True):
        yield TODAY


def team(login_as):
    """A DSL's child with a current agreement, and a practitioner on an active involvement."""
    dsl = login_as("dsl")
    practitioner = login_as("practitioner")
    child = factories.child(school_id=dsl.user.school_id)
    db.session.flush()
    agreement = factories.agreement(child, dsl.user, agreed_on=date(2026, 9, 1))
    plan = factories.plan(child)
    factories.involvement(
        plan, practitioner=practitioner.user, agency_id=practitioner.user.agency_id
    )
    factories.agency(name="Early Help")
    db.session.commit()
    return dsl, practitioner, child, agreement


def withdraw(visitor, child, **fields):
    data = {"withdrawn_on": ["19", "11", "2026"], "note": "Mother phoned to withdraw", **fields}
    return visitor.submit(f"/children/{child.id}/agreement/withdraw", data)


def saved_agreements(child_id: int) -> list[Agreement]:
    db.session.expire_all()
    query = select(Agreement).where(Agreement.child_id == child_id).order_by(Agreement.id)
    return list(db.session.scalars(query))


def test_withdrawal_takes_effect_at_once(login_as):
    dsl, practitioner, child, agreement = team(login_as)
    assert practitioner.get(f"/children/{child.id}").status_code == 200
    assert practitioner.get(f"/children/{child.id}/agreement").status_code == 200

    response = withdraw(dsl, child)

    assert response.status_code == 302
    [saved] = saved_agreements(child.id)
    assert (saved.withdrawn_on, saved.withdrawal_note, saved.withdrawn_recorded_by_id) == (
        date(2026, 11, 19),
        "Mother phoned to withdraw",
        dsl.user.id,
    )
    [event] = audit_events("agreement_withdrawn")
    assert (event.target_id, event.actor_id) == (agreement.id, dsl.user.id)
    # The practitioner's access ended with the save.
    assert practitioner.get(f"/children/{child.id}").status_code == 404
    assert practitioner.get(f"/children/{child.id}/agreement").status_code == 404
    # The DSL still sees the record, read-only.
    page = dsl.get(f"/children/{child.id}/agreement")
    assert page.status_code == 200
    text = page_text(page)
    assert "There is no current agreement" in text
    assert "Withdrawn 19 November 2026, recorded by" in text
    assert "Withdrawal note Mother phoned to withdraw" in text
    assert "Record that the family withdrew agreement" not in text
    assert dsl.get(f"/children/{child.id}").status_code == 200
    assert dsl.get(f"/children/{child.id}/sharing-decisions").status_code == 200
    assert dsl.get(f"/children/{child.id}/agreement/withdraw").status_code == 403
    assert withdraw(dsl, child).status_code == 403
    # A decision to share without agreement (with the IFD, say) can still be recorded.
    assert dsl.get(f"/children/{child.id}/sharing-decisions/new").status_code == 200


WITHDRAWN = "The family withdrew their agreement on 19 November 2026: the record is read-only"


def test_the_pages_of_a_withdrawn_record_say_why_nothing_can_be_changed(login_as):
    dsl, _, child, _ = team(login_as)
    plan = db.session.scalars(select(SharedPlan).where(SharedPlan.child_id == child.id)).one()
    pages = (
        f"/children/{child.id}",
        f"/children/{child.id}/plans/{plan.id}",
        f"/children/{child.id}/staff",
    )
    assert not any(WITHDRAWN in page_text(dsl.get(page)) for page in pages)
    assert withdraw(dsl, child).status_code == 302

    for page in pages:
        shown = page_text(dsl.get(page))
        assert WITHDRAWN in shown, page
        assert "See the family's agreement and its history" in shown
    child_page = dsl.get(f"/children/{child.id}")
    assert f'href="/children/{child.id}/details"' not in child_page.get_data(as_text=True)
    staff = page_text(dsl.get(f"/children/{child.id}/staff"))
    assert "You cannot give other staff access while the family's agreement is withdrawn" in staff


def test_a_new_agreement_after_withdrawal_restores_access(login_as):
    dsl, practitioner, child, agreement = team(login_as)
    assert withdraw(dsl, child).status_code == 302
    parent = agreement.agreed_by
    early_help = db.session.scalar(select(Agency).where(Agency.name == "Early Help"))
    new = f"/children/{child.id}/agreement/new"
    assert "Record a new agreement" in page_text(dsl.get(f"/children/{child.id}/agreement"))
    assert dsl.get(new).status_code == 200

    response = dsl.submit(
        new,
        {
            "agreed_by": str(parent.id),
            "agreed_on": ["20", "11", "2026"],
            # The practitioner's agency must be covered for them to see the child again.
            "agencies": [str(early_help.id), str(practitioner.user.agency_id)],
            "information_covered": "Wellbeing only",
            "family_told": "y",
            "privacy_notice_given": "y",
            "origin": f"school:{child.school_id}",
        },
    )

    assert response.status_code == 302
    old, new_row = saved_agreements(child.id)
    assert old.withdrawn_on == date(2026, 11, 19) and new_row.withdrawn_on is None
    assert practitioner.get(f"/children/{child.id}").status_code == 200
    assert dsl.get(f"/children/{child.id}/sharing-decisions/new").status_code == 200
    text = page_text(dsl.get(f"/children/{child.id}/agreement"))
    assert "Agreed on 20 November 2026 Current" in text
    assert "Agreed on 1 September 2026 Withdrawn" in text
    assert "the record is read-only" not in page_text(dsl.get(f"/children/{child.id}"))


def test_withdrawal_withdraws_every_standing_agreement(login_as):
    dsl, practitioner, child, agreement = team(login_as)
    factories.agreement(child, dsl.user, agreed_by=agreement.agreed_by, agreed_on=date(2026, 10, 1))
    db.session.commit()

    assert withdraw(dsl, child).status_code == 302

    assert all(row.withdrawn_on for row in saved_agreements(child.id))
    assert len(audit_events("agreement_withdrawn")) == 2
    assert practitioner.get(f"/children/{child.id}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        (
            {"withdrawn_on": ["21", "11", "2026"]},
            {"withdrawn_on": "Date agreement was withdrawn must be today or in the past"},
        ),
        (
            {"withdrawn_on": ["31", "8", "2026"]},
            {
                "withdrawn_on": "Date agreement was withdrawn must be on or after the date "
                "they agreed, 1 September 2026"
            },
        ),
        (
            {"withdrawn_on": ["", "", ""], "note": ""},
            {
                "withdrawn_on": "Enter the date agreement was withdrawn",
                "note": "Enter a note about the withdrawal",
            },
        ),
    ],
)
def test_a_withdrawal_with_problems_is_refused(login_as, fields, problems):
    dsl, practitioner, child, _ = team(login_as)

    response = withdraw(dsl, child, **fields)

    assert response.status_code == 200
    assert error_summary(response) == problems
    assert saved_agreements(child.id)[0].withdrawn_on is None
    assert practitioner.get(f"/children/{child.id}").status_code == 200


def test_with_nothing_to_withdraw_the_page_says_so(login_as):
    dsl = login_as("dsl")
    child = factories.child(school_id=dsl.user.school_id)
    db.session.commit()

    response = dsl.get(f"/children/{child.id}/agreement/withdraw")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/children/{child.id}/agreement"
    assert "There is no current agreement to withdraw" in page_text(dsl.get(response.location))


def test_a_lead_practitioner_keeps_read_only_access_after_withdrawal(login_as):
    dsl, _, child, _ = team(login_as)
    lead = login_as("practitioner")
    plan = db.session.scalar(select(SharedPlan).where(SharedPlan.child_id == child.id))
    plan.lead_practitioner_id = lead.user.id
    db.session.commit()

    assert withdraw(dsl, child).status_code == 302

    assert lead.get(f"/children/{child.id}/agreement").status_code == 200
    assert lead.get(f"/children/{child.id}/agreement/new").status_code == 403
    assert lead.get(f"/children/{child.id}/sharing-decisions").status_code == 200


def test_withdrawal_closes_requests_still_awaiting_triage_and_the_school_sees_why(login_as):
    from tas.meetings.models import TasRequest

    dsl, _practitioner, child, _agreement = team(login_as)
    waiting = factories.tas_request(child, dsl.user)
    db.session.commit()

    withdraw(dsl, child)

    db.session.expire_all()
    assert db.session.get(TasRequest, waiting.id).status == "agreement_withdrawn"
    [event] = audit_events("tas_request_closed")
    assert event.target_id == waiting.id and event.detail == {
        "child_id": child.id,
        "why": "withdrawn",
    }
    page = dsl.get(f"/requests/{waiting.id}")
    assert "Closed: the family withdrew agreement" in page_text(page)
