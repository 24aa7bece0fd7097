"""The coordinator's list of lawful bases: add, change, retire, put back; nobody else may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tas.children.models import LawfulBasis, SharingDecision
from tas.extensions import db
from tests import factories
from tests.pages import audit_events, error_summary, field_value, page_text, version_on


def bases() -> list[LawfulBasis]:
    db.session.expire_all()
    return list(db.session.scalars(select(LawfulBasis).order_by(LawfulBasis.id)))


def a_basis(**fields) -> LawfulBasis:
    row = LawfulBasis(**{"name": "UK GDPR 6(1)(e) public task", **fields})
    db.session.add(row)
    db.session.commit()
    return row


def test_a_coordinator_adds_a_lawful_basis_and_sees_it(login_as):
    coordinator = login_as("coordinator")

    response = coordinator.submit(
        "/sharing/lawful-bases/new",
        {"name": "  UK GDPR 6(1)(c) legal obligation ", "condition": "Children Act 2004 s11"},
    )

    assert response.status_code == 302
    [basis] = bases()
    assert (basis.name, basis.condition, basis.active) == (
        "UK GDPR 6(1)(c) legal obligation",
        "Children Act 2004 s11",
        True,
    )
    text = page_text(coordinator.get("/sharing/lawful-bases"))
    assert "UK GDPR 6(1)(c) legal obligation Children Act 2004 s11 In use" in text
    assert audit_events("lawful_basis_added")[0].target_id == basis.id
    assert audit_events("lawful_bases_viewed")


def test_a_coordinator_sees_lawful_bases_in_the_navigation(login_as):
    assert "Lawful bases" in page_text(login_as("coordinator").get("/"))
    assert "Lawful bases" not in page_text(login_as("dsl").get("/"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the lawful basis"),
        ("x" * 201, "Lawful basis must be 200 characters or fewer"),
        (
            "uk gdpr 6(1)(E) PUBLIC TASK",
            "A lawful basis called uk gdpr 6(1)(E) PUBLIC TASK already exists",
        ),
        (
            "UK GDPR  6(1)(e)\u200b public task",
            "A lawful basis called UK GDPR 6(1)(e) public task already exists",
        ),
    ],
)
def test_a_missing_long_or_taken_name_is_refused(login_as, name, message):
    coordinator = login_as("coordinator")
    a_basis()

    response = coordinator.submit(
        "/sharing/lawful-bases/new", {"name": name, "condition": "Kept condition"}
    )

    assert response.status_code == 200
    assert error_summary(response) == {"name": message}
    assert "Kept condition</textarea>" in response.get_data(as_text=True)
    assert len(bases()) == 1


def test_a_coordinator_changes_a_lawful_basis(login_as):
    coordinator = login_as("coordinator")
    basis = a_basis(condition="Old condition")
    url = f"/sharing/lawful-bases/{basis.id}"
    page = coordinator.get(url)

    response = coordinator.submit(
        url,
        {"name": "Public task", "condition": "", "version": version_on(page)},
        page=url,
    )

    assert response.status_code == 302
    [saved] = bases()
    assert (saved.name, saved.condition) == ("Public task", None)
    [event] = audit_events("lawful_basis_changed")
    assert event.detail == {
        "name": ["UK GDPR 6(1)(e) public task", "Public task"],
        "condition": ["Old condition", None],
    }


def test_a_stale_change_is_refused_showing_both_versions(login_as):
    first = login_as("coordinator")
    second = login_as("coordinator")
    basis = a_basis()
    url = f"/sharing/lawful-bases/{basis.id}"
    first_version = version_on(first.get(url))
    second_version = version_on(second.get(url))
    first.submit(url, {"name": "First's name", "version": first_version})

    response = second.submit(url, {"name": "Second's name", "version": second_version})

    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else changed this lawful basis while you were editing it" in text
    assert "Lawful basis Second's name First's name Different" in text
    assert field_value(response, "name") == "Second's name"
    assert bases()[0].name == "First's name"
    again = second.submit(url, {"name": "Second's name", "version": version_on(response)})
    assert again.status_code == 302
    assert bases()[0].name == "Second's name"


def test_retiring_stops_offering_a_basis_and_it_can_be_put_back(login_as):
    coordinator = login_as("coordinator")
    basis = a_basis()

    retired = coordinator.submit(
        f"/sharing/lawful-bases/{basis.id}/retire", page="/sharing/lawful-bases"
    )

    assert retired.status_code == 302
    assert bases()[0].active is False
    assert "Retired" in page_text(coordinator.get("/sharing/lawful-bases"))
    assert (
        coordinator.submit(
            f"/sharing/lawful-bases/{basis.id}/reinstate", page="/sharing/lawful-bases"
        ).status_code
        == 302
    )
    assert bases()[0].active is True
    assert [e.action for e in audit_events() if e.target_id == basis.id] == [
        "lawful_basis_retired",
        "lawful_basis_reinstated",
    ]


@pytest.mark.parametrize(
    ("active", "button", "told", "not_told"),
    [
        (False, "retire", "had already been retired: nothing has changed", "has been retired"),
        (True, "reinstate", "was already in use: nothing has changed", "is in use again"),
    ],
)
def test_a_second_click_says_nothing_changed(login_as, active, button, told, not_told):
    coordinator = login_as("coordinator")
    basis = a_basis(active=active)

    response = coordinator.submit(
        f"/sharing/lawful-bases/{basis.id}/{button}", page="/sharing/lawful-bases"
    )

    text = page_text(coordinator.get(response.headers["Location"]))
    assert f"UK GDPR 6(1)(e) public task {told}" in text
    assert not_told not in text
    assert [e.action for e in audit_events() if e.target_id == basis.id] == []


def test_an_unknown_lawful_basis_is_404(login_as):
    coordinator = login_as("coordinator")
    assert coordinator.get("/sharing/lawful-bases/999").status_code == 404
    assert coordinator.submit("/sharing/lawful-bases/999/retire", page="/").status_code == 404


@pytest.mark.parametrize(
    "role", ["admin", "dsl", "school_staff", "link_worker", "practitioner", "gp"]
)
def test_nobody_but_a_coordinator_may_use_the_list(app, login_as, role):
    visitor = login_as(role)
    basis = a_basis()
    paths = {
        rule.rule.replace("<int:basis_id>", str(basis.id)): rule.methods
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("sharing.")
    }
    assert len(paths) == 5

    for path, methods in paths.items():
        if "GET" in methods:
            assert visitor.get(path).status_code == 403, path
        if "POST" in methods:
            response = visitor.submit(path, {"name": "Changed", "version": "x"}, page="/")
            assert response.status_code == 403, path
    [saved] = bases()
    assert (saved.name, saved.active) == ("UK GDPR 6(1)(e) public task", True)


def test_a_basis_a_decision_gives_keeps_its_wording(login_as):
    """A decision keeps the words it was made on: the basis it gives is retired and a new one
    added, never reworded under it."""
    coordinator = login_as("coordinator")
    dsl = login_as("dsl")
    basis = a_basis(condition="Children Act 1989 s17")
    child = factories.child(school=dsl.user.school)
    db.session.flush()
    db.session.add(
        SharingDecision(
            child_id=child.id,
            shared=True,
            shared_with="Future in Mind",
            lawful_basis_id=basis.id,
            reasons="To plan support together",
            decided_by_id=dsl.user.id,
        )
    )
    db.session.commit()
    url = f"/sharing/lawful-bases/{basis.id}"

    reworded = coordinator.submit(
        url,
        {
            "name": "Public task",
            "condition": "Children Act 1989 s17",
            "version": version_on(coordinator.get(url)),
        },
    )
    as_it_was = coordinator.submit(
        url,
        {
            "name": "UK GDPR 6(1)(e) public task",
            "condition": "Children Act 1989 s17",
            "version": version_on(coordinator.get(url)),
        },
    )

    assert reworded.status_code == 200
    assert error_summary(reworded) == {
        "name": "1 sharing decision gives this lawful basis as it is worded now, so its wording "
        "cannot change. Retire it and add the new wording instead"
    }
    assert field_value(reworded, "name") == "Public task"
    assert bases()[0].name == "UK GDPR 6(1)(e) public task"
    assert audit_events("lawful_basis_changed") == []
    # Sent back as it was: nothing is refused, and nothing is said to be saved.
    assert as_it_was.status_code == 302
    listing = page_text(coordinator.get("/sharing/lawful-bases"))
    assert "You did not change anything, so nothing has been saved" in listing
    assert "has been saved" not in listing.replace("nothing has been saved", "")
