"""Who may see which child (docs/security.md, Roles; issue 3): tas.children.access checked directly.

Every case checks `access_to` (one record) and `visible` (lists, at each level) together, so the
two can never disagree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from tas.children import access
from tas.children.access import Access
from tas.children.models import Agreement, Child, CoordinatorAccess, SchoolMove, StaffGrant
from tas.extensions import db
from tas.plans.models import AgencyInvolvement, SharedPlan
from tests import factories

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
LEVELS = (Access.GP_SUMMARY, Access.READ, Access.EDIT)


def assert_access(user, child, expected: Access) -> None:
    """The user has exactly `expected` on the child, by the record check and by the list filter."""
    db.session.flush()
    assert access.access_to(user, child.id) == expected
    listed = {
        level: child.id in db.session.scalars(select(Child.id).where(access.visible(user, level)))
        for level in LEVELS
    }
    assert listed == {level: expected >= level for level in LEVELS}
    default = db.session.scalars(select(Child.id).where(access.visible(user))).all()
    assert (child.id in default) == (expected >= Access.READ)


def agreed_child(asked_by=None, **fields) -> Child:
    """A child whose family's agreement stands."""
    child = factories.child(**fields)
    db.session.flush()
    factories.agreement(child, asked_by or factories.user(role="dsl", school=child.school))
    db.session.flush()
    return child


def open_plan(child, **fields) -> SharedPlan:
    plan = db.session.scalar(
        select(SharedPlan).where(SharedPlan.child_id == child.id, SharedPlan.status != "closed")
    )
    if plan is None:
        plan = factories.plan(child, **fields)
        db.session.flush()
    return plan


def involve(child, practitioner=None, status="active", **fields) -> AgencyInvolvement:
    """An involvement on the child's open plan (made if missing), of the practitioner's agency."""
    if "agency" not in fields and practitioner is not None:
        fields["agency"] = practitioner.agency
    row = factories.involvement(
        open_plan(child), practitioner=practitioner, status=status, **fields
    )
    db.session.flush()
    return row


def withdraw(child) -> None:
    for agreement in db.session.scalars(select(Agreement).where(Agreement.child_id == child.id)):
        agreement.withdrawn_on = date(2026, 10, 1)
    db.session.flush()


# ---------------------------------------------------------------- schools


def test_a_dsl_edits_their_own_schools_children_and_sees_no_other_schools(app):
    oakfield, castle = factories.school(), factories.school()
    dsl = factories.user(role="dsl", school=oakfield)
    own = agreed_child(school=oakfield)
    own_without_agreement = factories.child(school=oakfield)
    elsewhere = agreed_child(school=castle)

    assert_access(dsl, own, Access.EDIT)
    assert_access(dsl, own_without_agreement, Access.EDIT)
    assert_access(dsl, elsewhere, Access.NONE)


def test_after_a_move_the_new_school_edits_at_once_and_the_old_school_reads_for_30_days(app):
    days = app.config["OLD_SCHOOL_READ_ONLY_DAYS"]
    assert days == 30
    old, new = factories.school(), factories.school()
    old_dsl = factories.user(role="dsl", school=old)
    new_dsl = factories.user(role="dsl", school=new)
    old_staff = factories.user(role="school_staff", school=old)
    child = agreed_child(school=old)
    db.session.add(StaffGrant(child_id=child.id, user=old_staff, granted_by_id=old_dsl.id))
    db.session.flush()
    assert_access(old_dsl, child, Access.EDIT)
    assert_access(new_dsl, child, Access.NONE)
    assert_access(old_staff, child, Access.EDIT)

    with time_machine.travel(T0, tick=False) as clock:
        child.school = new
        db.session.add(
            SchoolMove(
                child_id=child.id,
                from_school=old,
                to_school=new,
                moved_at=T0,
                read_only_until=T0 + timedelta(days=days),
                moved_by_id=old_dsl.id,
            )
        )
        db.session.commit()
        assert_access(new_dsl, child, Access.EDIT)
        assert_access(old_dsl, child, Access.READ)
        assert_access(old_staff, child, Access.NONE)

        clock.move_to(T0 + timedelta(days=days) - timedelta(minutes=1))
        assert_access(old_dsl, child, Access.READ)

        clock.move_to(T0 + timedelta(days=days, seconds=1))
        assert_access(old_dsl, child, Access.NONE)
        assert_access(new_dsl, child, Access.EDIT)


