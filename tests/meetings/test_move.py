"""Moving or changing a meeting: organisers only, with a reason, kept as history (who, when,
why, before and after); the calendar sequence rises when the date, time or place changes; two
people saving at once cannot overwrite each other."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from tas.extensions import db
from tas.meetings.booking.checks import NOTES_NAME_A_CHILD
from tas.meetings.models import Meeting, MeetingChange
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, day, error_summary, field_value, page_text, section
from tests.plans.helpers import child_at


def move_form(setting, /, **fields) -> dict:
    return {
        "meeting_date": day(date(2026, 12, 3)),
        "starts": "13:00",
        "ends": "14:30",
        "location": "Meeting room 1",
        "online_link": "",
        "chair": str(setting.link_worker.id),
        "notes_for_attendees": "",
        "reason": "The hall is needed for the nativity play",
        "version": "1",
        **fields,
    }


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


def test_moving_keeps_who_when_why_and_raises_the_sequence(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    opened = visitor.get(url)
    assert opened.status_code == 200
    assert (field_value(opened, "starts"), field_value(opened, "ends")) == ("09:00", "10:30")
    assert field_value(opened, "location") == "Meeting room 1"
    response = visitor.submit(url, move_form(setting))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{setting.meeting.id}"
    meeting = saved(setting.meeting.id)
    assert (meeting.starts_at, meeting.ends_at) == (
        datetime(2026, 12, 3, 13, 0, tzinfo=UTC),
        datetime(2026, 12, 3, 14, 30, tzinfo=UTC),
    )
    assert (meeting.sequence, meeting.version, meeting.status) == (1, 2, "scheduled")
    [change] = changes_of(meeting.id)
    assert (change.kind, change.by_id) == ("moved", setting.dsl.id)
    assert change.reason == "The hall is needed for the nativity play"
    assert change.before == {
        "starts_at": "2026-12-02T09:00:00+00:00",
        "ends_at": "2026-12-02T10:30:00+00:00",
    }
    assert change.after == {
        "starts_at": "2026-12-03T13:00:00+00:00",
        "ends_at": "2026-12-03T14:30:00+00:00",
    }
    [audited] = audit_events("meeting_moved")
    assert audited.detail == {"fields": ["ends_at", "starts_at"], "sequence": 1}

    shown = section(visitor.get(f"/meetings/{meeting.id}"), "arrangements")
    assert "Date 3 December 2026 Time 1:00pm to 2:30pm" in shown
    assert (
        "Moved Date and time: 2 December 2026, 9:00am to 10:30am → 3 December 2026, "
        f"1:00pm to 2:30pm {setting.dsl.name} The hall is needed for the nativity play" in shown
    )


def test_a_new_chair_or_notes_raise_the_sequence_so_every_calendar_takes_the_update(visitor):
    """Calendars that apply only a higher SEQUENCE take a change of chair or notes too
    (docs/design.md section 5: every change that sends an update raises it)."""
    setting = school_with_meeting()
    deputy = factories.user("dsl", school=setting.school, name="Dee Deputy")
    db.session.commit()
    visitor.sign_in(setting.link_worker.email)  # the chair organises too
    url = f"/meetings/{setting.meeting.id}/move"

    response = visitor.submit(
        url,
        move_form(
            setting,
            meeting_date=day(date(2026, 12, 2)),
            starts="09:00",
            ends="10:30",
            chair=str(deputy.id),
            notes_for_attendees="Parking is behind the hall",
            reason="I am on leave that week",
        ),
    )

    assert response.status_code == 302
    meeting = saved(setting.meeting.id)
    assert (meeting.chair_id, meeting.sequence) == (deputy.id, 1)
    assert meeting.notes_for_attendees == "Parking is behind the hall"
    [change] = changes_of(meeting.id)
    assert change.kind == "changed"
    assert "Parking" not in str(change.before) + str(change.after)  # notes are not copied
    shown = section(visitor.get(f"/meetings/{meeting.id}"), "arrangements")
    assert f"Changed Chair: {setting.link_worker.name} → Dee Deputy" in shown
    assert "Notes for attendees changed" in shown
    assert audit_events("meeting_changed")[0].detail["fields"] == [
        "chair_id",
        "notes_for_attendees",
    ]


def test_a_new_place_raises_the_sequence(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    visitor.submit(
        url,
        move_form(
            setting,
            meeting_date=day(date(2026, 12, 2)),
            starts="09:00",
            ends="10:30",
            location="",
            online_link="https://meet.example.org/abc",
            reason="Snow is forecast",
        ),
    )
    assert saved(setting.meeting.id).sequence == 1
    shown = section(visitor.get(f"/meetings/{setting.meeting.id}"), "arrangements")
    assert "Place: Meeting room 1 → none" in shown
    assert "Online link: none → https://meet.example.org/abc" in shown


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"reason": " "}, {"reason": "Enter why the meeting is being moved or changed"}),
        # Nothing changed and no reason: both said at once.
        (
            {
                "reason": " ",
                "meeting_date": day(date(2026, 12, 2)),
                "starts": "09:00",
                "ends": "10:30",
            },
            {
                "meeting_date": "Nothing has changed: change the date, time, place, chair or "
                "notes, or go back to the meeting",
                "reason": "Enter why the meeting is being moved or changed",
            },
        ),
        (
            {"meeting_date": day(date(2026, 12, 2)), "starts": "09:00", "ends": "10:30"},
            {
                "meeting_date": "Nothing has changed: change the date, time, place, chair or "
                "notes, or go back to the meeting"
            },
        ),
        (
            {"meeting_date": day(date(2026, 11, 20))},
            {"meeting_date": "The date of the meeting must be today or in the future"},
        ),
        ({"ends": "12:00"}, {"ends": "The end time must be after the start time"}),
        ({"location": ""}, {"location": "Enter where the meeting is, or a link to join it online"}),
    ],
)
def test_problems_are_shown_and_what_was_typed_is_kept(visitor, changes, problems):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(f"/meetings/{setting.meeting.id}/move", move_form(setting, **changes))

    assert response.status_code == 200
    assert error_summary(response) == problems
    typed = move_form(setting, **changes)
    assert field_value(response, "starts") == typed["starts"]
    if typed["reason"].strip():
        assert f"{typed['reason']}</textarea>" in response.get_data(as_text=True)
    assert saved(setting.meeting.id).version == 1
    assert changes_of(setting.meeting.id) == []


def test_every_problem_with_a_move_shows_at_once(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        f"/meetings/{setting.meeting.id}/move",
        move_form(setting, meeting_date=day(date(2026, 11, 20)), location="", reason=" "),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "meeting_date": "The date of the meeting must be today or in the future",
        "location": "Enter where the meeting is, or a link to join it online",
        "reason": "Enter why the meeting is being moved or changed",
    }
    assert saved(setting.meeting.id).version == 1
    assert changes_of(setting.meeting.id) == []


def test_notes_for_attendees_may_not_name_a_child_on_the_agenda(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Robin", last_name="Marsh")
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        f"/meetings/{setting.meeting.id}/move",
        move_form(setting, notes_for_attendees="Mrs marsh will come at 1pm"),
    )

    assert error_summary(response) == {"notes_for_attendees": NOTES_NAME_A_CHILD}
    # A child on the agenda by first name, even in the plural, counts too.
    for notes in ("Robin's mum will come at 1pm", "Robins nest in the car park"):
        refused = visitor.submit(
            f"/meetings/{setting.meeting.id}/move",
            move_form(setting, notes_for_attendees=notes),
        )
        assert error_summary(refused) == {"notes_for_attendees": NOTES_NAME_A_CHILD}
    fine = visitor.submit(
        f"/meetings/{setting.meeting.id}/move",
        move_form(setting, notes_for_attendees="Park in the staff car park"),
    )
    assert fine.status_code == 302


def test_a_moved_meeting_that_now_overlaps_is_a_warning_to_confirm(visitor):
    setting = school_with_meeting()
    other = factories.meeting(
        setting.school,
        setting.dsl,
        starts_at=datetime(2026, 12, 3, 13, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
    )
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    warned = visitor.submit(url, move_form(setting))

    assert "move_anyway" in error_summary(warned)
    assert f"({other.reference})" in page_text(warned)
    assert saved(setting.meeting.id).sequence == 0
    moved = visitor.submit(url, move_form(setting, move_anyway="y"))
    assert moved.status_code == 302
    assert saved(setting.meeting.id).sequence == 1


def test_a_meeting_can_keep_its_own_time_when_only_the_notes_change(visitor):
    """Its own time never clashes with itself, and an old clash is not asked about again."""
    setting = school_with_meeting()
    factories.meeting(setting.school, setting.dsl)  # the same time, booked anyway
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        f"/meetings/{setting.meeting.id}/move",
        move_form(
            setting,
            meeting_date=day(date(2026, 12, 2)),
            starts="09:00",
            ends="10:30",
            notes_for_attendees="Tea and coffee provided",
        ),
    )

    assert response.status_code == 302


@pytest.mark.parametrize("who", ["invited practitioner", "coordinator", "gp invited"])
def test_people_who_see_the_meeting_but_do_not_organise_it_get_403(login_as, who):
    setting = school_with_meeting()
    role = {"invited practitioner": "practitioner", "coordinator": "coordinator"}.get(who, "gp")
    browser = login_as(role)
    if role != "coordinator":
        factories.invitation(setting.meeting, setting.dsl, agency=browser.user.agency)
    db.session.commit()

    for path in ("move", "cancel"):
        url = f"/meetings/{setting.meeting.id}/{path}"
        assert browser.get(url).status_code == 403
        assert browser.submit(url, move_form(setting), page="/").status_code == 403
    assert browser.get(f"/meetings/{setting.meeting.id}").status_code == 200
    assert "Move or change the meeting" not in page_text(
        browser.get(f"/meetings/{setting.meeting.id}")
    )
    assert saved(setting.meeting.id).version == 1


def test_people_who_cannot_see_the_meeting_get_404(login_as):
    setting = school_with_meeting()
    outsiders = [login_as("dsl"), login_as("link_worker"), login_as("practitioner")]
    for browser in outsiders:
        for path in ("move", "cancel"):
            url = f"/meetings/{setting.meeting.id}/{path}"
            assert browser.get(url).status_code == 404
            assert browser.submit(url, move_form(setting), page="/").status_code == 404
    assert outsiders[0].get("/meetings/99999/move").status_code == 404
    assert outsiders[0].get("/meetings/99999999999/cancel").status_code == 404
    assert saved(setting.meeting.id).version == 1


def test_a_stale_save_is_refused_with_both_versions_and_what_was_typed(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"
    visitor.get(url)  # opened at version 1
    meeting = db.session.get(Meeting, setting.meeting.id)
    meeting.location = "The hall"  # someone else saves first
    db.session.commit()

    response = visitor.submit(url, move_form(setting))

    assert response.status_code == 409
    assert error_summary(response) == {
        "saved-version": "Someone else changed this meeting while you were editing it"
    }
    text = page_text(response)
    assert "Question Your changes Saved version" in text
    assert "Date 3 December 2026 2 December 2026 Different" in text
    assert "Location Meeting room 1 The hall Different" in text
    assert field_value(response, "starts") == "13:00"
    assert "The hall is needed for the nativity play</textarea>" in response.get_data(as_text=True)
    assert saved(setting.meeting.id).location == "The hall"
    assert field_value(response, "version") == "2"

    again = visitor.submit(url, move_form(setting, version="2"))

    assert again.status_code == 302
    assert saved(setting.meeting.id).location == "Meeting room 1"
    assert saved(setting.meeting.id).starts_at == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)


@pytest.mark.commits  # another connection saves first, mid-flush
def test_a_save_that_loses_a_race_at_the_last_moment_is_refused_not_a_500(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    table = Meeting.__table__
    raced = []

    def someone_else_saves_first(session, _context, _instances):
        if raced or not any(isinstance(changed, Meeting) for changed in session.dirty):
            return
        raced.append(True)
        with db.engine.begin() as other:
            other.execute(
                update(table)
                .where(table.c.id == setting.meeting.id)
                .values(location="The hall", version=table.c.version + 1)
            )

    event.listen(Session, "before_flush", someone_else_saves_first)
    try:
        response = visitor.submit(f"/meetings/{setting.meeting.id}/move", move_form(setting))
    finally:
        event.remove(Session, "before_flush", someone_else_saves_first)

    assert raced and response.status_code == 409
    assert "Location Meeting room 1 The hall Different" in page_text(response)
    assert saved(setting.meeting.id).location == "The hall"
    assert changes_of(setting.meeting.id) == []


def test_a_cancelled_meeting_can_no_longer_be_moved(visitor):
    setting = school_with_meeting(
        status="cancelled",
        cancel_reason="The school closed for snow",
        cancelled_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
    )
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    opened = visitor.get(url)
    posted = visitor.submit(url, move_form(setting), page=f"/meetings/{setting.meeting.id}")

    assert opened.status_code == 200
    assert (
        "This meeting was cancelled on 26 November 2026 at 8:00am. Reason: The school closed "
        "for snow" in page_text(opened)
    )
    assert posted.status_code == 409
    assert "Nothing you entered has been saved" in page_text(posted)
    assert "Reason The hall is needed for the nativity play" in page_text(posted)
    assert saved(setting.meeting.id).starts_at == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    page = page_text(visitor.get(f"/meetings/{setting.meeting.id}"))
    assert "Move or change the meeting" not in page


def test_a_meeting_at_a_repeated_time_opens_with_the_time_it_was_saved_with(visitor):
    setting = school_with_meeting(
        starts_at=datetime(2027, 10, 31, 1, 30, tzinfo=UTC),  # 01:30 GMT, the second 01:30
        ends_at=datetime(2027, 10, 31, 3, 0, tzinfo=UTC),
    )
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    opened = visitor.get(url)

    assert "01:30 GMT, the second time" in page_text(opened)
    assert 'value="1" checked' in opened.get_data(as_text=True)
    response = visitor.submit(
        url,
        move_form(
            setting,
            meeting_date=day(date(2027, 10, 31)),
            starts="01:30",
            start_fold="1",
            ends="03:00",
            location="The hall",
        ),
    )
    assert response.status_code == 302
    assert saved(setting.meeting.id).starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_the_arrangements_take_the_same_queries_however_long_the_history(visitor, count_queries):
    setting = school_with_meeting()
    other = factories.meeting(setting.school, setting.dsl, chair=setting.link_worker)
    db.session.flush()
    for meeting, changes in ((setting.meeting, 2), (other, 12)):
        for n in range(changes):
            db.session.add(
                MeetingChange(
                    meeting_id=meeting.id,
                    kind="moved",
                    by_id=setting.dsl.id if n % 2 else setting.link_worker.id,
                    reason=f"Reason {n}",
                    at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=n),
                    before={"location": f"Room {n}"},
                    after={"location": f"Room {n + 1}"},
                )
            )
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    counts = []
    for meeting in (setting.meeting, other):
        with count_queries() as counted:
            page = visitor.get(f"/meetings/{meeting.id}")
        assert page.status_code == 200
        counts.append(len(counted))
    assert "Place: Room 11 → Room 12" in section(page, "arrangements")
    assert counts[0] == counts[1]
