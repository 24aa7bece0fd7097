"""The one access check for meetings and requests, person by person (DESIGN.md section 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings import access, agenda
from tas.meetings.access import MeetingAccess
from tas.meetings.models import Meeting, TasRequest
from tests import factories
from tests.meetings.helpers import child_at, school_with_meeting

AFTER = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)  # the factories' meeting ends then


@pytest.fixture
def setting(app):
    return school_with_meeting()


def level(user, meeting, now=None):
    return access.access_to(user, meeting.id, now)


def test_the_schools_dsl_its_linked_link_worker_and_the_chair_organise(setting):
    chair = factories.user("practitioner")
    other = factories.meeting(setting.school, setting.dsl, chair=chair)
    db.session.commit()

    assert level(setting.dsl, setting.meeting) == MeetingAccess.ORGANISE
    assert level(setting.link_worker, setting.meeting) == MeetingAccess.ORGANISE
    assert level(chair, other) == MeetingAccess.ORGANISE
    assert level(chair, setting.meeting) == MeetingAccess.NONE


def test_people_of_other_schools_and_roles_without_meetings_see_nothing(setting):
    strangers = [
        factories.user("dsl"),
        factories.user("link_worker"),
        factories.user("school_staff", school=setting.school),
        factories.user("practitioner"),
        factories.user("gp"),
        factories.user("admin"),
        factories.user("coordinator", clusters=[factories.cluster()]),
    ]
    db.session.commit()

    for stranger in strangers:
        assert level(stranger, setting.meeting) == MeetingAccess.NONE, stranger.role
        visible = db.session.scalars(select(Meeting.id).where(access.visible(stranger)))
        assert list(visible) == [], stranger.role


def test_an_invited_agencys_practitioners_see_the_meeting_until_30_days_after_it(setting):
    practitioner = factories.user("practitioner")
    colleague = factories.user("practitioner", agency=practitioner.agency)
    factories.invitation(setting.meeting, setting.dsl, agency=practitioner.agency)
    db.session.commit()

    for person in (practitioner, colleague):
        assert level(person, setting.meeting) == MeetingAccess.INVITED
        assert level(person, setting.meeting, AFTER + timedelta(days=29)) == MeetingAccess.INVITED
        assert level(person, setting.meeting, AFTER + timedelta(days=30)) == MeetingAccess.NONE


def test_a_named_representative_is_invited_and_a_removed_invitation_counts_for_nothing(setting):
    named = factories.user("link_worker")
    invitation = factories.invitation(setting.meeting, setting.dsl, representative=named)
    db.session.commit()
    assert level(named, setting.meeting) == MeetingAccess.INVITED

    invitation.removed_at = datetime(2026, 11, 27, tzinfo=UTC)
    db.session.commit()
    assert level(named, setting.meeting) == MeetingAccess.NONE


def test_an_invited_gp_practice_sees_the_arrangements_but_never_the_agenda(setting):
    gp = factories.user("gp")
    factories.invitation(setting.meeting, setting.dsl, agency=gp.agency)
    child = child_at(setting.school)
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()

    assert level(gp, setting.meeting) == MeetingAccess.ARRANGEMENTS
    assert agenda.items_for(setting.meeting, gp, MeetingAccess.ARRANGEMENTS) == []
    assert agenda.count_for(setting.meeting) == 1


def test_coordinators_see_the_arrangements_of_their_clusters_only(setting):
    covering = factories.user("coordinator", clusters=[setting.school.cluster])
    district = factories.user("coordinator", district_wide=True)
    db.session.commit()

    assert level(covering, setting.meeting) == MeetingAccess.ARRANGEMENTS
    assert level(district, setting.meeting) == MeetingAccess.ARRANGEMENTS
    assert agenda.items_for(setting.meeting, covering, MeetingAccess.ARRANGEMENTS) == []


def test_a_deactivated_person_sees_no_meeting(setting):
    setting.dsl.active = False
    db.session.commit()
    assert level(setting.dsl, setting.meeting) == MeetingAccess.NONE


def test_a_child_whose_family_withdrew_leaves_future_agendas_but_stays_in_held_minutes(setting):
    withdrawing = child_at(setting.school)
    staying = child_at(setting.school)
    held = factories.meeting(
        setting.school,
        setting.dsl,
        status="held",
        starts_at=datetime(2026, 11, 4, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 4, 10, 0, tzinfo=UTC),
    )
    factories.agenda_item(setting.meeting, withdrawing, setting.dsl)
    factories.agenda_item(setting.meeting, staying, setting.dsl, position=2)
    factories.agenda_item(held, withdrawing, setting.dsl)
    db.session.commit()
    for agreement in withdrawing_agreements(withdrawing.id):
        agreement.withdrawn_on = date(2026, 11, 26)
    db.session.commit()

    upcoming = agenda.items_for(setting.meeting, setting.dsl, MeetingAccess.ORGANISE)
    assert [item.child_id for item in upcoming] == [staying.id]
    past = agenda.items_for(held, setting.dsl, MeetingAccess.ORGANISE)
    assert [item.child_id for item in past] == [withdrawing.id]


def withdrawing_agreements(child_id):
    from tas.children.models import Agreement

    return db.session.scalars(select(Agreement).where(Agreement.child_id == child_id))


def test_requests_are_seen_by_the_schools_organisers_and_triaged_by_linked_link_workers(setting):
    child = child_at(setting.school)
    request = factories.tas_request(child, setting.dsl)
    other_dsl = factories.user("dsl")
    other_link_worker = factories.user("link_worker")
    db.session.commit()

    def sees(user):
        return db.session.scalars(
            select(TasRequest.id).where(access.requests_visible(user))
        ).all() == [request.id]

    assert sees(setting.dsl) and sees(setting.link_worker)
    assert not sees(other_dsl) and not sees(other_link_worker)
    assert access.may_triage(setting.link_worker, request)
    assert not access.may_triage(setting.dsl, request)
    assert not access.may_triage(other_link_worker, request)


def test_a_dsl_of_another_school_invited_by_name_sees_the_agenda_of_that_meeting(setting):
    secondary_dsl = factories.user("dsl")
    factories.invitation(setting.meeting, setting.dsl, representative=secondary_dsl)
    db.session.commit()

    assert level(secondary_dsl, setting.meeting) == MeetingAccess.INVITED
    assert agenda.items_for(setting.meeting, secondary_dsl, MeetingAccess.INVITED) == []
    assert level(secondary_dsl, setting.meeting, AFTER + timedelta(days=30)) == MeetingAccess.NONE
