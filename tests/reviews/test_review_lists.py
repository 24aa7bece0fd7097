"""Review lists: mine, due in the next 10 working days, overdue, recently completed; narrowed to
a school or cluster the person covers. Each person sees only reviews they may see, coordinators
by reference without children's names, and the page's queries do not grow with the rows."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tas.core import choices
from tas.extensions import db
from tests import factories
from tests.pages import audit_events, options_of, page_text
from tests.plans.helpers import child_at
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_review_completion import signed_in

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

LIST = "/reviews"


def references(response) -> list[str]:
    """The references in the list, in order."""
    body = response.get_data(as_text=True)
    start = body.find('id="reviews"')
    if start == -1:
        return []
    table = body[start : body.find("</table>", start)]
    return re.findall(r">((?:TAS|IFD|REV)-\d{4})<", table)


def ref(plan) -> str:
    return f"TAS-{plan.id:04d}"


def a_review(setting, **fields):
    defaults = {"plan_id": setting.plan.id, "owner_id": setting.link_worker.id}
    return factories.review(setting.child, **{**defaults, **fields})


def test_the_owner_sees_their_own_reviews_first(app):
    setting = child_with_plan()
    a_review(setting, due_on=date(2026, 12, 18))
    other = child_with_plan()  # someone else's review at another school
    a_review(other, due_on=date(2026, 12, 1))
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    page = lead.get(LIST)

    assert page.status_code == 200
    assert references(page) == [ref(setting.plan)]
    text = page_text(page)
    assert "Mine" in text
    assert setting.child.full_name in text  # a link worker may read the child's record
    assert "18 December 2026" in text
    assert "Due soon" not in text  # 18 December is after the next 10 working days


def test_due_soon_and_overdue_on_27_november_2026(app):
    setting = child_with_plan()
    today = a_review(setting, due_on=date(2026, 11, 27))
    soon = a_review(setting, due_on=date(2026, 12, 11), kind="handover_meeting")
    later = a_review(setting, due_on=date(2026, 12, 14), kind="handover_meeting")
    late = a_review(setting, due_on=date(2026, 11, 26), kind="handover_meeting")
    a_review(setting, due_on=date(2026, 11, 2), status="completed", completed_on=date(2026, 11, 2))
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    due_soon = dsl.get(f"{LIST}?show=soon")
    overdue = dsl.get(f"{LIST}?show=overdue")
    completed = dsl.get(f"{LIST}?show=completed")

    rows = lambda page: re.findall(r'id="review-(\d+)"', page.get_data(as_text=True))  # noqa: E731
    assert rows(due_soon) == [str(today.id), str(soon.id)]
    assert str(later.id) not in rows(due_soon)
    assert "Due today" in page_text(due_soon) and "Due soon" in page_text(due_soon)
    assert rows(overdue) == [str(late.id)]
    assert "26 November 2026 Overdue" in page_text(overdue)
    assert len(rows(completed)) == 1
    assert "Reviewed" not in page_text(completed)  # no outcome recorded on this one


def test_another_schools_dsl_sees_none_and_is_told_so(app, login_as):
    setting = child_with_plan()
    a_review(setting, due_on=date(2026, 12, 1))
    a_review(setting, due_on=date(2026, 11, 20))
    db.session.commit()
    other = login_as("dsl")

    soon = other.get(f"{LIST}?show=soon")
    overdue = other.get(f"{LIST}?show=overdue")

    assert references(soon) == [] and references(overdue) == []
    assert "No reviews are due in the next 10 working days" in page_text(soon)
    assert "No reviews are overdue" in page_text(overdue)
    own = signed_in(app, setting.dsl)
    assert references(own.get(f"{LIST}?show=soon")) == [ref(setting.plan)]


def test_someone_who_owns_nothing_opens_on_due_soon_with_plain_words(login_as):
    dsl = login_as("dsl")

    page = dsl.get(LIST)

    assert page.status_code == 200
    assert "No reviews are due in the next 10 working days" in page_text(page)
    mine = page_text(dsl.get(f"{LIST}?show=mine"))
    assert "You have no open reviews" in mine
    assert "as the referrer waiting for an IFD decision" in mine


def test_a_coordinator_sees_references_never_names(app, login_as):
    setting = child_with_plan()
    review = a_review(setting, due_on=date(2026, 12, 1), notes="Private words")
    elsewhere = child_with_plan()
    a_review(elsewhere, due_on=date(2026, 12, 2))
    db.session.commit()
    coordinator = login_as("coordinator", clusters=[setting.school.cluster], district_wide=False)
    district = login_as("coordinator")

    mine = coordinator.get(f"{LIST}?show=soon")
    everywhere = district.get(f"{LIST}?show=soon")

    assert references(mine) == [ref(setting.plan)]
    assert references(everywhere) == [ref(setting.plan), ref(elsewhere.plan)]
    for page in (mine, everywhere):
        text = page_text(page)
        assert setting.child.first_name not in text
        assert elsewhere.child.first_name not in text
        assert "Children's names are not shown" in text
    assert setting.school.name in page_text(mine)
    # The review page: the reference, but no name and no notes without a reason to open it.
    review_page = page_text(coordinator.get(f"/reviews/{review.id}"))
    assert ref(setting.plan) in review_page
    assert setting.child.first_name not in review_page
    assert "Private words" not in review_page


def test_the_school_and_cluster_filters_offer_only_what_the_person_covers(app, login_as):
    first = child_with_plan()
    second_school = factories.school(cluster=first.school.cluster)
    second_child = child_at(second_school)
    second_plan = factories.plan(second_child, lead_practitioner=first.link_worker)
    unrelated = child_with_plan()
    db.session.flush()
    a_review(first, due_on=date(2026, 12, 1))
    factories.review(second_child, plan_id=second_plan.id, due_on=date(2026, 12, 2))
    a_review(unrelated, due_on=date(2026, 12, 3))
    first.link_worker.linked_schools.append(second_school)
    db.session.commit()
    lead = signed_in(app, first.link_worker)

    both = lead.get(f"{LIST}?show=soon")
    one = lead.get(f"{LIST}?show=soon&school={second_school.id}")
    not_theirs = lead.get(f"{LIST}?show=soon&school={unrelated.school.id}")
    nonsense = lead.get(f"{LIST}?show=everything")

    assert references(both) == [ref(first.plan), ref(second_plan)]
    assert references(one) == [ref(second_plan)]
    assert not_theirs.status_code == 400
    assert "Select a school from the list" in page_text(not_theirs)
    assert references(not_theirs) == []
    assert nonsense.status_code == 400
    assert 'name="cluster"' not in both.get_data(as_text=True)  # clusters: coordinators only

    coordinator = login_as("coordinator")
    by_cluster = coordinator.get(f"{LIST}?show=soon&cluster={first.school.cluster_id}")
    assert references(by_cluster) == [ref(first.plan), ref(second_plan)]


def test_a_region_wide_coordinator_narrows_reviews_to_a_cluster_then_a_school(
    login_as, monkeypatch
):
    """Past SCHOOLS_AT_ONCE schools, the school filter lists the cluster chosen's schools."""
    monkeypatch.setattr(choices, "SCHOOLS_AT_ONCE", 1)
    first, other = child_with_plan(), child_with_plan()
    db.session.flush()
    a_review(first, due_on=date(2026, 12, 1))
    a_review(other, due_on=date(2026, 12, 2))
    db.session.commit()
    coordinator = login_as("coordinator")
    cluster, school = other.school.cluster_id, other.school.id

    unchosen = coordinator.get(f"{LIST}?show=soon")
    in_cluster = coordinator.get(f"{LIST}?show=soon&cluster={cluster}")
    chosen = coordinator.get(f"{LIST}?show=soon&cluster={cluster}&school={school}")

    assert "Choose a cluster first: its schools are then listed here" in page_text(unchosen)
    assert options_of(unchosen, "school") == ["All your schools"]
    assert options_of(in_cluster, "school") == ["All your schools", other.school.name]
    assert references(chosen) == [ref(other.plan)]


