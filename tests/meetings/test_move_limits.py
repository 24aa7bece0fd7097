"""What a move never does unseen: a meeting that took place keeps its date and times (its place,
chair and notes can still be corrected); a new start already past is a warning to confirm (a
meeting held earlier than booked), never a slip saved; agenda time slots outside the new times
are cleared only once the organiser confirms, and the banner, the history and the update say
so. The clock is 9:30am on Friday 27 November 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import AgendaItem, Meeting, MeetingChange, SchoolRoom
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import (
    audit_events,
    day,
    error_summary,
    field_value,
    page_text,
    queued_emails,
    section,
)
from tests.plans.helpers import child_at

TOOK_PLACE = (
    "Who was present, attendance or minutes are recorded for this meeting: it took place, so it "
    "cannot be moved to another date or time"
)
PASSED = (
    "The new start time has already passed, so the meeting would be waiting for its minutes at "
    "once. Check the date and start time; if the meeting happened then, confirm to go ahead "
    "anyway"
)


def move_form(setting, /, **fields) -> dict:
    return {
        "meeting_date": day(date(2026, 12, 2)),
        "starts": "09:00",
        "ends": "10:30",
        "location": "Meeting room 1",
        "online_link": "",
        "chair": str(setting.link_worker.id),
        "notes_for_attendees": "",
        "reason": "The hall is needed for the nativity play",
        "version": "1",
        **fields,
    }


def email_texts() -> list[str]:
    """The plain-text part of every email queued."""
    texts = []
    for row in queued_emails():
        message = message_from_bytes(row.raw, policy=policy.default)
        texts.append(message.get_body(preferencelist=("plain",)).get_content())
    return texts


def invited(setting) -> None:
    """An agency invited to the meeting, by its contact address, committed."""
    factories.invitation(setting.meeting, setting.dsl, agency=factories.agency())
    db.session.commit()


def saved(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def changes_of(meeting_id: int) -> list[MeetingChange]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(MeetingChange).where(MeetingChange.meeting_id == meeting_id))
    )


# ---------------------------------------------------------------- a meeting that took place


def yesterdays_meeting(recorded: str):
    """Thursday's meeting, 9am to 10:30am, with one thing of the day itself recorded."""
    setting = school_with_meeting(
        starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 26, 10, 30, tzinfo=UTC),
    )
    invitation = factories.invitation(setting.meeting, setting.dsl, agency=factories.agency())
    if recorded == "presence":
        setting.meeting.present_confirmed_at = datetime(2026, 11, 26, 9, 5, tzinfo=UTC)
    elif recorded == "attendance":
        invitation.attendance = "attended"
        invitation.attended_by = "Farah Iqbal"
    else:
        child = child_at(setting.school)
        db.session.flush()
        factories.agenda_item(
            setting.meeting,
            child,
            setting.dsl,
            minuted_at=datetime(2026, 11, 26, 10, 0, tzinfo=UTC),
            minuted_by_id=setting.link_worker.id,
        )
    db.session.commit()
    return setting


@pytest.mark.parametrize("recorded", ["presence", "attendance", "minutes"])
def test_a_meeting_that_took_place_cannot_be_moved_to_another_date(visitor, recorded):
    """It was held on Thursday: moved to January it would read "Scheduled, 12 January 2027"
    beside its attendance and minutes, send everyone an update, and no date before today could
    put it back."""
    setting = yesterdays_meeting(recorded)
    version = setting.meeting.version
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    refused = visitor.submit(
        url, move_form(setting, meeting_date=day(date(2027, 1, 12)), version=str(version))
    )

    assert refused.status_code == 200
    assert error_summary(refused) == {"meeting_date": TOOK_PLACE}
    # The date typed is shown again, asked, beside the message, with the reason.
    assert 'id="meeting_date-day"' in refused.get_data(as_text=True)
    assert field_value(refused, "meeting_date") == "12"
    assert "The hall is needed for the nativity play</textarea>" in refused.get_data(as_text=True)
    meeting = saved(setting.meeting.id)
    assert meeting.starts_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert (meeting.version, meeting.sequence) == (version, 0)
    assert changes_of(meeting.id) == []
    assert queued_emails() == []