def test_school_staff_see_only_the_children_a_dsl_granted_them(app):
    school, other = factories.school(), factories.school()
    dsl = factories.user(role="dsl", school=school)
    staff = factories.user(role="school_staff", school=school)
    colleague = factories.user(role="school_staff", school=school)
    granted, not_granted, revoked, someone_elses = (agreed_child(school=school) for _ in range(4))
    at_other_school = agreed_child(school=other)
    for child, user, revoked_at in (
        (granted, staff, None),
        (revoked, staff, T0),
        (someone_elses, colleague, None),
        (at_other_school, staff, None),  # a grant can never reach past the user's school
    ):
        db.session.add(
            StaffGrant(child_id=child.id, user=user, granted_by_id=dsl.id, revoked_at=revoked_at)
        )

    assert_access(staff, granted, Access.EDIT)
    assert_access(staff, not_granted, Access.NONE)
    assert_access(staff, revoked, Access.NONE)
    assert_access(staff, someone_elses, Access.NONE)
    assert_access(staff, at_other_school, Access.NONE)


def test_a_link_worker_edits_the_children_of_their_linked_schools_only(app):
    linked, not_linked = factories.school(), factories.school()
    worker = factories.user(role="link_worker", linked_schools=[linked])
    other_worker = factories.user(role="link_worker", linked_schools=[not_linked])
    child = agreed_child(school=linked)
    elsewhere = agreed_child(school=not_linked)

    assert_access(worker, child, Access.EDIT)
    assert_access(worker, elsewhere, Access.NONE)
    assert_access(other_worker, child, Access.NONE)
    assert_access(other_worker, elsewhere, Access.EDIT)


# ---------------------------------------------------------------- practitioners


def test_a_practitioner_sees_a_child_only_as_the_named_practitioner_of_an_active_involvement(app):
    practitioner = factories.user(role="practitioner")
    colleague = factories.user(role="practitioner", agency=practitioner.agency)
    mine = agreed_child()
    involve(mine, practitioner)
    colleagues = agreed_child()
    involve(colleagues, colleague)
    not_involved = agreed_child()

    assert_access(practitioner, mine, Access.READ)
    assert_access(colleague, mine, Access.NONE)  # same agency, not the named practitioner
    assert_access(practitioner, colleagues, Access.NONE)
    assert_access(practitioner, not_involved, Access.NONE)


@pytest.mark.parametrize("status", ["requested", "ended", "declined"])
def test_an_involvement_that_is_not_active_gives_its_practitioner_nothing(app, status):
    practitioner = factories.user(role="practitioner")
    child = agreed_child()
    involvement = involve(child, practitioner, status=status)
    assert_access(practitioner, child, Access.NONE)

    involvement.status = "active"
    assert_access(practitioner, child, Access.READ)


def test_a_closed_plan_gives_its_practitioners_nothing(app):
    practitioner = factories.user(role="practitioner")
    child = agreed_child()
    involvement = involve(child, practitioner)
    assert_access(practitioner, child, Access.READ)

    involvement.plan.status = "closed"
    involvement.plan.closed_on = date(2026, 10, 1)
    assert_access(practitioner, child, Access.NONE)

    involve(child, factories.user(role="practitioner"))  # a new plan, without her
    assert_access(practitioner, child, Access.NONE)


def test_without_an_agreement_or_after_withdrawal_the_named_practitioner_sees_nothing(app):
    practitioner = factories.user(role="practitioner")
    never_agreed = factories.child()
    db.session.flush()
    involve(never_agreed, practitioner)
    withdrawn = agreed_child()
    involve(withdrawn, practitioner)
    assert_access(practitioner, never_agreed, Access.NONE)
    assert_access(practitioner, withdrawn, Access.READ)

    withdraw(withdrawn)
    assert_access(practitioner, withdrawn, Access.NONE)

    factories.agreement(withdrawn, factories.user(role="dsl"), agreed_on=date(2026, 10, 20))
    assert_access(practitioner, withdrawn, Access.READ)  # the family agreed again


def test_an_agency_safeguarding_lead_sees_every_active_involvement_of_their_agency(app):
    lead = factories.user(role="practitioner", is_safeguarding_lead=True)
    staff = factories.user(role="practitioner", agency=lead.agency)
    other_agency = factories.user(role="practitioner")
    staffs, unnamed, requested, other, withdrawn = (agreed_child() for _ in range(5))
    involve(staffs, staff)
    involve(unnamed, agency=lead.agency)
    involve(requested, staff, status="requested")
    involve(other, other_agency)
    involve(withdrawn, staff)
    withdraw(withdrawn)

    assert_access(lead, staffs, Access.READ)
    assert_access(lead, unnamed, Access.READ)
    assert_access(lead, requested, Access.NONE)
    assert_access(lead, other, Access.NONE)
    assert_access(lead, withdrawn, Access.NONE)
    assert_access(staff, unnamed, Access.NONE)  # only the lead sees the agency's whole caseload


