"""Attendance on the day: each invitation attended (by whom), apologies, apologies with update or
did not attend, prefilled from the answers; anyone who came uninvited; stale saves refused."""

from __future__ import annotations

import re
from datetime import timedelta

from tas.extensions import db
from tas.meetings.models import Invitation, MeetingChange, UninvitedAttendee
from tests import factories
from tests.meetings.test_day import browser_for, past_meeting
from tests.pages import audit_events, error_summary, field_value, page_text, saved


def invited_three(setting):
    """Future in Mind (answered attending, with a named representative), the 0-19 Service
    (apologies with a written update) and Early Help (no answer)."""
    pat = factories.user("practitioner", name="Pat Hill")
    fim = factories.invitation(
        setting.meeting,
        setting.dsl,
        agency=pat.agency,
        representative=pat,
        answer="attending",
    )
    nurse = factories.invitation(
        setting.meeting,
        setting.dsl,
        agency=factories.agency(name="0-19 Service"),
        answer="apologies_with_update",
        written_update="Seen twice this term; weight is fine",
    )
    early_help = factories.invitation(
        setting.meeting, setting.dsl, agency=factories.agency(name="Early Help Hub")
    )
    gone = factories.invitation(
        setting.meeting,
        setting.dsl,
        agency=factories.agency(name="Removed Agency"),
        removed_at=setting.meeting.starts_at,
    )
    db.session.commit()
    return fim, nurse, early_help, gone


def checked(response, name: str) -> str | None:
    """The value of the radio chosen for a question, as the page shows it."""
    for tag in re.findall(r"<input\b[^>]*>", response.get_data(as_text=True)):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'\bvalue="([^"]*)"', tag).group(1)
    return None


def attendance_post(*rows) -> dict:
    data = {}
    for invitation, attendance, who in rows:
        data[f"attendance_{invitation.id}"] = attendance
        data[f"attended_by_{invitation.id}"] = who
        data[f"version_{invitation.id}"] = str(invitation.version)
    return data


def test_attendance_is_prefilled_from_the_answers_then_saved_and_shown(app):
    setting = past_meeting()
    fim, nurse, early_help, gone = invited_three(setting)
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/attendance"

    form = chair.get(url)
    response = chair.submit(
        url,
        attendance_post(
            (fim, "attended", "Pat Hill and Sam Lee"),
            (nurse, "apologies_with_update", "ignored: they did not come"),
            (early_help, "did_not_attend", ""),
        ),
    )

    assert form.status_code == 200
    assert checked(form, f"attendance_{fim.id}") == "attended"
    assert field_value(form, f"attended_by_{fim.id}") == "Pat Hill"
    assert checked(form, f"attendance_{nurse.id}") == "apologies_with_update"
    assert checked(form, f"attendance_{early_help.id}") is None
    assert "Their written update: Seen twice this term; weight is fine" in page_text(form)
    assert "Removed Agency" not in page_text(form)
    assert response.status_code == 302
    assert (saved(Invitation, fim.id).attendance, saved(Invitation, fim.id).attended_by) == (
        "attended",
        "Pat Hill and Sam Lee",
    )
    assert saved(Invitation, nurse.id).attended_by is None
    assert saved(Invitation, early_help.id).attendance == "did_not_attend"
    assert saved(Invitation, gone.id).attendance is None
    shown = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert f"{fim.agency.name} (Pat Hill) Attended Pat Hill and Sam Lee" in shown
    assert "0-19 Service Apologies with a written update" in shown
    assert "Early Help Hub Did not attend" in shown
    [event] = audit_events("attendance_recorded")
    assert event.detail == {
        "invitation_ids": sorted([fim.id, nurse.id, early_help.id]),
        "fields": ["attendance", "attended_by"],
    }
    assert audit_events("attendance_viewed")


