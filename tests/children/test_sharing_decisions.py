"""Decisions to share or not to share, on a lawful basis from the coordinator's list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tas.children.agreements import services as agreement_services
from tas.children.models import LawfulBasis, SharingDecision
from tas.core.submissions import ALREADY_SAVED
from tas.core.use_cases import Refused
from tas.extensions import db
from tests import factories
from tests.pages import audit_events, error_summary, field_value, page_text, sent_twice


def setting(login_as):
    """A DSL's child with a current agreement, and one lawful basis in use, one retired."""
    dsl = login_as("dsl")
    child = factories.child(school_id=dsl.user.school_id)
    db.session.flush()
    factories.agreement(child, dsl.user)
    in_use = LawfulBasis(name="UK GDPR 6(1)(e) public task", condition="Art 9(2)(g) safeguarding")
    retired = LawfulBasis(name="Old consent basis", active=False)
    db.session.add_all([in_use, retired])
    db.session.commit()
    return dsl, child, in_use, retired


def form(child, basis, **fields) -> dict:
    data = {
        "shared": "yes",
        "shared_with": "CAMHS duty worker",
        "lawful_basis": str(basis.id),
        "reasons": "The referral needs the school's attendance picture",
        "origin": f"school:{child.school_id}",
        "markers": ["not_for_parent"],
        **fields,
    }
    return {key: value for key, value in data.items() if value is not None}


def decisions(child_id: int) -> list[SharingDecision]:
    db.session.expire_all()
    query = select(SharingDecision).where(SharingDecision.child_id == child_id)
    return list(db.session.scalars(query.order_by(SharingDecision.id)))


def test_a_dsl_records_a_decision_to_share_and_sees_it(login_as):
    dsl, child, basis, _ = setting(login_as)
    new = f"/children/{child.id}/sharing-decisions/new"

    response = dsl.submit(new, form(child, basis))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/children/{child.id}/sharing-decisions"
    [saved] = decisions(child.id)
    assert (saved.shared, saved.shared_with, saved.lawful_basis_id) == (
        True,
        "CAMHS duty worker",
        basis.id,
    )
    assert saved.decided_by_id == dsl.user.id and saved.decided_at is not None
    assert (saved.originating_school_id, saved.not_for_parent, saved.restricted) == (
        child.school_id,
        True,
        False,
    )
    [event] = audit_events("sharing_decision_recorded")
    assert event.target_id == saved.id and event.detail["lawful_basis_id"] == basis.id

    text = page_text(dsl.get(f"/children/{child.id}/sharing-decisions"))
    assert "Decision Information was shared" in text
    assert "Who with CAMHS duty worker" in text
    assert "UK GDPR 6(1)(e) public task: Art 9(2)(g) safeguarding" in text
    assert f"Decided by {dsl.user.name}" in text
    assert "Markers Not to be disclosed to the parent" in text
    assert audit_events("sharing_decisions_viewed")[-1].target_id == child.id


def test_a_decision_not_to_share_is_recorded_too(login_as):
    dsl, child, basis, _ = setting(login_as)

    response = dsl.submit(
        f"/children/{child.id}/sharing-decisions/new",
        form(child, basis, shared="no", shared_with="Housing officer who asked", markers=None),
    )

    assert response.status_code == 302
    [saved] = decisions(child.id)
    assert saved.shared is False
    text = page_text(dsl.get(f"/children/{child.id}/sharing-decisions"))
    assert "Decision Information was not shared" in text


def test_a_decision_not_to_share_cannot_open_the_record_to_coordinators(login_as):
    """Only a decision to share opens the record to the coordinators: the box ticked with
    "no" is an error to put right, never quietly dropped."""
    dsl, child, basis, _ = setting(login_as)

    response = dsl.submit(
        f"/children/{child.id}/sharing-decisions/new",
        form(child, basis, shared="no", coordinators_may_see="y"),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "coordinators_may_see": "A decision not to share information cannot share the record "
        "with the coordinators: untick the box, or select yes if information was shared"
    }
    assert decisions(child.id) == []


def test_a_retired_lawful_basis_is_not_offered_and_is_refused(login_as):
    dsl, child, _, retired = setting(login_as)
    new = f"/children/{child.id}/sharing-decisions/new"
    assert "Old consent basis" not in page_text(dsl.get(new))

    response = dsl.submit(new, form(child, retired))

    assert response.status_code == 200
    assert error_summary(response) == {
        "lawful_basis": "Select the lawful basis and condition for this decision"
    }
    assert field_value(response, "shared_with") == "CAMHS duty worker"
    assert decisions(child.id) == []