def test_after_withdrawal_only_the_schools_dsl_and_the_lead_practitioner_keep_read_only(app):
    school = factories.school()
    dsl = factories.user(role="dsl", school=school)
    linked_worker = factories.user(role="link_worker", linked_schools=[school])
    lead_worker = factories.user(role="link_worker")  # leads the plan, not linked to the school
    lead_practitioner = factories.user(role="practitioner")  # another child's lead, here named
    named = factories.user(role="practitioner")
    child = agreed_child(school=school)
    open_plan(child, lead_practitioner=lead_worker)
    involve(child, named)
    practitioner_led = agreed_child(school=school)
    open_plan(practitioner_led, lead_practitioner=lead_practitioner)

    assert_access(dsl, child, Access.EDIT)
    assert_access(linked_worker, child, Access.EDIT)
    assert_access(lead_worker, child, Access.EDIT)
    assert_access(named, child, Access.READ)
    assert_access(lead_practitioner, practitioner_led, Access.READ)

    withdraw(child)
    withdraw(practitioner_led)

    assert_access(dsl, child, Access.READ)
    assert_access(lead_worker, child, Access.READ)
    assert_access(lead_practitioner, practitioner_led, Access.READ)
    assert_access(linked_worker, child, Access.NONE)
    assert_access(named, child, Access.NONE)


# ---------------------------------------------------------------- GP practices


def test_a_gp_user_gets_the_summary_for_their_own_practices_children_only(app):
    gp = factories.user(role="gp")
    other_gp = factories.user(role="gp")
    registered = agreed_child(gp_practice=gp.agency)
    elsewhere = agreed_child(gp_practice=other_gp.agency)
    unregistered = agreed_child()

    assert_access(gp, registered, Access.GP_SUMMARY)
    assert_access(gp, elsewhere, Access.NONE)
    assert_access(gp, unregistered, Access.NONE)
    assert_access(other_gp, registered, Access.NONE)


def test_a_gp_account_without_a_practice_sees_no_child(app):
    gp = factories.user(role="gp", agency=None)
    unregistered = agreed_child()
    assert_access(gp, unregistered, Access.NONE)


# ---------------------------------------------------------------- coordinators and admins


def test_a_coordinator_sees_a_child_only_with_an_unexpired_reason_for_a_school_they_cover(app):
    hours = app.config["COORDINATOR_ACCESS_HOURS"]
    assert hours == 8
    north, south = factories.cluster(), factories.cluster()
    in_north = agreed_child(school=factories.school(cluster=north))
    in_south = agreed_child(school=factories.school(cluster=south))
    north_coordinator = factories.user(role="coordinator", clusters=[north])
    district = factories.user(role="coordinator", district_wide=True)
    db.session.flush()
    for coordinator in (north_coordinator, district):
        for child in (in_north, in_south):
            assert_access(coordinator, child, Access.NONE)  # no reason recorded

    with time_machine.travel(T0, tick=False) as clock:
        for coordinator, child in (
            (north_coordinator, in_north),
            (north_coordinator, in_south),  # outside their clusters: the reason is not enough
            (district, in_south),
        ):
            db.session.add(
                CoordinatorAccess(
                    child_id=child.id,
                    user_id=coordinator.id,
                    reason="Checking the plan before the cluster meeting",
                    expires_at=T0 + timedelta(hours=hours),
                )
            )
        db.session.commit()
        assert_access(north_coordinator, in_north, Access.READ)
        assert_access(north_coordinator, in_south, Access.NONE)
        assert_access(district, in_south, Access.READ)
        assert_access(district, in_north, Access.NONE)  # a reason is per child and per person

        clock.move_to(T0 + timedelta(hours=hours) - timedelta(minutes=1))
        assert_access(north_coordinator, in_north, Access.READ)
        assert_access(district, in_south, Access.READ)

        clock.move_to(T0 + timedelta(hours=hours, seconds=1))
        assert_access(north_coordinator, in_north, Access.NONE)
        assert_access(district, in_south, Access.NONE)


def test_an_admin_never_sees_a_child_whatever_rows_point_at_them(app):
    admin = factories.user(role="admin")
    school = factories.school()
    child = agreed_child(school=school)
    open_plan(child, lead_practitioner=admin)
    involve(child, admin, agency=factories.agency())
    with time_machine.travel(T0, tick=False):
        db.session.add_all(
            [
                StaffGrant(child_id=child.id, user=admin, granted_by_id=admin.id),
                CoordinatorAccess(
                    child_id=child.id,
                    user_id=admin.id,
                    reason="Curious",
                    expires_at=T0 + timedelta(hours=8),
                ),
            ]
        )
        assert_access(admin, child, Access.NONE)


def test_a_role_the_rules_do_not_name_sees_nothing(app):
    stranger = factories.user(role="auditor")
    child = agreed_child()
    assert_access(stranger, child, Access.NONE)


# ---------------------------------------------------------------- ids, require, agreement