def test_its_page_asks_only_what_can_be_corrected_and_keeps_the_date(visitor):
    setting = yesterdays_meeting("attendance")
    deputy = factories.user("dsl", school=setting.school, name="Dee Deputy")
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    meeting_page = page_text(visitor.get(f"/meetings/{setting.meeting.id}"))
    opened = visitor.get(url)
    body = opened.get_data(as_text=True)
    held = {"meeting_date": day(date(2026, 11, 26))}  # as the page carries it
    unchanged = visitor.submit(url, move_form(setting, **held, reason="Correcting the record"))
    corrected = visitor.submit(
        url, move_form(setting, **held, chair=str(deputy.id), reason="Dee chaired it in the end")
    )

    assert "Change the place, chair or notes" in meeting_page
    assert "Move or change the meeting" not in meeting_page
    assert "Cancel the meeting" not in meeting_page
    text = page_text(opened)
    assert "Change the place, chair or notes" in text
    assert "it took place, so its date and times stay as they are" in text
    assert "The meeting has ended, so nobody is sent an email about the change" in text
    assert 'id="meeting_date-day"' not in body and 'id="starts"' not in body  # not asked
    assert field_value(opened, "location") == "Meeting room 1"
    assert error_summary(unchanged) == {
        "location": "Nothing has changed: change the place, chair or notes, or go back to the "
        "meeting"
    }
    assert 'id="meeting_date-day"' not in unchanged.get_data(as_text=True)
    assert corrected.status_code == 302
    meeting = saved(setting.meeting.id)
    assert meeting.chair_id == deputy.id
    assert (meeting.starts_at, meeting.ends_at) == (
        datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 26, 10, 30, tzinfo=UTC),
    )
    shown = section(visitor.get(f"/meetings/{meeting.id}"), "arrangements")
    assert f"Changed Chair: {setting.link_worker.name} → Dee Deputy" in shown
    assert queued_emails() == []  # the meeting has ended: no calendar to update


def test_nothing_changed_at_a_saved_room_is_said_of_the_place_not_of_the_room(visitor):
    """The place is asked first on its page: "nothing has changed" is said there, not turned
    into a problem with the saved room's name."""
    setting = yesterdays_meeting("attendance")
    room = SchoolRoom(school_id=setting.school.id, name="Library", added_by_id=setting.dsl.id)
    db.session.add(room)
    setting.meeting.location = "Library"
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = move_form(
        setting,
        meeting_date=day(date(2026, 11, 26)),
        room=str(room.id),
        location="",
        reason="Correcting the record",
        version=str(setting.meeting.version),
    )

    unchanged = visitor.submit(f"/meetings/{setting.meeting.id}/move", typed)

    assert error_summary(unchanged) == {
        "location": "Nothing has changed: change the place, chair or notes, or go back to the "
        "meeting"
    }


def test_a_meeting_that_ended_with_nothing_recorded_can_still_be_moved(visitor):
    """Nothing of the day is recorded, so it may not have happened: it can be rebooked."""
    setting = school_with_meeting(
        starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 26, 10, 30, tzinfo=UTC),
    )
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"

    assert "Move or change the meeting" in page_text(visitor.get(f"/meetings/{setting.meeting.id}"))
    moved = visitor.submit(url, move_form(setting, meeting_date=day(date(2026, 12, 3))))

    assert moved.status_code == 302
    assert saved(setting.meeting.id).starts_at == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


# ---------------------------------------------------------------- a start already past


def test_a_new_start_already_past_is_confirmed_before_it_is_saved(visitor):
    """00:01 typed for 12:01 is a slip: the meeting would wait for its minutes at once and
    everyone would be sent an update. A meeting held earlier than booked is confirmed."""
    setting = school_with_meeting()
    invited(setting)
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"
    typed = move_form(setting, meeting_date=day(date(2026, 11, 27)), starts="00:01", ends="00:10")

    warned = visitor.submit(url, typed)

    assert warned.status_code == 200
    assert error_summary(warned) == {"move_to_past": PASSED}
    assert "Move it to this time anyway" in page_text(warned)
    assert field_value(warned, "starts") == "00:01"
    assert saved(setting.meeting.id).version == 1
    assert changes_of(setting.meeting.id) == [] and queued_emails() == []

    confirmed = visitor.submit(url, {**typed, "move_to_past": "y"})

    assert confirmed.status_code == 302
    assert saved(setting.meeting.id).starts_at == datetime(2026, 11, 27, 0, 1, tzinfo=UTC)
    assert len(queued_emails()) == 1  # the update, once: the entry held was still to come


