"""A change of school asks for the date of the move and shows what will change before anything
changes; the date is kept, shown on the child's page and audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tas.children.models import Child, SchoolMove, StaffGrant
from tas.extensions import db
from tests import factories
from tests.children.test_school_move import as_typed
from tests.pages import audit_events, error_summary, page_text, saved, version_on

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

TODAY = date(2026, 11, 10)  # a Tuesday


@pytest.fixture(autouse=True)
def on_a_school_day():
    with time_machine.travel(datetime(2026, 11, 10, 10, 0, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def moving(login_as):
    """Oakfield's DSL, a child with a member of staff granted and a link worker of Oakfield only,
    and the new school with its DSL."""
    old_dsl = login_as("dsl", name="Dana Oldschool")
    old = old_dsl.user.school
    new = factories.school(name="Castle Academy")
    factories.user("dsl", school=new, name="Cass Newschool")
    child = factories.child(school=old, first_name="Moving")
    staff = factories.user("school_staff", school=old, name="Sam Senco")
    factories.user("link_worker", linked_schools=[old], name="Lin Oldlink")
    factories.user("link_worker", linked_schools=[old, new], name="Bo Bothlinks")
    db.session.flush()
    db.session.add(StaffGrant(child_id=child.id, user_id=staff.id, granted_by_id=old_dsl.user.id))
    db.session.commit()
    return old_dsl, child, new


def chosen(browser, child, school, on) -> dict:
    page = browser.get(f"/children/{child.id}/school")
    return {"school": str(school.id), "moved_on": on, "version": version_on(page)}


def test_the_first_post_only_shows_what_will_change(moving):
    old_dsl, child, new = moving
    url = f"/children/{child.id}/school"

    check = old_dsl.submit(url, chosen(old_dsl, child, new, as_typed(date(2026, 11, 2))))

    text = page_text(check)
    assert check.status_code == 200
    assert "Check the change of school" in text
    for shown in (
        "Now at " + old_dsl.user.school.name,
        "Moving started at Castle Academy on 2 November 2026",
        "New school Castle Academy",
        "Date of the move 2 November 2026",
        "Castle Academy (Cass Newschool) can see and change the child's record straight away",
        "(Dana Oldschool) can only read the record until 10 December 2026",  # 30 days on
        "send the child protection file by 17 November 2026",  # 5 school days from today
        "lose the access a DSL gave them at once: Sam Senco",
        "who do not lead the child's plan lose access at once: Lin Oldlink",
    ):
        assert shown in text, shown
    assert "Bo Bothlinks" not in text  # linked to both schools: keeps access
    # Nothing has changed yet.
    assert saved(Child, child.id).school_id == old_dsl.user.school_id
    assert db.session.scalars(select(SchoolMove)).all() == []
    assert db.session.scalars(select(StaffGrant.revoked_at)).all() == [None]
    assert audit_events("child_school_changed") == []
    assert audit_events("school_move_checked")


def test_confirming_records_the_date_shows_it_and_audits_it(moving):
    old_dsl, child, new = moving
    url = f"/children/{child.id}/school"
    data = chosen(old_dsl, child, new, as_typed(date(2026, 11, 2)))
    old_dsl.submit(url, data)

    done = old_dsl.submit(url, {**data, "confirm": "yes"})

    assert done.status_code == 302
    move = db.session.scalars(select(SchoolMove)).one()
    assert move.moved_on == date(2026, 11, 2)
    assert saved(Child, child.id).school_id == new.id
    assert audit_events("child_school_changed")[-1].detail["moved_on"] == "2026-11-02"
    new_dsl = old_dsl  # the old DSL still reads the page for 30 days
    history = page_text(new_dsl.get(f"/children/{child.id}"))
    assert (
        "Changes of school: " in history and "Castle Academy, moved on 2 November 2026" in history
    )


@pytest.mark.parametrize("ahead", [date(2026, 11, 11), date(2027, 1, 4)])
def test_a_move_dated_ahead_is_refused_and_changes_nothing(moving, ahead):
    """Confirming a move changes who sees the record at once, so a move is recorded once it has
    happened: a date after today is refused at the form and again when confirmed."""
    old_dsl, child, new = moving
    url = f"/children/{child.id}/school"
    data = chosen(old_dsl, child, new, as_typed(ahead))

    for response in (old_dsl.submit(url, data), old_dsl.submit(url, {**data, "confirm": "yes"})):
        assert response.status_code == 200
        assert error_summary(response) == {
            "moved_on": "The date of the move must be today or in the past: record the move on "
            "the day the child starts at the new school"
        }
        assert "Check the change of school" not in page_text(response)
        body = response.get_data(as_text=True)
        assert f'value="{ahead.day}"' in body and f'value="{ahead.year}"' in body  # kept
    assert saved(Child, child.id).school_id == old_dsl.user.school_id
    assert db.session.scalars(select(SchoolMove)).all() == []
    assert db.session.scalars(select(StaffGrant.revoked_at)).all() == [None]


def test_a_move_dated_today_counts_the_old_schools_time_from_now(moving):
    old_dsl, child, new = moving
    url = f"/children/{child.id}/school"
    data = chosen(old_dsl, child, new, as_typed(TODAY))
    check = old_dsl.submit(url, data)
    assert "can only read the record until 10 December 2026" in page_text(check)

    done = old_dsl.submit(url, {**data, "confirm": "yes"})

    assert done.status_code == 302
    move = db.session.scalars(select(SchoolMove)).one()
    assert move.moved_on == TODAY
    assert saved(Child, child.id).school_id == new.id
    assert move.read_only_until.date() == date(2026, 12, 10)


def test_change_goes_back_to_the_form_with_what_was_chosen(moving):
    old_dsl, child, new = moving
    url = f"/children/{child.id}/school"
    data = chosen(old_dsl, child, new, as_typed(date(2026, 11, 2)))

    back = old_dsl.submit(url, {**data, "change": "yes"})

    body = back.get_data(as_text=True)
    assert back.status_code == 200 and "Check the change of school" not in page_text(back)
    assert f'<option value="{new.id}" selected' in body
    assert 'value="2"' in body and 'value="2026"' in body
    assert saved(Child, child.id).school_id == old_dsl.user.school_id


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        (["", "", ""], "Enter the date the child moves school"),
        (["31", "2", "2026"], "Date of the move must be a real date"),
        (
            ["1", "11", "2025"],
            "The date of the move must be on or after 10 November 2025: record a move within "
            "a year of it happening",
        ),
        (["1", "11", "2062"], "The date of the move must be today or in the past"),
    ],
)
def test_a_date_that_is_not_sensible_is_refused_and_kept(moving, typed, problem):
    old_dsl, child, new = moving
    url = f"/children/{child.id}/school"
    data = chosen(old_dsl, child, new, typed)

    for response in (old_dsl.submit(url, data), old_dsl.submit(url, {**data, "confirm": "yes"})):
        assert response.status_code == 200
        assert error_summary(response)["moved_on"].startswith(problem)
        assert "Check the change of school" not in page_text(response)
    assert db.session.scalars(select(SchoolMove)).all() == []


def test_a_move_cannot_be_dated_before_the_childs_last_move(moving, login_as):
    old_dsl, child, new = moving
    url = f"/children/{child.id}/school"
    old_dsl.submit(
        url, {**chosen(old_dsl, child, new, as_typed(date(2026, 11, 2))), "confirm": "yes"}
    )
    new_dsl = login_as("dsl", school=new)

    back = new_dsl.submit(
        url, chosen(new_dsl, child, old_dsl.user.school, as_typed(date(2026, 10, 1)))
    )

    assert error_summary(back)["moved_on"] == (
        "The date of the move must be on or after 2 November 2026, when the child last changed "
        "school"
    )


def test_the_form_and_check_page_run_the_same_queries_for_few_or_many_people(
    login_as, count_queries
):
    counted = []
    for size in (1, 6):
        dsl = login_as("dsl")
        old, new = dsl.user.school, factories.school()
        child = factories.child(school=old)
        db.session.flush()
        for _ in range(size):
            staff = factories.user("school_staff", school=old)
            factories.user("link_worker", linked_schools=[old])
            factories.user("dsl", school=new)
            db.session.flush()
            db.session.add(
                StaffGrant(child_id=child.id, user_id=staff.id, granted_by_id=dsl.user.id)
            )
        db.session.commit()
        url = f"/children/{child.id}/school"
        with count_queries() as form:
            page = dsl.get(url)
        data = {"school": str(new.id), "moved_on": as_typed(TODAY), "version": version_on(page)}
        with count_queries() as check:
            assert "Check the change of school" in page_text(dsl.submit(url, data))
        counted.append((len(form), len(check)))

    assert counted[0] == counted[1]