ROLES = ("dsl", "school_staff", "link_worker", "practitioner", "gp", "coordinator", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_a_guessed_or_missing_child_id_gives_nothing(app, role):
    user = factories.user(role=role)
    child = agreed_child()
    db.session.commit()
    for guessed in (child.id + 1, child.id + 1000, 0, -1, 2**31 - 1):
        assert access.access_to(user, guessed) == Access.NONE
        with pytest.raises(NotFound):
            access.require(user, guessed, Access.GP_SUMMARY)


def test_require_answers_404_without_access_and_403_when_the_level_is_too_low(app):
    school = factories.school()
    dsl = factories.user(role="dsl", school=school)
    other_dsl = factories.user(role="dsl")
    practitioner = factories.user(role="practitioner")
    gp = factories.user(role="gp")
    child = agreed_child(school=school, gp_practice=gp.agency)
    involve(child, practitioner)
    withdrawn = agreed_child(school=school)
    withdraw(withdrawn)
    db.session.commit()

    assert access.require(dsl, child.id, Access.EDIT) == Access.EDIT
    assert access.require(dsl, child.id) == Access.EDIT
    with pytest.raises(NotFound):
        access.require(other_dsl, child.id)
    with pytest.raises(NotFound):
        access.require(other_dsl, child.id, Access.GP_SUMMARY)

    assert access.require(gp, child.id, Access.GP_SUMMARY) == Access.GP_SUMMARY
    with pytest.raises(Forbidden):
        access.require(gp, child.id)  # READ by default
    assert access.require(practitioner, child.id) == Access.READ
    with pytest.raises(Forbidden):
        access.require(practitioner, child.id, Access.EDIT)
    assert access.require(dsl, withdrawn.id) == Access.READ
    with pytest.raises(Forbidden):
        access.require(dsl, withdrawn.id, Access.EDIT)


def test_the_current_agreement_is_the_newest_one_not_withdrawn(app):
    asked_by = factories.user(role="dsl")
    child = factories.child()
    db.session.flush()
    assert access.current_agreement(child.id) is None
    first = factories.agreement(child, asked_by, agreed_on=date(2026, 9, 1))
    db.session.flush()
    assert access.current_agreement(child.id) == first
    first.withdrawn_on = date(2026, 9, 20)
    db.session.flush()
    assert access.current_agreement(child.id) is None
    second = factories.agreement(child, asked_by, agreed_on=date(2026, 10, 1))
    db.session.flush()
    assert access.current_agreement(child.id) == second
    assert access.current_agreement(child.id + 1000) is None


# ---------------------------------------------------------------- the filter inside other queries


def test_visible_filters_a_list_of_plans(app):
    worker = factories.user(role="link_worker")
    child = agreed_child(school=worker.linked_schools[0])
    plan = open_plan(child, lead_practitioner=worker)
    hidden = open_plan(agreed_child())
    db.session.commit()
    plans = select(SharedPlan.id).join(Child, SharedPlan.child_id == Child.id)

    assert db.session.scalars(plans.where(access.visible(worker))).all() == [plan.id]
    assert hidden.id not in db.session.scalars(plans.where(access.visible(worker))).all()


def test_visible_filters_a_list_of_involvements_to_the_whole_team(app):
    practitioner = factories.user(role="practitioner")
    child = agreed_child()
    mine = involve(child, practitioner)
    colleagues = involve(child, factories.user(role="practitioner"))
    involve(agreed_child(), factories.user(role="practitioner"))
    db.session.commit()
    team = (
        select(AgencyInvolvement.id)
        .join(SharedPlan, AgencyInvolvement.plan_id == SharedPlan.id)
        .join(Child, SharedPlan.child_id == Child.id)
        .where(access.visible(practitioner))
        .order_by(AgencyInvolvement.id)
    )
    assert db.session.scalars(team).all() == [mine.id, colleagues.id]


def test_a_named_practitioner_needs_the_agreement_to_cover_their_agency(app):
    """docs/glossary.md: the agreement says which agencies it covers."""
    from tas.children.models import AgreementAgency

    dsl = factories.user(role="dsl")
    practitioner = factories.user(role="practitioner")
    child = factories.child(school=dsl.school)
    db.session.flush()
    agreement = factories.agreement(child, dsl)
    plan = factories.plan(child)
    factories.involvement(plan, agency=practitioner.agency, practitioner=practitioner)
    db.session.commit()
    assert access.access_to(practitioner, child.id) == access.Access.READ  # names no agency

    other = factories.agency(name="Another service")
    db.session.flush()
    db.session.add(AgreementAgency(agreement_id=agreement.id, agency_id=other.id))
    db.session.commit()
    assert access.access_to(practitioner, child.id) == access.Access.NONE

    db.session.add(AgreementAgency(agreement_id=agreement.id, agency_id=practitioner.agency_id))
    db.session.commit()
    assert access.access_to(practitioner, child.id) == access.Access.READ