def test_a_start_later_today_or_the_meetings_own_start_needs_no_confirming(visitor):
    setting = school_with_meeting(
        starts_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),  # started half an hour ago
        ends_at=datetime(2026, 11, 27, 10, 30, tzinfo=UTC),
    )
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"
    today = day(date(2026, 11, 27))

    kept = visitor.submit(
        url, move_form(setting, meeting_date=today, ends="11:00", reason="Running late")
    )
    later = visitor.submit(
        url,
        move_form(setting, meeting_date=today, starts="14:00", ends="15:00", version="2"),
    )

    assert kept.status_code == 302
    assert later.status_code == 302
    assert saved(setting.meeting.id).starts_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


# ---------------------------------------------------------------- agenda time slots


def with_slots(setting, *slots: time | None) -> list[AgendaItem]:
    items = []
    for position, slot in enumerate(slots, start=1):
        child = child_at(setting.school)
        db.session.flush()
        items.append(
            factories.agenda_item(
                setting.meeting, child, setting.dsl, position=position, slot_starts=slot
            )
        )
    db.session.commit()
    return items


def slots_of(items: list[AgendaItem]) -> list[time | None]:
    db.session.expire_all()
    return [db.session.get(AgendaItem, item.id).slot_starts for item in items]


def test_slots_outside_the_new_times_are_cleared_only_when_confirmed_and_said(visitor):
    """A child's slot at 9:15am on a meeting moved to 3pm to 4pm would tell every invitee
    9:15am: the move says so first, then clears them, and everyone is told."""
    setting = school_with_meeting()
    invited(setting)
    items = with_slots(setting, time(9, 15), None, time(10, 0))
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"
    typed = move_form(setting, starts="15:00", ends="16:00")

    warned = visitor.submit(url, typed)

    assert warned.status_code == 200
    assert error_summary(warned) == {
        "clear_slots": "2 time slots on the agenda are outside the new times (9:15am and "
        "10:00am). Moving the meeting clears them: set new ones on the agenda afterwards. Check "
        "the times, or confirm to go ahead"
    }
    assert "Move it and clear those time slots" in page_text(warned)
    assert field_value(warned, "starts") == "15:00"
    assert slots_of(items) == [time(9, 15), None, time(10, 0)]
    assert saved(setting.meeting.id).version == 1 and queued_emails() == []

    moved = visitor.submit(url, {**typed, "clear_slots": "y"})

    assert moved.status_code == 302
    assert slots_of(items) == [None, None, None]
    assert saved(setting.meeting.id).starts_at == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    page = visitor.get(moved.headers["Location"])
    assert (
        f"Meeting {setting.meeting.reference} has been changed. Its 2 agenda time slots at "
        "9:15am and 10:00am were outside the new times and have been cleared: set new ones on "
        "the agenda" in page_text(page)
    )
    assert "Agenda time slots outside the new times cleared: 9:15am and 10:00am" in section(
        page, "arrangements"
    )
    [email] = email_texts()  # one update, to the one invited
    assert "Time slots on the agenda that fell outside the new time have been cleared" in email
    [audited] = audit_events("meeting_moved")
    assert audited.detail["agenda_slots_cleared"] == [items[0].id, items[2].id]


@pytest.mark.parametrize(
    ("changes", "kept"),
    [
        ({"meeting_date": day(date(2026, 12, 9))}, "another day, the same hours"),
        ({"ends": "11:30"}, "longer"),
        ({"starts": "09:15", "ends": "10:15"}, "shorter, the slots still inside"),
    ],
)
def test_slots_still_inside_the_new_times_are_kept_without_asking(visitor, changes, kept):
    setting = school_with_meeting()
    items = with_slots(setting, time(9, 15), time(10, 0))
    visitor.sign_in(setting.dsl.email)

    moved = visitor.submit(f"/meetings/{setting.meeting.id}/move", move_form(setting, **changes))

    assert moved.status_code == 302, kept
    assert slots_of(items) == [time(9, 15), time(10, 0)]
    assert "cleared" not in page_text(visitor.get(moved.headers["Location"]))