def test_an_answer_given_before_the_meeting_moved_fills_in_nothing(app):
    """Pat answered "attending" for the day first booked; the meeting then moved to the day it
    was held. The chair is shown the answer, marked, and chooses attendance themselves."""
    setting = past_meeting()
    fim, nurse, _early_help, _gone = invited_three(setting)
    meeting = setting.meeting
    fim.answered_at = meeting.starts_at - timedelta(days=10)
    nurse.answered_at = meeting.starts_at - timedelta(days=2)
    db.session.add(
        MeetingChange(
            meeting_id=meeting.id,
            kind="moved",
            at=meeting.starts_at - timedelta(days=5),
            by_id=setting.dsl.id,
            before={"starts_at": (meeting.starts_at - timedelta(days=1)).isoformat()},
            after={"starts_at": meeting.starts_at.isoformat()},
        )
    )
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    form = chair.get(f"/meetings/{meeting.id}/attendance")

    assert form.status_code == 200
    assert checked(form, f"attendance_{fim.id}") is None
    assert field_value(form, f"attended_by_{fim.id}") == ""
    shown = page_text(form)
    assert "Their answer to the invitation: Attending (given before the meeting moved)" in shown
    assert "except those given before the meeting moved" in shown
    # Answered after the move: it still fills in.
    assert checked(form, f"attendance_{nurse.id}") == "apologies_with_update"


def test_attendance_sent_back_unchanged_says_nothing_was_saved(app):
    setting = past_meeting()
    fim, nurse, early_help, _gone = invited_three(setting)
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/attendance"
    typed = attendance_post(
        (fim, "attended", "Pat Hill"),
        (nurse, "apologies_with_update", ""),
        (early_help, "did_not_attend", ""),
    )
    chair.submit(url, typed)
    chair.get(f"/meetings/{setting.meeting.id}")  # the first banner is read
    for invitation in (fim, nurse, early_help):
        typed[f"version_{invitation.id}"] = str(saved(Invitation, invitation.id).version)

    again = chair.submit(url, typed)
    told = page_text(chair.get(again.headers["Location"]))

    assert "You did not change anything, so nothing has been saved" in told
    assert "Attendance has been saved" not in told
    assert len(audit_events("attendance_recorded")) == 1


def test_who_came_is_needed_for_an_agency_that_attended(app):
    setting = past_meeting()
    fim, nurse, early_help, _gone = invited_three(setting)
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/attendance"

    response = chair.submit(
        url,
        attendance_post(
            (fim, "attended", ""),
            (nurse, "apologies", ""),
            (early_help, "did_not_attend", ""),
        ),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        f"attended_by_{fim.id}": f"Enter the names of who came for {fim.agency.name} (Pat Hill)"
    }
    assert checked(response, f"attendance_{nurse.id}") == "apologies"  # what was chosen stays
    assert saved(Invitation, nurse.id).attendance is None


def test_a_stale_attendance_save_is_refused_with_both_versions(app):
    setting = past_meeting()
    fim, nurse, early_help, _gone = invited_three(setting)
    fim.attendance, fim.attended_by = "attended", "Pat Hill"  # saved before either opened it
    nurse.attendance = "apologies_with_update"
    db.session.commit()
    url = f"/meetings/{setting.meeting.id}/attendance"
    chair = browser_for(app, setting.link_worker)
    dsl = browser_for(app, setting.dsl)
    opened = attendance_post(
        (fim, "attended", "Pat Hill"),
        (nurse, "apologies_with_update", ""),
        (early_help, "apologies", ""),
    )

    first = dsl.submit(url, {**opened, f"attendance_{early_help.id}": "did_not_attend"})
    second = chair.submit(url, opened)

    assert first.status_code == 302
    assert second.status_code == 409
    text = page_text(second)
    assert "Early Help Hub: attendance Apologies Did not attend Different" in text
    assert error_summary(second) == {
        f"attendance_{early_help.id}": "Someone else changed the attendance for Early Help Hub "
        "while you were editing it"
    }
    assert checked(second, f"attendance_{early_help.id}") == "apologies"  # nothing lost
    assert saved(Invitation, early_help.id).attendance == "did_not_attend"
    assert saved(Invitation, fim.id).attendance == "attended"  # by the first save, unchanged
    assert field_value(second, f"version_{early_help.id}") == "2"
    assert saved(Invitation, fim.id).version == 2  # not saved again by the refused save

    again = chair.submit(url, {**opened, f"version_{early_help.id}": "2"})

    assert again.status_code == 302
    assert saved(Invitation, early_help.id).attendance == "apologies"


