"""Cancelling a meeting: organisers only, with a reason; it stays visible as cancelled (who and
why), its calendar sequence rises, and it can no longer be moved or cancelled again."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Meeting, MeetingChange, TasRequest
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, error_summary, page_text, section
from tests.plans.helpers import child_at


def saved(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def changes_of(meeting_id: int) -> list[MeetingChange]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(MeetingChange)
            .where(MeetingChange.meeting_id == meeting_id)
            .order_by(MeetingChange.id)
        )
    )


def test_a_cancelled_meeting_stays_visible_as_cancelled_with_who_and_why(visitor, login_as):
    setting = school_with_meeting()
    visitor.sign_in(setting.link_worker.email)
    url = f"/meetings/{setting.meeting.id}/cancel"

    opened = visitor.get(url)
    assert "Date 2 December 2026 Time 9:00am to 10:30am" in page_text(opened)
    response = visitor.submit(url, {"reason": "Too few agencies can come", "version": "1"})

    assert response.status_code == 302
    meeting = saved(setting.meeting.id)
    assert (meeting.status, meeting.sequence, meeting.version) == ("cancelled", 1, 2)
    assert meeting.cancelled_by_id == setting.link_worker.id
    assert meeting.cancel_reason == "Too few agencies can come"
    assert meeting.cancelled_at is not None
    [change] = changes_of(meeting.id)
    assert (change.kind, change.reason) == ("cancelled", "Too few agencies can come")
    assert (change.before, change.after) == ({"status": "scheduled"}, {"status": "cancelled"})
    [audited] = audit_events("meeting_cancelled")
    assert audited.detail == {"sequence": 1}

    page = visitor.get(f"/meetings/{meeting.id}")
    shown = section(page, "arrangements")
    assert f"Meeting {meeting.reference} has been cancelled" in page_text(page)
    assert (
        f"This meeting was cancelled on 27 November 2026 at 9:30am by {setting.link_worker.name}. "
        "Reason: Too few agencies can come" in shown
    )
    assert "Status Cancelled" in shown
    assert f"Cancelled {setting.link_worker.name} Too few agencies can come" in shown
    assert "Move or change the meeting" not in shown and "Cancel the meeting" not in shown

    coordinator = login_as("coordinator")
    assert "Status Cancelled" in section(coordinator.get(f"/meetings/{meeting.id}"), "arrangements")

    again = visitor.get(url)
    assert again.status_code == 200
    assert "This meeting cannot be cancelled" in page_text(again)


def test_a_reason_is_needed(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        f"/meetings/{setting.meeting.id}/cancel", {"reason": "  ", "version": "1"}
    )

    assert response.status_code == 200
    assert error_summary(response) == {"reason": "Enter why the meeting is cancelled"}
    assert saved(setting.meeting.id).status == "scheduled"


def test_a_meeting_moved_while_cancelling_is_shown_before_cancelling_it(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/cancel"
    visitor.get(url)
    mover = factories.user("link_worker", linked_schools=[setting.school], name="Mo Mover")
    db.session.commit()
    meeting = db.session.get(Meeting, setting.meeting.id)
    meeting.starts_at = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    meeting.ends_at = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    db.session.add(
        MeetingChange(
            meeting_id=meeting.id,
            kind="moved",
            by_id=mover.id,
            reason="The chair is ill",
            before={
                "starts_at": "2026-12-02T09:00:00+00:00",
                "ends_at": "2026-12-02T10:30:00+00:00",
            },
            after={
                "starts_at": "2026-12-04T13:00:00+00:00",
                "ends_at": "2026-12-04T14:00:00+00:00",
            },
        )
    )
    db.session.commit()

    response = visitor.submit(url, {"reason": "Nobody can come", "version": "1"})

    assert response.status_code == 409
    assert error_summary(response) == {
        "saved-version": "Someone else changed this meeting while you were editing it"
    }
    text = page_text(response)
    assert "Mo Mover changed it on" in text and "The chair is ill" in text
    assert (
        "Date and time: 2 December 2026, 9:00am to 10:30am → 4 December 2026, 1:00pm to "
        "2:00pm" in text
    )
    assert "Date 4 December 2026 Time 1:00pm to 2:00pm" in text
    assert "Nobody can come</textarea>" in response.get_data(as_text=True)
    assert saved(setting.meeting.id).status == "scheduled"

    again = visitor.submit(url, {"reason": "Nobody can come", "version": "2"})

    assert again.status_code == 302
    assert saved(setting.meeting.id).status == "cancelled"


def test_two_people_cancelling_at_once_cancel_it_once(visitor, login_as):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    worker = login_as("link_worker", linked_schools=[setting.school])
    url = f"/meetings/{setting.meeting.id}/cancel"
    visitor.get(url)
    worker.get(url)

    first = worker.submit(url, {"reason": "Snow", "version": "1"})
    second = visitor.submit(url, {"reason": "Illness", "version": "1"}, page="/")

    assert first.status_code == 302
    assert second.status_code == 409
    text = page_text(second)
    assert f"by {worker.user.name}. Reason: Snow" in text
    assert "Reason Illness" in text  # what they typed, shown back
    assert saved(setting.meeting.id).cancel_reason == "Snow"
    assert saved(setting.meeting.id).sequence == 1
    assert len(changes_of(setting.meeting.id)) == 1


def test_a_held_meeting_cannot_be_cancelled(visitor):
    setting = school_with_meeting(status="held")
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        f"/meetings/{setting.meeting.id}/cancel",
        {"reason": "Oops", "version": "1"},
        page=f"/meetings/{setting.meeting.id}",
    )

    assert response.status_code == 409
    assert "This meeting has been held, so it can no longer be cancelled" in page_text(response)
    assert saved(setting.meeting.id).status == "held"


def test_a_meeting_that_took_place_cannot_be_cancelled(visitor):
    """Who came was recorded: the meeting happened. Cancelling it would tell everyone it did
    not, and hide its minutes' meeting as cancelled."""
    setting = school_with_meeting(
        starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 26, 10, 30, tzinfo=UTC),
    )
    invitation = factories.invitation(setting.meeting, setting.dsl)
    invitation.attendance = "attended"
    db.session.commit()
    visitor.sign_in(setting.link_worker.email)
    page = visitor.get(f"/meetings/{setting.meeting.id}")

    refused = visitor.submit(
        f"/meetings/{setting.meeting.id}/cancel",
        {"reason": "Entered by mistake", "version": str(setting.meeting.version)},
    )

    # A correction is still possible, of the place, chair or notes: not of the date.
    assert "Change the place, chair or notes" in page_text(page)
    assert "Cancel the meeting" not in page_text(page)
    assert refused.status_code == 200
    assert "it took place, so it cannot be cancelled" in error_summary(refused)["reason"]
    assert saved(setting.meeting.id).status == "scheduled"
    assert changes_of(setting.meeting.id) == []


def test_requests_accepted_onto_a_cancelled_meeting_go_back_to_triage(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school)
    db.session.flush()
    accepted = factories.tas_request(child, setting.dsl, status="accepted")
    db.session.flush()
    factories.agenda_item(setting.meeting, child, setting.link_worker, request_id=accepted.id)
    db.session.commit()
    visitor.sign_in(setting.link_worker.email)
    url = f"/meetings/{setting.meeting.id}/cancel"

    page = page_text(visitor.get(url))
    done = visitor.submit(url, {"reason": "The chair is unwell", "version": "1"})
    told = page_text(visitor.get(done.headers["Location"]))

    assert (
        "1 request to discuss a child on its agenda will go back to the link worker to triage "
        "again, so that the children can be discussed at another meeting" in page
    )
    assert (
        f"Meeting {setting.meeting.reference} has been cancelled: 1 request to discuss a child "
        "on its agenda goes back to the link worker to triage again" in told
    )
    db.session.expire_all()
    assert db.session.get(TasRequest, accepted.id).status == "awaiting_triage"
    [event] = audit_events("meeting_cancelled")
    assert event.detail["requests_returned_to_triage"] == [accepted.id]