def test_a_basis_retired_while_the_form_was_open_is_refused_by_the_service(app):
    child = factories.child()
    db.session.flush()
    user = factories.user("dsl", school=child.school)
    basis = LawfulBasis(name="Retired meanwhile", active=False)
    db.session.add(basis)
    db.session.commit()

    with pytest.raises(Refused) as refused:
        agreement_services.record_sharing_decision(
            child,
            user,
            {"shared": True, "shared_with": "X", "lawful_basis_id": basis.id, "reasons": "R"},
        )

    assert refused.value.problems == {"lawful_basis": "Select a lawful basis that is in use"}
    assert decisions(child.id) == []


def test_missing_answers_are_asked_for_and_what_was_typed_stays(login_as):
    dsl, child, basis, _ = setting(login_as)

    response = dsl.submit(
        f"/children/{child.id}/sharing-decisions/new",
        form(child, basis, shared=None, lawful_basis=None, reasons=" ", shared_with=""),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "shared": "Select yes if information was shared",
        "shared_with": "Enter who the information was shared with, or who asked for it",
        "lawful_basis": "Select the lawful basis and condition for this decision",
        "reasons": "Enter the reasons for the decision",
    }
    assert 'value="not_for_parent" checked' in response.get_data(as_text=True)
    assert decisions(child.id) == []


def test_old_decisions_keep_a_basis_retired_since(login_as):
    dsl, child, basis, _ = setting(login_as)
    assert (
        dsl.submit(f"/children/{child.id}/sharing-decisions/new", form(child, basis)).status_code
        == 302
    )
    basis = db.session.get(LawfulBasis, basis.id)
    basis.active = False
    db.session.commit()

    text = page_text(dsl.get(f"/children/{child.id}/sharing-decisions"))

    assert "UK GDPR 6(1)(e) public task: Art 9(2)(g) safeguarding (retired since)" in text


def test_with_no_lawful_basis_in_use_the_page_says_whom_to_ask(login_as):
    dsl = login_as("dsl")
    child = factories.child(school_id=dsl.user.school_id)
    db.session.flush()
    factories.agreement(child, dsl.user)
    db.session.commit()

    page = dsl.get(f"/children/{child.id}/sharing-decisions/new")

    assert page.status_code == 200
    assert "Ask your partnership coordinator to add the lawful bases" in page_text(page)
    assert 'name="reasons"' not in page.get_data(as_text=True)


def test_the_list_costs_the_same_with_2_or_20_decisions(login_as, count_queries):
    dsl = login_as("dsl")
    basis = LawfulBasis(name="Public task")
    db.session.add(basis)
    counts = []
    for size in (2, 20):
        child = factories.child(school_id=dsl.user.school_id)
        agency = factories.agency()
        db.session.flush()
        deciders = [factories.user("dsl", school=child.school) for _ in range(3)]
        db.session.flush()
        for n in range(size):
            db.session.add(
                SharingDecision(
                    child_id=child.id,
                    shared=n % 2 == 0,
                    shared_with=f"Recipient {n}",
                    lawful_basis_id=basis.id,
                    reasons="Reasons",
                    decided_by_id=deciders[n % 3].id,
                    originating_agency_id=agency.id if n % 2 else None,
                    originating_school_id=None if n % 2 else child.school_id,
                )
            )
        db.session.commit()
        with count_queries() as counted:
            page = dsl.get(f"/children/{child.id}/sharing-decisions")
        assert page.status_code == 200
        assert page_text(page).count("Who with Recipient") == size
        counts.append(len(counted))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "junk",
    [
        {"shared": "perhaps", "lawful_basis": "abc", "origin": "agency:zz", "markers": ["x"]},
        {"shared": "yes", "shared_with": "x" * 301, "reasons": "\x01"},
        {"lawful_basis": ["1", "2"], "shared": ["yes", "no"]},
    ],
)
def test_junk_posted_is_refused_without_a_500(login_as, junk):
    dsl, child, _, _ = setting(login_as)

    response = dsl.submit(f"/children/{child.id}/sharing-decisions/new", junk)

    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    assert decisions(child.id) == []


def test_a_decision_sent_twice_is_recorded_once_and_says_so(login_as):
    """A double click or a resend: one decision, and the page says the first send saved it."""
    dsl, child, basis, _ = setting(login_as)
    new = f"/children/{child.id}/sharing-decisions/new"

    first, again = sent_twice(dsl, new, form(child, basis))

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == f"/children/{child.id}/sharing-decisions"
    assert len(decisions(child.id)) == 1
    assert ALREADY_SAVED in page_text(dsl.get(again.headers["Location"]))
