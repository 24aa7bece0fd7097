"""Coordinators: they find children in the schools they cover, and open a record only after
recording why, for a few hours."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from tas.core.clock import utcnow
from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.pages import audit_events, error_summary, page_text

SEARCH = "/children"


def search(browser, **criteria):
    """Post the search form as a browser does (the date as three boxes)."""
    data = {"name": "", "nhs_number": "", "upn": "", **criteria}
    born = data.pop("date_of_birth", None)
    if born:
        data["date_of_birth"] = [str(born.day), str(born.month), str(born.year)]
    return browser.submit(SEARCH, data)


def names_in(response) -> str:
    return page_text(response)


def test_a_coordinator_finds_a_child_only_by_exact_identification_then_gives_a_reason(login_as):
    cluster = factories.cluster()
    coordinator = login_as("coordinator", clusters=[cluster], district_wide=False)
    covered = factories.child(
        school=factories.school(cluster=cluster),
        first_name="Covered",
        last_name="Quill",
        nhs_number="4857773457",
    )
    factories.child(first_name="Covered", last_name="Elsewhere", nhs_number="9434765919")
    db.session.commit()

    listed = page_text(coordinator.get(SEARCH))
    assert "You have not opened any child's record" in listed
    # Browsing by part of a name finds nobody: no names of unopened records.
    assert "Quill" not in page_text(search(coordinator, name="covered"))
    # The NHS number, or the full name with the date of birth, identifies exactly one child.
    for found in (
        search(coordinator, nhs_number="485 777 3457"),
        search(coordinator, nhs_number="9434765919"),  # outside their clusters: not found
    ):
        text = page_text(found)
        assert "Elsewhere" not in text
    by_name = search(coordinator, name="covered quill", date_of_birth=covered.date_of_birth)
    assert "Search results: 1 child" in page_text(by_name)
    found = search(coordinator, nhs_number="485 777 3457")
    text = page_text(found)
    assert "Search results: 1 child" in text
    assert covered.school.name in text
    body = found.get_data(as_text=True)
    assert f'href="/children/{covered.id}/reason"' in body
    assert f'href="/children/{covered.id}"' not in body
    assert (
        coordinator.get(f"/children/{covered.id}")
        .headers["Location"]
        .endswith(f"/children/{covered.id}/reason")
    )


def test_a_coordinators_reason_opens_the_record_for_8_hours_audited(login_as, app):
    cluster = factories.cluster()
    coordinator = login_as("coordinator", clusters=[cluster], district_wide=False)
    child = factories.child(school=factories.school(cluster=cluster), first_name="Reasoned")
    db.session.commit()
    url = f"/children/{child.id}/reason"

    too_short = coordinator.submit(url, {"reason": "because"})
    assert "Say why in a few words" in page_text(too_short)
    pasted = coordinator.submit(url, {"reason": "Preparing the\x00 cluster agenda"})
    assert error_summary(pasted) == {
        "reason": "Your reason contains characters that cannot be used: retype it rather than "
        "pasting it"
    }
    assert coordinator.get(f"/children/{child.id}").status_code == 302

    opened = coordinator.submit(url, {"reason": "Preparing the cluster TAS agenda"})

    assert opened.headers["Location"] == f"/children/{child.id}"
    page = coordinator.get(f"/children/{child.id}")
    assert page.status_code == 200 and "Reasoned" in page_text(page)
    recorded = audit_events("coordinator_access_recorded")[-1]
    assert (recorded.target_id, recorded.actor_id) == (child.id, coordinator.user.id)
    assert recorded.detail["hours"] == app.config["COORDINATOR_ACCESS_HOURS"]
    assert "Records you have opened: 1 child" in page_text(coordinator.get(SEARCH))

    with time_machine.travel(utcnow() + timedelta(hours=7, minutes=59), tick=False):
        later = Visitor(app.test_client())  # the morning's session has long timed out
        later.sign_in(coordinator.user.email)
        assert later.get(f"/children/{child.id}").status_code == 200

    with time_machine.travel(utcnow() + timedelta(hours=8, minutes=1), tick=False):
        later = Visitor(app.test_client())
        later.sign_in(coordinator.user.email)
        again = later.get(f"/children/{child.id}")
        assert again.status_code == 302 and again.headers["Location"].endswith("/reason")
        assert "You have not opened any child's record" in page_text(later.get(SEARCH))


def test_a_coordinator_cannot_give_a_reason_for_a_child_outside_their_clusters(login_as):
    coordinator = login_as("coordinator", clusters=[factories.cluster()], district_wide=False)
    elsewhere = factories.child()
    db.session.commit()

    assert coordinator.get(f"/children/{elsewhere.id}/reason").status_code == 404
    response = coordinator.submit(
        f"/children/{elsewhere.id}/reason",
        {"reason": "I would like to look please"},
        page=SEARCH,
    )
    assert response.status_code == 404
    assert coordinator.get(f"/children/{elsewhere.id}").status_code == 404


def test_only_coordinators_give_reasons(login_as):
    dsl = login_as("dsl")
    child = factories.child(school=dsl.user.school)
    db.session.commit()
    assert dsl.get(f"/children/{child.id}/reason").status_code == 404


def test_a_link_into_a_record_asks_the_coordinator_why_then_opens_that_page(login_as):
    """A reminder links a coordinator straight to a page of a record (an overdue action, say):
    they are asked why first, then taken to that page, not to a dead end."""
    cluster = factories.cluster()
    coordinator = login_as("coordinator", clusters=[cluster], district_wide=False)
    child = factories.child(school=factories.school(cluster=cluster), first_name="Linked")
    elsewhere = factories.child()
    db.session.commit()
    family = f"/children/{child.id}/family"

    asked = coordinator.get(family)
    assert asked.status_code == 302
    assert asked.headers["Location"] == f"/children/{child.id}/reason?next={family}"
    sent_on = coordinator.submit(
        asked.headers["Location"], {"reason": "Following up the reminder"}, page=asked.location
    )
    assert sent_on.headers["Location"] == family
    assert coordinator.get(family).status_code == 200

    # Nowhere but the record itself: another `next` goes to the child's page.
    other = factories.child(school=factories.school(cluster=cluster))
    db.session.commit()
    for onward in ("/admin/users", "//evil.example/x", f"/children/{child.id}/family"):
        url = f"/children/{other.id}/reason?next={onward}"
        said = coordinator.submit(url, {"reason": "Following up the reminder"}, page=url)
        assert said.headers["Location"] == f"/children/{other.id}"
    # Changing a record is never a link to follow: still refused without a reason.
    third = factories.child(school=factories.school(cluster=cluster))
    db.session.commit()
    assert (
        coordinator.submit(f"/children/{third.id}/family/new", {}, page=SEARCH).status_code == 404
    )
    # A child outside their clusters is not known to exist.
    assert coordinator.get(f"/children/{elsewhere.id}/family").status_code == 404


def test_a_coordinator_is_told_what_to_give_to_find_a_record_they_have_not_opened(login_as):
    cluster = factories.cluster()
    coordinator = login_as("coordinator", clusters=[cluster], district_wide=False)
    covered = factories.child(
        school=factories.school(cluster=cluster), first_name="Covered", last_name="Quill"
    )
    db.session.commit()
    asked = page_text(coordinator.get(SEARCH))
    assert "First name, last name or both" not in asked
    assert "To find a record you have not opened, give the date of birth as well" in asked

    for by_name_alone in ("Covered Quill", "Quill"):
        shown = page_text(search(coordinator, name=by_name_alone))
        assert "No children found" in shown
        assert (
            "To find another child at the schools you cover, enter their first and last name "
            "with their date of birth, or their NHS number or UPN" in shown
        )
        assert "Check the spelling" not in shown

    wrong_day = covered.date_of_birth + timedelta(days=1)
    shown = page_text(search(coordinator, name="Covered Quill", date_of_birth=wrong_day))
    assert "No children found" in shown and "Check the spelling" in shown
    found = search(coordinator, name="Covered Quill", date_of_birth=covered.date_of_birth)
    assert "Search results: 1 child" in page_text(found)


def test_every_answer_given_must_match_the_child_a_coordinator_has_not_opened(login_as):
    """Isla's name and date of birth beside Mia's NHS number finds nobody: never Mia, as the
    number alone would; nor does part of a name beside a number spell out whose it is."""
    cluster = factories.cluster()
    coordinator = login_as("coordinator", clusters=[cluster], district_wide=False)
    school = factories.school(cluster=cluster)
    mia = factories.child(
        school=school, first_name="Mia", last_name="Hughes", nhs_number="4857773457"
    )
    isla = factories.child(school=school, first_name="Isla", last_name="Murphy")
    db.session.commit()

    mismatched = search(
        coordinator, name="Isla Murphy", date_of_birth=isla.date_of_birth, nhs_number="4857773457"
    )
    partial = search(coordinator, name="mi", nhs_number="4857773457")
    wrong_birthday = search(
        coordinator, nhs_number="4857773457", date_of_birth=mia.date_of_birth + timedelta(days=1)
    )
    exact = search(
        coordinator, name="Mia Hughes", date_of_birth=mia.date_of_birth, nhs_number="4857773457"
    )

    for nothing in (mismatched, partial, wrong_birthday):
        assert "Search results: 1 child" not in page_text(nothing)
        assert f"/children/{mia.id}/reason" not in nothing.get_data(as_text=True)
    assert f'href="/children/{mia.id}/reason"' in exact.get_data(as_text=True)
