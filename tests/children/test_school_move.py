"""A change of school, the child protection file that follows it, and which of a school's
staff may see a child."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tas.children.models import Child, FileTransfer, SchoolMove, StaffGrant
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import today, utcnow
from tas.core.days import add_working_days
from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.pages import audit_events, error_summary, page_text, saved, version_on


def as_typed(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def moved(browser, child, to_school, on: date | None = None):
    """Move the child through the form and its check page, as the signed-in person."""
    url = f"/children/{child.id}/school"
    page = browser.get(url)
    chosen = {
        "school": str(to_school.id),
        "moved_on": as_typed(on or today()),
        "version": version_on(page),
    }
    check = browser.submit(url, chosen)
    assert check.status_code == 200 and "Check the change of school" in page_text(check)
    return browser.submit(url, {**chosen, "confirm": "yes"})


@pytest.fixture
def schools_and_dsls(login_as):
    old_dsl = login_as("dsl")
    new_school = factories.school(name="New Academy")
    new_dsl = login_as("dsl", school=new_school)
    child = factories.child(school=old_dsl.user.school, first_name="Moving")
    db.session.commit()
    return old_dsl, new_dsl, child


def test_a_move_gives_the_new_school_the_record_and_the_old_one_30_days_read_only(
    schools_and_dsls, app
):
    old_dsl, new_dsl, child = schools_and_dsls
    old_school_id = old_dsl.user.school_id

    response = moved(old_dsl, child, new_dsl.user.school)

    assert response.headers["Location"] == f"/children/{child.id}"
    assert saved(Child, child.id).school_id == new_dsl.user.school_id
    move = db.session.scalars(select(SchoolMove)).one()
    days = app.config["OLD_SCHOOL_READ_ONLY_DAYS"]
    assert move.from_school_id == old_school_id and move.moved_by_id == old_dsl.user.id
    assert abs(move.read_only_until - (utcnow() + timedelta(days=days))) < timedelta(minutes=1)
    transfer = db.session.scalars(select(FileTransfer)).one()
    assert transfer.due_on == add_working_days(today(), 5, ENGLAND_AND_WALES)
    event = audit_events("child_school_changed")[-1]
    assert event.detail["to_school_id"] == new_dsl.user.school_id

    assert new_dsl.get(f"/children/{child.id}/details").status_code == 200
    old_page = old_dsl.get(f"/children/{child.id}")
    assert old_page.status_code == 200
    assert f"/children/{child.id}/details" not in old_page.get_data(as_text=True)
    assert "Change school" not in page_text(old_page)
    assert old_dsl.get(f"/children/{child.id}/details").status_code == 403
    assert "Moving" in page_text(old_dsl.get("/children"))

    with time_machine.travel(utcnow() + timedelta(days=days, minutes=1), tick=False):
        later = Visitor(app.test_client())
        later.sign_in(old_dsl.user.email)
        assert later.get(f"/children/{child.id}").status_code == 404
        assert "Moving" not in page_text(later.get("/children"))


def test_the_old_dsl_sends_the_file_and_the_new_dsl_confirms_receipt(schools_and_dsls):
    old_dsl, new_dsl, child = schools_and_dsls
    moved(old_dsl, child, new_dsl.user.school)
    transfer = db.session.scalars(select(FileTransfer)).one()
    sent = f"/children/{child.id}/file-transfers/{transfer.id}/sent"
    received = f"/children/{child.id}/file-transfers/{transfer.id}/received"
    page = f"/children/{child.id}"

    old_view = old_dsl.get(page).get_data(as_text=True)
    new_view = new_dsl.get(page).get_data(as_text=True)
    assert f'action="{sent}"' in old_view and f'action="{received}"' not in old_view
    assert f'action="{received}"' in new_view and f'action="{sent}"' not in new_view
    assert "To be sent by" in page_text(new_dsl.get(page))

    assert new_dsl.submit(sent, {}, page=page).status_code == 403
    assert old_dsl.submit(received, {}, page=page).status_code == 403
    assert old_dsl.submit(sent, {}, page=page).status_code == 302
    assert new_dsl.submit(received, {}, page=page).status_code == 302

    done = saved(FileTransfer, transfer.id)
    assert done.sent_on == today() and done.sent_by_id == old_dsl.user.id
    assert done.receipt_confirmed_on == today()
    assert done.receipt_confirmed_by_id == new_dsl.user.id
    assert audit_events("child_protection_file_sent")[-1].actor_id == old_dsl.user.id
    assert audit_events("child_protection_file_received")[-1].actor_id == new_dsl.user.id
    assert "Child protection file" not in page_text(new_dsl.get(page))  # nothing left to do


def test_the_file_transfer_is_due_in_school_days_that_skip_the_half_term_holiday(login_as):
    """Moved on Friday 23 October 2026, the last day before half term (26-30 October): five
    school days later is Friday 6 November, not Friday 30 October."""
    factories.term(
        name="autumn",
        starts_on=date(2026, 9, 3),
        ends_on=date(2026, 12, 18),
        half_term_starts_on=date(2026, 10, 26),
        half_term_ends_on=date(2026, 10, 30),
    )
    with time_machine.travel(datetime(2026, 10, 23, 10, 0, tzinfo=UTC), tick=False):
        old_dsl = login_as("dsl")
        new_school = factories.school(name="New Academy")
        child = factories.child(school=old_dsl.user.school)
        db.session.commit()
        moved(old_dsl, child, new_school)

    db.session.expire_all()
    assert db.session.scalars(select(FileTransfer)).one().due_on == date(2026, 11, 6)


def test_a_file_transfer_of_another_child_is_not_found(schools_and_dsls):
    old_dsl, new_dsl, child = schools_and_dsls
    moved(old_dsl, child, new_dsl.user.school)
    other = factories.child(school=old_dsl.user.school)
    db.session.commit()
    transfer = db.session.scalars(select(FileTransfer)).one()

    response = old_dsl.submit(
        f"/children/{other.id}/file-transfers/{transfer.id}/sent", {}, page="/children"
    )
    assert response.status_code == 404


def test_moving_refuses_the_same_school_and_a_stale_form(schools_and_dsls):
    old_dsl, new_dsl, child = schools_and_dsls
    url = f"/children/{child.id}/school"
    page = old_dsl.get(url)
    assert f'<option value="{old_dsl.user.school_id}"' not in page.get_data(as_text=True)
    assert f'<option value="{new_dsl.user.school_id}"' in page.get_data(as_text=True)

    on = as_typed(today())
    same = old_dsl.submit(
        url, {"school": str(old_dsl.user.school_id), "moved_on": on, "version": "1"}
    )
    assert error_summary(same) == {"school": "Select the child's new school"}

    child.known_to = "Changed by someone else"
    db.session.commit()
    stale = old_dsl.submit(
        url,
        {"school": str(new_dsl.user.school_id), "moved_on": on, "version": "1", "confirm": "yes"},
    )
    assert stale.status_code == 409
    assert "Someone else changed this child's record" in page_text(stale)
    assert saved(Child, child.id).school_id == old_dsl.user.school_id


def test_a_link_worker_may_move_a_child_of_a_linked_school(login_as):
    school, other = factories.school(), factories.school()
    worker = login_as("link_worker", linked_schools=[school])
    child = factories.child(school=school)
    db.session.commit()

    assert moved(worker, child, other).status_code == 302
    assert saved(Child, child.id).school_id == other.id


@pytest.mark.parametrize("role", ["school_staff", "practitioner"])
def test_people_without_the_right_to_change_the_record_cannot_move_a_child(login_as, role):
    browser = login_as(role)
    child = factories.child(school=browser.user.school or factories.school())
    db.session.flush()
    if role == "school_staff":
        db.session.add(
            StaffGrant(child_id=child.id, user_id=browser.user.id, granted_by_id=browser.user.id)
        )
    else:
        factories.agreement(child, asked_by=factories.user(role="dsl"))
        plan = factories.plan(child)
        factories.involvement(plan, agency=browser.user.agency, practitioner=browser.user)
    db.session.commit()
    other = factories.school()
    db.session.commit()

    assert browser.get(f"/children/{child.id}").status_code == 200
    assert "Change school" not in page_text(browser.get(f"/children/{child.id}"))
    response = browser.submit(
        f"/children/{child.id}/school",
        {"school": str(other.id), "version": "1"},
        page=f"/children/{child.id}",
    )
    assert response.status_code == 403
    assert saved(Child, child.id).school_id == child.school_id


# ---------------------------------------------------------------- school staff


def test_a_dsl_gives_and_removes_a_staff_members_access_to_one_child(login_as):
    dsl = login_as("dsl")
    staff = login_as("school_staff", school=dsl.user.school, name="Sam Senco")
    elsewhere = factories.user(role="school_staff", name="Other School Teacher")
    child = factories.child(school=dsl.user.school, first_name="Granted")
    factories.child(school=dsl.user.school, first_name="Notgranted")
    db.session.commit()
    url = f"/children/{child.id}/staff"

    page = page_text(dsl.get(url))
    assert "Sam Senco" in page and "Other School Teacher" not in page
    assert staff.get(f"/children/{child.id}").status_code == 404

    refused = dsl.submit(url, {"staff": str(elsewhere.id)})
    assert error_summary(refused) == {"staff": "Select a member of staff from the list"}
    assert dsl.submit(url, {"staff": str(staff.user.id)}).status_code == 302

    assert staff.get(f"/children/{child.id}").status_code == 200
    listed = page_text(staff.get("/children"))
    assert "Granted" in listed and "Notgranted" not in listed
    grant = db.session.scalars(select(StaffGrant)).one()
    assert audit_events("staff_access_granted")[-1].detail == {"user_id": staff.user.id}

    dsl.submit(f"/children/{child.id}/staff/{grant.id}/revoke", {}, page=url)
    assert staff.get(f"/children/{child.id}").status_code == 404
    assert audit_events("staff_access_revoked")[-1].detail == {"user_id": staff.user.id}

    assert dsl.submit(url, {"staff": str(staff.user.id)}).status_code == 302  # again
    assert staff.get(f"/children/{child.id}").status_code == 200
    assert len(db.session.scalars(select(StaffGrant)).all()) == 1


def test_the_staff_page_says_whether_there_is_no_one_to_add_or_everyone_has_access(login_as):
    dsl = login_as("dsl")
    child = factories.child(school=dsl.user.school)
    db.session.commit()
    url = f"/children/{child.id}/staff"
    school = dsl.user.school.name

    alone = page_text(dsl.get(url))
    assert f"There are no staff accounts at {school} to give access to yet" in alone
    assert "can already see this child" not in alone

    staff = factories.user(role="school_staff", school=dsl.user.school)
    db.session.commit()
    assert dsl.submit(url, {"staff": str(staff.id)}).status_code == 302
    everyone = page_text(dsl.get(url))
    assert f"Every member of staff at {school} with an account can already see this child" in (
        everyone
    )
    assert "No other staff can see this child" not in everyone
    assert "no staff accounts" not in everyone


def test_only_the_childs_school_dsl_manages_staff_access(login_as):
    dsl = login_as("dsl")
    child = factories.child(school=dsl.user.school)
    staff = login_as("school_staff", school=dsl.user.school)
    other_dsl = login_as("dsl")
    db.session.add(StaffGrant(child_id=child.id, user_id=staff.user.id, granted_by_id=dsl.user.id))
    db.session.commit()
    url = f"/children/{child.id}/staff"

    assert staff.get(url).status_code == 403
    assert other_dsl.get(url).status_code == 404
    response = staff.submit(url, {"staff": str(staff.user.id)}, page=f"/children/{child.id}")
    assert response.status_code == 403


def test_a_move_ends_the_old_schools_staff_access(schools_and_dsls, login_as):
    old_dsl, new_dsl, child = schools_and_dsls
    staff = login_as("school_staff", school=old_dsl.user.school)
    db.session.add(
        StaffGrant(child_id=child.id, user_id=staff.user.id, granted_by_id=old_dsl.user.id)
    )
    db.session.commit()
    assert staff.get(f"/children/{child.id}").status_code == 200

    moved(old_dsl, child, new_dsl.user.school)

    assert staff.get(f"/children/{child.id}").status_code == 404
    db.session.expire_all()
    assert db.session.scalars(select(StaffGrant)).one().revoked_at is not None
    assert audit_events("child_school_changed")[-1].detail["staff_grants_ended"] == 1