@pytest.mark.parametrize("role", ["gp", "admin"])
def test_people_without_reviews_have_no_list(login_as, role):
    assert login_as(role).get(LIST).status_code == 403


def test_the_list_read_is_audited_with_codes_and_ids(app):
    setting = child_with_plan()
    a_review(setting, due_on=date(2026, 11, 20))
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    lead.get(f"{LIST}?show=overdue&page=1")

    [event] = audit_events("reviews_listed")
    assert event.actor_id == setting.link_worker.id
    assert event.detail == {
        "view": "overdue",
        "school_id": None,
        "cluster_id": None,
        "page": 1,
        "found": 1,
    }


def test_the_list_is_paged(app):
    setting = child_with_plan()
    for n in range(30):
        a_review(
            setting, due_on=date(2026, 12, 1), kind="handover_meeting" if n % 2 else "plan_review"
        )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    first = lead.get(f"{LIST}?show=mine")
    second = lead.get(f"{LIST}?show=mine&page=2")

    assert len(references(first)) == 25 and len(references(second)) == 5
    assert "30 reviews: page 1 of 2" in page_text(first)
    assert 'href="/reviews?page=2&amp;show=mine"' in first.get_data(as_text=True)


@pytest.mark.parametrize("role", ["dsl", "link_worker", "coordinator"])
def test_the_list_runs_the_same_queries_for_2_or_30_reviews(app, login_as, count_queries, role):
    counted = []
    for size in (2, 30):
        setting = child_with_plan()
        if role == "coordinator":
            browser = login_as(
                "coordinator", clusters=[setting.school.cluster], district_wide=False
            )
        else:
            browser = signed_in(app, getattr(setting, role))
        for n in range(size):
            other_child = child_at(setting.school)
            plan = factories.plan(other_child, lead_practitioner=setting.link_worker)
            db.session.flush()
            factories.review(
                other_child,
                plan_id=plan.id,
                owner_id=setting.link_worker.id,
                due_on=date(2026, 11, 1 + n % 20),
            )
        db.session.commit()
        browser.get("/")
        with count_queries() as statements:
            response = browser.get(f"{LIST}?show=overdue")
        assert response.status_code == 200
        assert len(references(response)) == min(size, 25)
        counted.append(len(statements))

    assert counted[0] == counted[1]


def test_back_to_reviews_returns_to_the_list_as_it_was_filtered(app):
    setting = child_with_plan()
    late = a_review(setting, due_on=date(2026, 11, 26), kind="handover_meeting")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    chosen = f"show=overdue&school={setting.child.school_id}"

    listed = dsl.get(f"{LIST}?{chosen}").get_data(as_text=True)
    (link,) = re.findall(rf'href="(/reviews/{late.id}[^"]*)"', listed)
    review = dsl.get(link.replace("&amp;", "&")).get_data(as_text=True)
    (back,) = re.findall(r'href="([^"]*)" class="govuk-back-link"', review)

    assert back.replace("&amp;", "&") == f"{LIST}?{chosen}"
    unfiltered = dsl.get(f"/reviews/{late.id}").get_data(as_text=True)
    assert re.findall(r'href="([^"]*)" class="govuk-back-link"', unfiltered) == [LIST]
    tampered = dsl.get(f"/reviews/{late.id}?show=%3Cb%3E&page=2&cluster=javascript:x")
    assert re.findall(
        r'href="([^"]*)" class="govuk-back-link"', tampered.get_data(as_text=True)
    ) == [f"{LIST}?page=2"]
