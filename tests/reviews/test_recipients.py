"""Who gets an owner's reminders: the owner, or when they are away or gone, their agency's
safeguarding lead, their school's DSL, the child's school's DSL, or the coordinators."""

import pytest

from tas.extensions import db
from tas.reminders import recipients
from tas.reminders.recipients import Person, choose
from tests import factories

LEADS = dict(
    agency_leads=[11, 12],
    own_school_dsls=[21],
    child_school_dsls=[31],
    coordinators=[41],
)


# ---------------------------------------------------------------- the pure rule


def test_an_owner_at_work_gets_their_own_reminders():
    owner = Person(5, "practitioner", agency_id=1)
    assert choose(owner, **LEADS) == (5,)


@pytest.mark.parametrize(
    "owner",
    [
        Person(5, "practitioner", agency_id=1, away=True),
        Person(5, "link_worker", agency_id=1, active=False),
    ],
)
def test_an_agency_owner_away_or_gone_hands_over_to_the_agencys_safeguarding_leads(owner):
    assert choose(owner, **LEADS) == (11, 12)


def test_school_staff_away_hand_over_to_their_schools_dsls():
    owner = Person(5, "school_staff", school_id=3, away=True)
    assert choose(owner, **LEADS) == (21,)


def test_without_a_safeguarding_lead_the_childs_schools_dsls_step_in():
    owner = Person(5, "practitioner", agency_id=1, away=True)
    assert choose(owner, **{**LEADS, "agency_leads": []}) == (31,)


def test_a_thing_nobody_owns_goes_to_the_childs_schools_dsls():
    assert choose(None, **LEADS) == (31,)


def test_with_nobody_else_the_coordinators_covering_the_school_step_in():
    assert choose(None, coordinators=[41, 42]) == (41, 42)
    owner = Person(5, "dsl", school_id=3, away=True)
    assert choose(owner, own_school_dsls=[5], child_school_dsls=[5], coordinators=[41]) == (41,)


def test_an_owner_is_never_their_own_stand_in_and_nobody_left_means_nobody():
    owner = Person(5, "practitioner", agency_id=1, active=False)
    assert choose(owner, agency_leads=[5]) == ()


# ---------------------------------------------------------------- loaded from the database


def test_the_loader_finds_the_stand_ins_that_are_at_work(app, count_queries):
    school = factories.school()
    agency = factories.agency()
    lead = factories.user("practitioner", agency=agency, is_safeguarding_lead=True, password=None)
    factories.user(
        "practitioner", agency=agency, is_safeguarding_lead=True, away=True, password=None
    )
    away = factories.user("practitioner", agency=agency, away=True, password=None)
    gone = factories.user("link_worker", agency=agency, active=False, password=None)
    present = factories.user("practitioner", agency=agency, password=None)
    dsl = factories.user("dsl", school=school, password=None)
    factories.user("dsl", school=school, active=False, password=None)
    staff = factories.user("school_staff", school=school, away=True, password=None)
    coordinator = factories.user("coordinator", password=None)  # district-wide
    db.session.commit()

    owners, schools = [away.id, gone.id, present.id, staff.id, None], [school.id]
    with count_queries() as queries:
        directory = recipients.load(owners, schools)
    assert len(queries) <= 6

    assert directory.recipients(present.id, school.id) == (present.id,)
    assert directory.recipients(away.id, school.id) == (lead.id,)
    assert directory.recipients(gone.id, school.id) == (lead.id,)
    assert directory.recipients(staff.id, school.id) == (dsl.id,)
    assert directory.recipients(None, school.id) == (dsl.id,)

    dsl.away = True
    lead.active = False
    db.session.commit()
    directory = recipients.load([away.id], [school.id])
    assert directory.recipients(away.id, school.id) == (coordinator.id,)


def test_coordinators_cover_their_clusters_or_the_district(app):
    here, there = factories.cluster(), factories.cluster()
    school = factories.school(cluster=here)
    other = factories.school(cluster=there)
    mine = factories.user("coordinator", clusters=[here], password=None)
    factories.user("coordinator", clusters=[there], password=None)
    wide = factories.user("coordinator", password=None)
    factories.user("coordinator", clusters=[here], away=True, password=None)
    db.session.commit()
    covering = recipients.coordinators_by_school([school.id, other.id])
    assert covering[school.id] == sorted([mine.id, wide.id])
    assert mine.id not in covering[other.id]
    assert wide.id in covering[other.id]


def test_the_number_of_queries_does_not_grow_with_the_number_of_owners(app, count_queries):
    agency = factories.agency()
    factories.user("practitioner", agency=agency, is_safeguarding_lead=True, password=None)
    schools = [factories.school() for _ in range(2)]
    owners = [
        factories.user("practitioner", agency=agency, away=bool(n % 2), password=None)
        for n in range(12)
    ]
    db.session.commit()
    owner_ids = [owner.id for owner in owners]
    school_ids = [school.id for school in schools]
    with count_queries() as few:
        recipients.load(owner_ids[:2], school_ids[:1])
    with count_queries() as many:
        recipients.load(owner_ids, school_ids)
    assert len(many) == len(few)
