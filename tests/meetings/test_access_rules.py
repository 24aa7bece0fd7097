"""The one access check for meetings and requests, person by person (docs/security.md, Roles)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings import access
from tas.meetings.access import MeetingAccess
from tas.meetings.agenda import services as agenda
from tas.meetings.models import AgendaItem, Meeting, TasRequest
from tas.meetings.requests import access as requests_access
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events
from tests.plans.helpers import child_at

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


def own(user) -> list[int]:
    return list(db.session.scalars(select(Meeting.id).where(access.own_meetings(user))))


def test_own_meetings_are_those_invited_to_at_any_level_and_organised_never_a_coordinators(
    setting,
):
    """A person's own meetings (their calendar feed): a GP practice's invitation counts though it
    gives the arrangements only; a coordinator who sees every meeting's arrangements has none."""
    gp = factories.user("gp")
    practitioner = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=gp.agency)
    factories.invitation(setting.meeting, setting.dsl, agency=practitioner.agency)
    coordinator = factories.user("coordinator", district_wide=True)
    covering = factories.user("coordinator", clusters=[setting.school.cluster])
    db.session.commit()

    for person in (gp, practitioner, setting.dsl, setting.link_worker):
        assert own(person) == [setting.meeting.id], person.role
    assert own(coordinator) == own(covering) == []
    assert own(factories.user("gp")) == []


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
            select(TasRequest.id).where(requests_access.requests_visible(user))
        ).all() == [request.id]

    assert sees(setting.dsl) and sees(setting.link_worker)
    assert not sees(other_dsl) and not sees(other_link_worker)
    assert requests_access.may_triage(setting.link_worker, request)
    assert not requests_access.may_triage(setting.dsl, request)
    assert not requests_access.may_triage(other_link_worker, request)


def test_a_dsl_of_another_school_invited_by_name_sees_the_agenda_of_that_meeting(setting):
    secondary_dsl = factories.user("dsl")
    factories.invitation(setting.meeting, setting.dsl, representative=secondary_dsl)
    db.session.commit()

    assert level(secondary_dsl, setting.meeting) == MeetingAccess.INVITED
    assert agenda.items_for(setting.meeting, secondary_dsl, MeetingAccess.INVITED) == []
    assert level(secondary_dsl, setting.meeting, AFTER + timedelta(days=30)) == MeetingAccess.NONE


def test_early_helps_invitation_does_not_open_other_schools_meetings_to_its_link_workers(setting):
    early_help = setting.link_worker.agency
    elsewhere = factories.user("link_worker", agency=early_help)  # linked to another school
    factories.invitation(setting.meeting, setting.dsl, agency=early_help)
    db.session.commit()

    assert level(elsewhere, setting.meeting) == MeetingAccess.NONE


def test_an_invited_agency_sees_only_children_whose_agreement_lets_it_receive_information(
    setting,
):
    from tas.children.models import Agreement, AgreementAgency

    fim = factories.agency(service_type="future_in_mind")
    nursing = factories.agency(service_type="zero_to_nineteen")
    fim_practitioner = factories.user("practitioner", agency=fim)
    nurse = factories.user("practitioner", agency=nursing)
    for agency in (fim, nursing):
        factories.invitation(setting.meeting, setting.dsl, agency=agency)
    named_fim_only = child_at(setting.school)
    names_nobody = child_at(setting.school)
    db.session.flush()
    agreement = db.session.scalar(select(Agreement).where(Agreement.child_id == named_fim_only.id))
    db.session.add(AgreementAgency(agreement_id=agreement.id, agency_id=fim.id))
    factories.agenda_item(setting.meeting, named_fim_only, setting.dsl)
    factories.agenda_item(setting.meeting, names_nobody, setting.dsl, position=2)
    factories.agenda_item(setting.meeting, None, setting.dsl, position=3, reason="A situation")
    db.session.commit()

    def shown(user):
        items = agenda.items_for(setting.meeting, user, level(user, setting.meeting))
        return [item.child_id for item in items]

    assert shown(fim_practitioner) == [named_fim_only.id, names_nobody.id, None]
    assert shown(nurse) == [names_nobody.id, None]
    assert shown(setting.dsl) == [named_fim_only.id, names_nobody.id, None]


def test_a_child_whose_family_withdrew_stays_on_a_meeting_that_has_started(setting):
    child = child_at(setting.school)
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()
    for agreement in withdrawing_agreements(child.id):
        agreement.withdrawn_on = date(2026, 12, 2)
    db.session.commit()

    during = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    before = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    standing = select(AgendaItem.child_id).where(access.on_agenda_now(during))
    assert db.session.scalars(standing).all() == [child.id]
    assert (
        db.session.scalars(select(AgendaItem.child_id).where(access.on_agenda_now(before))).all()
        == []
    )


def test_a_child_withdrawn_before_the_meeting_does_not_come_back_when_it_starts(app, setting):
    from tas.children.agreements.services import withdraw_agreement

    child = child_at(setting.school)
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()

    withdraw_agreement(child, setting.dsl, {"withdrawn_on": date(2026, 11, 27)})

    during = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    assert db.session.scalars(select(AgendaItem.child_id)).all() == []
    standing = select(AgendaItem.child_id).where(access.on_agenda_now(during))
    assert db.session.scalars(standing).all() == []
    [event] = [e for e in audit_events("agenda_item_removed")]
    assert event.detail == {
        "meeting_id": setting.meeting.id,
        "child_id": child.id,
        "why": "withdrawn",
    }


def test_only_the_newest_standing_agreement_decides_which_agencies_see_the_child(setting):
    from tas.children.models import Agreement, AgreementAgency

    fim = factories.agency(service_type="future_in_mind")
    nursing = factories.agency(service_type="zero_to_nineteen")
    nurse = factories.user("practitioner", agency=nursing)
    factories.invitation(setting.meeting, setting.dsl, agency=nursing)
    child = child_at(setting.school)  # an agreement of 1 September naming no agencies
    db.session.flush()
    newer = factories.agreement(child, setting.dsl, agreed_on=date(2026, 10, 1))
    db.session.flush()
    db.session.add(AgreementAgency(agreement_id=newer.id, agency_id=fim.id))
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()
    standing = db.session.scalars(
        select(Agreement).where(Agreement.child_id == child.id, Agreement.withdrawn_on.is_(None))
    ).all()
    assert len(standing) == 2  # the older one was never withdrawn

    assert agenda.items_for(setting.meeting, nurse, level(nurse, setting.meeting)) == []