def test_attendance_sent_twice_is_saved_once_not_called_someone_elses_change(app):
    """A double click sends the same attendance with the same versions twice: the second finds
    every answer already saved, so it is no conflict and saves nothing more."""
    setting = past_meeting()
    fim, nurse, early_help, _gone = invited_three(setting)
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/attendance"
    typed = attendance_post(
        (fim, "attended", "Pat Hill"),
        (nurse, "apologies", ""),
        (early_help, "did_not_attend", ""),
    )

    first, second = chair.submit(url, typed), chair.submit(url, typed)

    assert (first.status_code, second.status_code) == (302, 302)
    assert len(audit_events("attendance_recorded")) == 1
    assert saved(Invitation, fim.id).attended_by == "Pat Hill"


def test_people_who_came_uninvited_are_added_and_removed(app):
    setting = past_meeting()
    police = factories.agency(name="West Yorkshire Police", service_type="police")
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/attendance/uninvited"

    missing = chair.submit(url, {"name": "Alex Reed", "organisation": "", "agency": ""})
    added = chair.submit(url, {"name": "Alex Reed", "organisation": "", "agency": str(police.id)})
    chair.submit(url, {"name": "Jo Park", "organisation": "Young Carers", "agency": ""})

    assert missing.status_code == 200
    assert error_summary(missing) == {
        "organisation": "Enter their organisation, or select their agency"
    }
    assert field_value(missing, "name") == "Alex Reed"
    assert added.status_code == 302
    attendance = page_text(chair.get(f"/meetings/{setting.meeting.id}/attendance"))
    assert "Alex Reed West Yorkshire Police" in attendance
    assert "Jo Park Young Carers" in attendance
    meeting_page = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert "Came without an invitation: Alex Reed, West Yorkshire Police Jo Park, Young Carers" in (
        meeting_page
    )
    alex = db.session.scalar(
        db.select(UninvitedAttendee).where(UninvitedAttendee.name == "Alex Reed")
    )
    assert alex.recorded_by_id == setting.link_worker.id
    alex_id = alex.id
    assert audit_events("uninvited_attendee_added")[0].detail == {
        "fields": ["agency_id", "name", "organisation"],
        "meeting_id": setting.meeting.id,
    }

    removed = chair.submit(
        f"/meetings/{setting.meeting.id}/attendance/uninvited/{alex_id}/remove",
        page=f"/meetings/{setting.meeting.id}/attendance",
    )

    assert removed.status_code == 302
    assert saved(UninvitedAttendee, alex_id) is None
    assert "Alex Reed" not in page_text(chair.get(f"/meetings/{setting.meeting.id}/attendance"))
    assert audit_events("uninvited_attendee_removed")[0].target_id == alex_id


def test_an_invited_practitioner_cannot_record_attendance(app):
    setting = past_meeting()
    fim, _nurse, _early_help, _gone = invited_three(setting)
    pat = browser_for(app, fim.representative)
    url = f"/meetings/{setting.meeting.id}/attendance"

    page = pat.get(url)
    posted = pat.client.post(
        url,
        data={"csrf_token": pat.token("/account"), **attendance_post((fim, "attended", "Pat"))},
    )

    assert page.status_code == 403
    assert posted.status_code == 403
    assert saved(Invitation, fim.id).attendance is None
