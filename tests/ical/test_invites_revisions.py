"""Issue 12, section 1: each invitation shows its recipient only their own answer; a meeting
booked as one of a series says so and links to the series page; UIDs keep their fixed domain
whatever BASE_URL says."""

from __future__ import annotations

from sqlalchemy import select

from tas.extensions import db
from tas.ical import invites
from tas.meetings.models import Meeting, MeetingSeries
from tests import factories
from tests.ical.test_invites import Sent, fresh, outbox_rows, sent, signed_in
from tests.meetings.helpers import school_with_meeting


def answers(email: Sent) -> dict[str, str]:
    return {
        str(a).removeprefix("mailto:"): a.params.get("PARTSTAT", "NEEDS-ACTION")
        for a in email.event.get("ATTENDEE", [])
    }


def test_each_invitation_shows_only_its_recipients_own_answer(app):
    setting = school_with_meeting()
    fay = factories.user("practitioner", name="Fay Fim", email="fay@fim.example.org")
    olu = factories.user("practitioner", name="Olu Other", email="olu@other.example.org")
    youth = factories.agency(name="Youth Service", contact_email="youth@agency.example.org")
    for person, answer in ((fay, "attending"), (olu, "apologies")):
        factories.invitation(
            setting.meeting, setting.dsl, agency=person.agency, representative=person, answer=answer
        )
    factories.invitation(setting.meeting, setting.dsl, agency=youth, answer="apologies")
    db.session.commit()

    assert invites.changed(setting.meeting, moved=False) == 3
    db.session.commit()

    emails = {email.to[0]: answers(email) for email in sent()}
    everyone = {"fay@fim.example.org", "olu@other.example.org", "youth@agency.example.org"}
    assert emails == {
        "fay@fim.example.org": dict.fromkeys(everyone, "NEEDS-ACTION")
        | {"fay@fim.example.org": "ACCEPTED"},
        "olu@other.example.org": dict.fromkeys(everyone, "NEEDS-ACTION")
        | {"olu@other.example.org": "DECLINED"},
        "youth@agency.example.org": dict.fromkeys(everyone, "NEEDS-ACTION")
        | {"youth@agency.example.org": "DECLINED"},
    }


def test_a_series_meetings_invitations_name_the_series_and_link_to_its_page(app):
    setting = school_with_meeting()
    series = MeetingSeries(
        school_id=setting.school.id,
        kind="tas",
        pattern="every_n_weeks",
        settings={},
        created_by_id=setting.dsl.id,
    )
    db.session.add(series)
    db.session.flush()
    setting.meeting.series_id = series.id
    factories.invitation(setting.meeting, setting.dsl)
    alone = factories.meeting(setting.school, setting.dsl, chair=setting.link_worker)
    factories.invitation(alone, setting.dsl)
    db.session.commit()

    invites.booked(setting.meeting)
    invites.booked(alone)
    db.session.commit()

    in_series, single = sent()
    link = f"https://tas.example.org/meetings/series/{series.id}"
    assert "one of a series booked together" in in_series.text
    assert link in in_series.text
    assert link in str(in_series.event["DESCRIPTION"])
    # Each date keeps its own invitation: one event, its own UID.
    assert str(in_series.event["UID"]) == f"tas-meeting-{setting.meeting.id}@partnership.example"
    assert "series" not in single.text and "series" not in str(single.event["DESCRIPTION"])


def test_a_new_base_url_keeps_every_uid(make_app):
    """Moving the service to a new address does not make every meeting new in calendars:
    the same meeting, sent from two BASE_URLs, has the same UID (in CALENDAR_UID_DOMAIN)."""
    sent_from = {}
    for base in ("https://tas.example.org", "https://tas.new-host.example"):
        app = make_app(BASE_URL=base)
        with app.app_context():
            meeting = db.session.scalar(select(Meeting))
            if meeting is None:
                setting = school_with_meeting()
                factories.invitation(setting.meeting, setting.dsl)
                db.session.commit()
                meeting = setting.meeting
            invites.booked(meeting)
            db.session.commit()
            email = Sent(outbox_rows()[-1].raw)
            assert f"{base}/meetings/{meeting.id}" in email.text  # links follow BASE_URL
            sent_from[base] = str(email.event["UID"])
            db.session.remove()
    first, second = sent_from.values()
    assert first == second == f"tas-meeting-{meeting.id}@partnership.example"


def test_an_invitation_added_meanwhile_never_leaves_a_lower_sequence_in_the_next_email(app):
    """Two organisers invite an agency each to one meeting: the second loaded the meeting
    before the first invitation raised its SEQUENCE (on PostgreSQL both run at once). Each
    email carries the SEQUENCE the database holds after its own invitation, so a calendar
    program that applies only a higher SEQUENCE takes the later one too."""
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind", contact_email="fim@nhs.example.org")
    nurses = factories.agency(name="0-19 Service", contact_email="zero19@nhs.example.org")
    db.session.commit()
    meeting_id, fim_id = setting.meeting.id, fim.id
    meeting = db.session.get(Meeting, meeting_id)  # the second organiser's page: SEQUENCE 0
    assert meeting.sequence == 0

    first_organiser = signed_in(app, setting.dsl)
    response = first_organiser.submit(
        f"/meetings/{meeting_id}/invitations/add",
        {"kind": "agency", "agency": str(fim_id), "representative": "", "person": ""},
    )
    assert response.status_code == 302
    invitation = factories.invitation(meeting, setting.dsl, agency=nurses)
    db.session.flush()
    invites.invited(meeting, invitation)
    db.session.commit()

    first, second = sent()
    assert (first.to, second.to) == (["fim@nhs.example.org"], ["zero19@nhs.example.org"])
    assert [int(email.event["SEQUENCE"]) for email in (first, second)] == [1, 2]
    assert fresh(meeting_id).sequence == 2  # what the later email says
