"""Invitations: organisers invite an agency (with a representative, or its contact address) or a
named person, one invitation each per meeting, remove one (kept, marked removed), and are
offered the GP practices of the agenda children; all audited, with stale removals refused."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Invitation
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, error_summary, page_text, queued_emails, section
from tests.plans.helpers import child_at


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def invite(**fields) -> dict:
    return {"kind": "agency", "agency": "", "representative": "", "person": "", **fields}


def invitations_of(meeting_id: int) -> list[Invitation]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.meeting_id == meeting_id).order_by(Invitation.id)
        )
    )


def test_the_dsl_invites_an_agency_naming_its_representative(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    fay = factories.user("practitioner", agency=fim, name="Fay Fim")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/invitations/add"

    form = dsl.get(url)
    response = dsl.submit(url, invite(agency=str(fim.id), representative=str(fay.id)))

    assert form.status_code == 200
    assert "Fay Fim (Future in Mind)" in page_text(form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{setting.meeting.id}")
    [invitation] = invitations_of(setting.meeting.id)
    assert (invitation.agency_id, invitation.representative_id) == (fim.id, fay.id)
    assert (invitation.answer, invitation.invited_by_id) == ("awaiting", setting.dsl.id)
    [event] = audit_events("invitation_added")
    assert event.target_id == invitation.id
    assert event.detail == {
        "meeting_id": setting.meeting.id,
        "agency_id": fim.id,
        "representative_id": fay.id,
        "default": False,
    }
    page = dsl.get(f"/meetings/{setting.meeting.id}")
    assert "Future in Mind has been invited" in page_text(page)
    assert "Future in Mind Fay Fim No answer yet" in section(page, "invitations")


def test_without_a_representative_the_agency_contact_address_is_used(app):
    setting = school_with_meeting()
    nurses = factories.agency(name="0-19 Service", contact_email="zero19@nhs.example.org")
    db.session.commit()
    chair = signed_in(app, setting.link_worker)

    chair.submit(f"/meetings/{setting.meeting.id}/invitations/add", invite(agency=str(nurses.id)))

    [invitation] = invitations_of(setting.meeting.id)
    assert invitation.representative_id is None
    shown = section(chair.get(f"/meetings/{setting.meeting.id}"), "invitations")
    assert "0-19 Service Agency contact: zero19@nhs.example.org" in shown


def test_a_named_person_is_invited_without_their_whole_agency(app):
    setting = school_with_meeting()
    camhs = factories.agency(name="CAMHS", service_type="camhs")
    cal = factories.user("practitioner", agency=camhs, name="Cal Camhs")
    colleague = factories.user("practitioner", agency=camhs)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    response = dsl.submit(
        f"/meetings/{setting.meeting.id}/invitations/add",
        invite(kind="person", person=str(cal.id), agency=str(camhs.id)),  # agency not kept
    )

    assert response.status_code == 302
    [invitation] = invitations_of(setting.meeting.id)
    assert (invitation.agency_id, invitation.representative_id) == (None, cal.id)
    shown = section(dsl.get(f"/meetings/{setting.meeting.id}"), "invitations")
    assert "Cal Camhs (CAMHS) Invited by name" in shown
    assert signed_in(app, cal).get(f"/meetings/{setting.meeting.id}").status_code == 200
    assert signed_in(app, colleague).get(f"/meetings/{setting.meeting.id}").status_code == 404


def test_each_agency_and_person_is_invited_once(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    fay = factories.user("practitioner", agency=fim, name="Fay Fim")
    factories.invitation(setting.meeting, setting.dsl, agency=fim)
    cal = factories.user("practitioner", name="Cal Camhs")
    factories.invitation(setting.meeting, setting.dsl, representative=cal)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/invitations/add"

    agency_again = dsl.submit(url, invite(agency=str(fim.id)))
    person_again = dsl.submit(url, invite(kind="person", person=str(cal.id)))
    as_representative = dsl.submit(
        url, invite(agency=str(cal.agency_id), representative=str(cal.id))
    )
    agency_person = dsl.submit(url, invite(kind="person", person=str(fay.id)))

    assert agency_again.status_code == 200
    assert error_summary(agency_again) == {
        "agency": "Future in Mind is already invited to this meeting"
    }
    assert error_summary(person_again) == {"person": "Cal Camhs is already invited to this meeting"}
    assert error_summary(as_representative) == {
        "representative": "Cal Camhs is already invited to this meeting"
    }
    # A person counts for their agency (the attendance report): not invited twice either.
    assert error_summary(agency_person) == {
        "person": "Fay Fim works for Future in Mind, which is already invited to this meeting"
    }
    assert len(invitations_of(setting.meeting.id)) == 2
    assert audit_events("invitation_added") == []


def test_choices_are_checked_and_what_was_chosen_is_kept(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    outsider = factories.user("practitioner", name="Olly Other")  # another agency
    retired = factories.user("practitioner", name="Rita Retired", agency=fim, active=False)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/invitations/add"

    nothing = dsl.submit(url, invite(kind=""))
    no_agency = dsl.submit(url, invite())
    wrong_rep = dsl.submit(url, invite(agency=str(fim.id), representative=str(outsider.id)))
    inactive = dsl.submit(url, invite(kind="person", person=str(retired.id)))
    huge = dsl.submit(url, invite(agency="99999999999999999999"))

    assert error_summary(nothing) == {
        "kind": "Select whether you are inviting an agency or a named person"
    }
    assert error_summary(no_agency) == {"agency": "Select the agency to invite"}
    assert error_summary(wrong_rep) == {
        "representative": "Select someone who works for Future in Mind"
    }
    assert 'value="agency" checked' in wrong_rep.get_data(as_text=True)
    assert error_summary(inactive) == {"person": "Select a person from the list"}
    assert "Rita Retired" not in page_text(dsl.get(url))
    assert huge.status_code == 200
    assert error_summary(huge) == {"agency": "Select an agency from the list"}
    assert invitations_of(setting.meeting.id) == []


def test_removing_an_invitation_keeps_it_marked_removed(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    fay = factories.user("practitioner", agency=fim, name="Fay Fim")
    invitation = factories.invitation(setting.meeting, setting.dsl, agency=fim, representative=fay)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    practitioner = signed_in(app, fay)
    url = f"/meetings/{setting.meeting.id}/invitations/{invitation.id}/remove"
    assert practitioner.get(f"/meetings/{setting.meeting.id}").status_code == 200

    confirm = dsl.get(url)
    response = dsl.submit(url, {"version": "1"})

    assert "Remove the invitation of Future in Mind" in page_text(confirm)
    assert response.status_code == 302
    [kept] = invitations_of(setting.meeting.id)
    assert kept.removed_at is not None
    [event] = audit_events("invitation_removed")
    assert (event.target_id, event.detail["agency_id"]) == (invitation.id, fim.id)
    page = dsl.get(f"/meetings/{setting.meeting.id}")
    assert "The invitation of Future in Mind has been removed" in page_text(page)
    assert "No one has been invited yet" in section(page, "invitations")
    assert practitioner.get(f"/meetings/{setting.meeting.id}").status_code == 404
    assert dsl.get(url).status_code == 404  # removed: no longer standing


def test_a_removal_from_an_out_of_date_page_is_refused(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    invitation = factories.invitation(setting.meeting, setting.dsl, agency=fim)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/invitations/{invitation.id}/remove"
    dsl.get(url)
    invitation.answer = "attending"  # answered while the organiser was looking
    db.session.commit()

    response = dsl.submit(url, {"version": "1"})

    assert response.status_code == 409
    assert "Someone else changed this invitation" in page_text(response)
    assert "Attending" in page_text(response)
    assert invitations_of(setting.meeting.id)[0].removed_at is None
    assert audit_events("invitation_removed") == []


def test_the_gp_practices_of_agenda_children_are_suggested_without_naming_them(app):
    setting = school_with_meeting()
    surgery = factories.agency(
        name="Westgate Surgery", service_type="gp_practice", ods_code="B99001"
    )
    invited_surgery = factories.agency(
        name="Northfield Medical", service_type="gp_practice", ods_code="B99002"
    )
    child = child_at(setting.school, first_name="Maya", last_name="Patel", gp_practice=surgery)
    other = child_at(setting.school, gp_practice=invited_surgery)
    not_on_agenda = child_at(
        setting.school,
        gp_practice=factories.agency(
            name="Far Surgery", service_type="gp_practice", ods_code="B99003"
        ),
    )
    factories.agenda_item(setting.meeting, child, setting.dsl)
    factories.agenda_item(setting.meeting, other, setting.dsl, position=2)
    factories.invitation(setting.meeting, setting.dsl, agency=invited_surgery)
    db.session.commit()
    assert not_on_agenda.id
    dsl = signed_in(app, setting.dsl)
    page_url = f"/meetings/{setting.meeting.id}"

    shown = section(dsl.get(page_url), "invitations")
    response = dsl.submit(
        f"/meetings/{setting.meeting.id}/invitations/suggested",
        {"agency": str(surgery.id)},
        page=page_url,
    )
    after = dsl.get(page_url)

    assert (
        "Suggested: the GP practices of children on the agenda Westgate Surgery: "
        "Invite Westgate Surgery Invite an agency or person"
    ) in shown  # Northfield Medical is invited already: not suggested
    assert "Maya" not in shown and "Patel" not in shown
    assert "Far Surgery" not in shown
    assert response.status_code == 302
    assert {i.agency_id for i in invitations_of(setting.meeting.id)} == {
        surgery.id,
        invited_surgery.id,
    }
    assert "Westgate Surgery has been invited" in page_text(after)
    assert "Suggested" not in section(after, "invitations")
    again = dsl.submit(
        f"/meetings/{setting.meeting.id}/invitations/suggested",
        {"agency": str(surgery.id)},
        page=page_url,
    )
    assert again.status_code == 302
    assert "already invited, or no longer suggested" in page_text(dsl.get(page_url))
    assert len(invitations_of(setting.meeting.id)) == 2


def test_outsiders_cannot_see_or_change_invitations(app):
    setting = school_with_meeting()
    invitation = factories.invitation(setting.meeting, setting.dsl)
    fim_worker = factories.user("practitioner", agency=invitation.agency)
    other_dsl = factories.user("dsl")
    coordinator = factories.user("coordinator")
    stranger = factories.user("practitioner")
    db.session.commit()
    meeting_id = setting.meeting.id
    pages = [
        f"/meetings/{meeting_id}/invitations/add",
        f"/meetings/{meeting_id}/invitations/{invitation.id}/remove",
    ]

    for user, status in ((other_dsl, 404), (stranger, 404), (coordinator, 403), (fim_worker, 403)):
        browser = signed_in(app, user)
        for url in pages:
            assert browser.get(url).status_code == status, (user.role, url)
            posted = browser.submit(url, invite(agency=str(invitation.agency_id)), page="/")
            assert posted.status_code == status, (user.role, url)
        suggested = browser.submit(
            f"/meetings/{meeting_id}/invitations/suggested", {"agency": "1"}, page="/"
        )
        assert suggested.status_code == status
    dsl = signed_in(app, setting.dsl)
    assert (
        dsl.get(f"/meetings/{meeting_id}/invitations/{invitation.id + 1}/remove").status_code == 404
    )
    assert dsl.get(f"/meetings/{meeting_id + 1}/invitations/add").status_code == 404
    assert len(invitations_of(meeting_id)) == 1
    assert invitations_of(meeting_id)[0].removed_at is None


def test_a_cancelled_meeting_takes_no_new_invitations(app):
    setting = school_with_meeting(status="cancelled")
    fim = factories.agency(name="Future in Mind")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/invitations/add"

    page = dsl.get(url)
    response = dsl.submit(url, invite(agency=str(fim.id)))

    assert "This meeting was cancelled, so its invitations can no longer be changed" in page_text(
        page
    )
    assert error_summary(response) == {
        "kind": "This meeting was cancelled, so its invitations can no longer be changed"
    }
    assert invitations_of(setting.meeting.id) == []


ODS_CODES = itertools.count(10000)


def _meeting_with(count: int):
    setting = school_with_meeting()
    for n in range(count):
        agency = factories.agency()
        person = factories.user("practitioner", agency=agency)
        db.session.flush()
        factories.invitation(
            setting.meeting,
            setting.dsl,
            agency=agency,
            representative=person,
            answer="apologies_with_update",
            written_update=f"Update {n}",
            answered_by_id=person.id,
        )
        factories.invitation(setting.meeting, setting.dsl, representative=factories.user("gp"))
        surgery = factories.agency(service_type="gp_practice", ods_code=f"C{next(ODS_CODES)}")
        child = child_at(setting.school, gp_practice=surgery)
        factories.agenda_item(setting.meeting, child, setting.dsl, position=n)
    db.session.commit()
    return setting


def test_the_meeting_page_runs_the_same_queries_for_few_or_many(app, count_queries):
    few, many = _meeting_with(2), _meeting_with(12)
    counts = []
    for setting in (few, many):
        browser = signed_in(app, setting.dsl)
        with count_queries() as statements:
            response = browser.get(f"/meetings/{setting.meeting.id}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert "Update 11" in page_text(response)
    assert counts[0] == counts[1]


STARTED = datetime(2026, 12, 2, 9, 10, tzinfo=UTC)  # ten minutes into the factories' meeting
NO_LONGER_REMOVED = (
    "The meeting has started, so its invitations can no longer be removed. Record who came in "
    "its attendance instead"
)


def test_once_the_meeting_has_started_an_invitation_and_its_attendance_stay(app):
    """Removing FiM during the meeting would take its recorded attendance out of the meeting,
    the minutes' check and the attendance report, and email FiM that it is no longer invited."""
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    invitation = factories.invitation(
        setting.meeting, setting.dsl, agency=fim, attendance="apologies_with_update"
    )
    db.session.commit()
    url = f"/meetings/{setting.meeting.id}/invitations/{invitation.id}/remove"
    before = len(queued_emails())

    with time_machine.travel(STARTED, tick=False):
        dsl = signed_in(app, setting.dsl)
        page = dsl.get(url)
        sent = dsl.submit(url, {"version": "1"})
        without_version = dsl.submit(url, {})
        meeting_page = dsl.get(f"/meetings/{setting.meeting.id}")

    assert NO_LONGER_REMOVED in page_text(page)
    assert "Remove the invitation</button>" not in page.get_data(as_text=True)
    for refused in (sent, without_version):
        assert refused.status_code == 200
        assert error_summary(refused) == {"saved-version": NO_LONGER_REMOVED}
        assert "Remove the invitation</button>" not in refused.get_data(as_text=True)
    [kept] = invitations_of(setting.meeting.id)
    assert (kept.removed_at, kept.attendance) == (None, "apologies_with_update")
    assert audit_events("invitation_removed") == []
    assert len(queued_emails()) == before  # no "No longer invited"
    assert "Remove" not in section(meeting_page, "invitations")


def test_an_invitation_whose_attendance_is_recorded_is_not_removed(app):
    setting = school_with_meeting()
    invitation = factories.invitation(setting.meeting, setting.dsl, attendance="attended")
    other = factories.invitation(setting.meeting, setting.dsl)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    refused = dsl.submit(
        f"/meetings/{setting.meeting.id}/invitations/{invitation.id}/remove", {"version": "1"}
    )
    shown = dsl.get(f"/meetings/{setting.meeting.id}").get_data(as_text=True)

    assert error_summary(refused) == {
        "saved-version": "Attendance has been recorded for this invitation, so it can no longer "
        "be removed"
    }
    assert invitations_of(setting.meeting.id)[0].removed_at is None
    assert f"/invitations/{invitation.id}/remove" not in shown
    assert f"/invitations/{other.id}/remove" in shown  # the others still may be
