"""Answers: an invited practitioner (or GP practice) answers in the app, attending, apologies, or
apologies with a written update, and may change it until the meeting starts; the chair and
organisers see every answer and update before the meeting, a coordinator the answers only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from tas.extensions import db
from tas.meetings.models import Invitation
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_move import move_form
from tests.pages import audit_events, day, error_summary, page_text, section, version_on
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

UPDATE = "Maya has had two sessions; she is sleeping better. We will offer four more."


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def invited_practitioner(setting, **fields):
    fim = factories.agency(name="Future in Mind")
    fay = factories.user("practitioner", agency=fim, name="Fay Fim")
    invitation = factories.invitation(
        setting.meeting, setting.dsl, agency=fim, representative=fay, **fields
    )
    db.session.commit()
    return fay, invitation


def saved_invitation(invitation_id: int) -> Invitation:
    db.session.expire_all()
    return db.session.get(Invitation, invitation_id)


def test_an_invited_practitioner_answers_and_the_chair_sees_it(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting)
    practitioner = signed_in(app, fay)
    meeting_url = f"/meetings/{setting.meeting.id}"
    url = f"{meeting_url}/answer"

    before = practitioner.get(meeting_url)
    form = practitioner.get(url)
    response = practitioner.submit(url, {"answer": "attending", "version": "1"})

    assert "Your invitation" in section(before, "invitations")
    assert "Answer the invitation" in section(before, "invitations")
    assert "Answer so far No answer yet" in page_text(form)
    assert response.status_code == 302
    kept = saved_invitation(invitation.id)
    assert (kept.answer, kept.answered_by_id, kept.written_update) == ("attending", fay.id, None)
    assert kept.answered_at is not None
    [event] = audit_events("invitation_answered")
    assert event.detail == {
        "meeting_id": setting.meeting.id,
        "answer": "attending",
        "fields": ["answer", "written_update"],
    }
    own = practitioner.get(meeting_url)
    assert "Your answer has been sent to the meeting's chair" in page_text(own)
    assert "Your answer Attending" in section(own, "invitations")
    assert "Change your answer" in section(own, "invitations")
    chair_view = section(signed_in(app, setting.link_worker).get(meeting_url), "invitations")
    answered = "27 November 2026 at 9:30am, by Fay Fim"
    assert f"Future in Mind Fay Fim Attending No written update {answered}" in chair_view


def test_the_same_answer_sent_again_says_nothing_was_sent(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting)
    practitioner = signed_in(app, fay)
    url = f"/meetings/{setting.meeting.id}/answer"
    practitioner.submit(url, {"answer": "attending", "version": "1"})
    practitioner.get(f"/meetings/{setting.meeting.id}")  # the first banner is read

    again = practitioner.submit(url, {"answer": "attending", "version": "2"})
    told = page_text(practitioner.get(again.headers["Location"]))

    assert "You did not change anything, so nothing has been saved" in told
    assert "Your answer has been sent" not in told
    assert len(audit_events("invitation_answered")) == 1
    assert saved_invitation(invitation.id).version == 2


def test_apologies_with_an_update_need_the_update_and_the_organisers_read_it(app):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Maya")
    factories.agenda_item(setting.meeting, child, setting.dsl)
    fay, invitation = invited_practitioner(setting)
    practitioner = signed_in(app, fay)
    url = f"/meetings/{setting.meeting.id}/answer"

    missing = practitioner.submit(
        url, {"answer": "apologies_with_update", "written_update": "  ", "version": "1"}
    )
    sent = practitioner.submit(
        url, {"answer": "apologies_with_update", "written_update": UPDATE, "version": "1"}
    )

    assert missing.status_code == 200
    assert error_summary(missing) == {"written_update": "Enter your written update for the meeting"}
    assert 'value="apologies_with_update" checked' in missing.get_data(as_text=True)
    assert sent.status_code == 302
    kept = saved_invitation(invitation.id)
    assert (kept.answer, kept.written_update) == ("apologies_with_update", UPDATE)
    # The audit log keeps the answer, never the text of the update.
    [event] = audit_events("invitation_answered")
    assert UPDATE not in str(event.detail) and "Maya" not in str(event.detail)
    for organiser in (setting.link_worker, setting.dsl):
        shown = section(
            signed_in(app, organiser).get(f"/meetings/{setting.meeting.id}"), "invitations"
        )
        assert f"Apologies with a written update {UPDATE}" in shown


def test_an_update_is_kept_only_with_apologies_with_update(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(
        setting, answer="apologies_with_update", written_update="Old news"
    )
    practitioner = signed_in(app, fay)

    form = practitioner.get(f"/meetings/{setting.meeting.id}/answer")
    practitioner.submit(
        f"/meetings/{setting.meeting.id}/answer",
        {"answer": "apologies", "written_update": "Typed, then changed my mind", "version": "1"},
    )

    assert "Old news" in form.get_data(as_text=True)  # the saved update, to change
    kept = saved_invitation(invitation.id)
    assert (kept.answer, kept.written_update) == ("apologies", None)


def test_the_answer_can_change_until_the_meeting_starts(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting, answer="attending")
    practitioner = signed_in(app, fay)
    url = f"/meetings/{setting.meeting.id}/answer"

    changed = practitioner.submit(url, {"answer": "apologies", "version": "1"})
    with time_machine.travel(datetime(2026, 12, 2, 9, 1, tzinfo=UTC), tick=False):
        practitioner = signed_in(app, fay)  # days later: a new sign-in
        page = practitioner.get(url)
        late = practitioner.submit(url, {"answer": "attending", "version": "2"})
        meeting_page = practitioner.get(f"/meetings/{setting.meeting.id}")

    assert changed.status_code == 302
    assert "The meeting has started, so answers can no longer be changed" in page_text(page)
    assert 'name="answer"' not in page.get_data(as_text=True)
    assert late.status_code == 200
    assert error_summary(late)["answer"].startswith("The meeting has started")
    assert saved_invitation(invitation.id).answer == "apologies"
    assert "Change your answer" not in section(meeting_page, "invitations")
    assert len(audit_events("invitation_answered")) == 1
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=UTC), tick=False):
        days_after = signed_in(app, fay).get(url)
    # Days after, it is not "started" but over.
    assert "This meeting has taken place, so it needs no answer now" in page_text(days_after)


def test_a_cancelled_meeting_needs_no_answer(app):
    setting = school_with_meeting(status="cancelled")
    fay, invitation = invited_practitioner(setting)
    practitioner = signed_in(app, fay)

    response = practitioner.submit(
        f"/meetings/{setting.meeting.id}/answer", {"answer": "attending", "version": "1"}
    )

    assert error_summary(response) == {
        "answer": "This meeting was cancelled, so it needs no answer"
    }
    assert saved_invitation(invitation.id).answer == "awaiting"


def test_a_colleague_answers_for_their_agency_when_the_invitation_names_nobody(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    invitation = factories.invitation(setting.meeting, setting.dsl, agency=fim)
    colleague = factories.user("practitioner", agency=fim, name="Cole League")
    db.session.commit()

    response = signed_in(app, colleague).submit(
        f"/meetings/{setting.meeting.id}/answer", {"answer": "apologies", "version": "1"}
    )

    assert response.status_code == 302
    assert saved_invitation(invitation.id).answered_by_id == colleague.id
    chair_view = section(
        signed_in(app, setting.link_worker).get(f"/meetings/{setting.meeting.id}"), "invitations"
    )
    assert "by Cole League" in chair_view


def test_a_named_representative_answers_alone_but_their_safeguarding_lead_may_answer(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting)
    colleague = factories.user("practitioner", agency=fay.agency, name="Cole League")
    lead = factories.user(
        "practitioner", agency=fay.agency, name="Lee Lead", is_safeguarding_lead=True
    )
    db.session.commit()
    url = f"/meetings/{setting.meeting.id}/answer"

    assert signed_in(app, colleague).get(url).status_code == 404
    assert signed_in(app, colleague).get(f"/meetings/{setting.meeting.id}").status_code == 404
    response = signed_in(app, lead).submit(url, {"answer": "attending", "version": "1"})

    assert response.status_code == 302
    assert saved_invitation(invitation.id).answered_by_id == lead.id


def test_an_answer_from_an_out_of_date_page_is_refused(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting)
    colleague = factories.user("practitioner", agency=fay.agency, is_safeguarding_lead=True)
    db.session.commit()
    signed_in(app, colleague).submit(
        f"/meetings/{setting.meeting.id}/answer", {"answer": "attending", "version": "1"}
    )

    response = signed_in(app, fay).submit(
        f"/meetings/{setting.meeting.id}/answer",
        {"answer": "apologies_with_update", "written_update": UPDATE, "version": "1"},
    )

    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else changed this answer while you were editing it" in text
    assert "Apologies with a written update Attending Different" in text
    assert UPDATE in response.get_data(as_text=True)  # what they typed is still there
    assert saved_invitation(invitation.id).answer == "attending"


def test_a_gp_practice_answers_but_never_sees_the_agenda(app):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Maya", last_name="Patel")
    factories.agenda_item(setting.meeting, child, setting.dsl, reason="Low mood since the summer")
    gp = factories.user("gp", name="Dr Gee")
    invitation = factories.invitation(setting.meeting, setting.dsl, agency=gp.agency)
    db.session.commit()
    practice = signed_in(app, gp)

    response = practice.submit(
        f"/meetings/{setting.meeting.id}/answer",
        {"answer": "apologies_with_update", "written_update": "Known to us", "version": "1"},
    )
    page = practice.get(f"/meetings/{setting.meeting.id}")

    assert response.status_code == 302
    assert saved_invitation(invitation.id).answer == "apologies_with_update"
    text = page_text(page)
    assert "Maya" not in text and "Patel" not in text and "Low mood" not in text
    assert "1 item on the agenda" in section(page, "agenda")
    assert "Your answer Apologies with a written update" in section(page, "invitations")


def test_a_coordinator_sees_the_answers_but_not_the_updates(app):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Maya", last_name="Patel")
    factories.agenda_item(setting.meeting, child, setting.dsl)
    invited_practitioner(setting, answer="apologies_with_update", written_update=UPDATE)
    coordinator = factories.user("coordinator")
    db.session.commit()

    page = signed_in(app, coordinator).get(f"/meetings/{setting.meeting.id}")

    assert page.status_code == 200
    shown = section(page, "invitations")
    assert "Future in Mind Fay Fim Apologies with a written update" in shown
    assert UPDATE not in page_text(page)
    assert "Maya" not in page_text(page) and "Patel" not in page_text(page)


def test_only_the_invited_may_answer(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting)
    url = f"/meetings/{setting.meeting.id}/answer"
    coordinator = factories.user("coordinator")
    stranger = factories.user("practitioner")
    other_gp = factories.user("gp")
    db.session.commit()

    for user, status in (
        (coordinator, 403),  # sees the arrangements, is not invited
        (setting.dsl, 403),  # organises, is not invited
        (stranger, 404),
        (other_gp, 404),
    ):
        browser = signed_in(app, user)
        assert browser.get(url).status_code == status, user.role
        posted = browser.submit(url, {"answer": "attending", "version": "1"}, page="/")
        assert posted.status_code == status, user.role
    invitation.removed_at = datetime(2026, 11, 26, tzinfo=UTC)
    db.session.commit()
    assert signed_in(app, fay).get(url).status_code == 404
    assert saved_invitation(invitation.id).answer == "awaiting"


def test_an_answer_given_before_the_meeting_moved_is_kept_and_marked(app):
    """Moved to another day, an answer may no longer stand: it is kept (a written update is
    never lost), and the chair and the practitioner see it was given for the old time."""
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting)
    practitioner = signed_in(app, fay)
    practitioner.submit(
        f"/meetings/{setting.meeting.id}/answer", {"answer": "attending", "version": "1"}
    )
    organiser = signed_in(app, setting.dsl)
    meeting_url = f"/meetings/{setting.meeting.id}"

    renamed = organiser.submit(
        f"{meeting_url}/move",
        move_form(
            setting,
            meeting_date=day(date(2026, 12, 2)),
            starts="09:00",
            ends="10:30",
            location="The library",
        ),
    )
    place_only = section(organiser.get(meeting_url), "invitations")
    moved = organiser.submit(f"{meeting_url}/move", move_form(setting, version="2"))
    chair_view = section(organiser.get(meeting_url), "invitations")
    own_view = page_text(practitioner.get(meeting_url))

    assert renamed.status_code == moved.status_code == 302
    assert "Before the meeting moved" not in place_only  # a new place, the same time
    assert "Attending" in chair_view and "Before the meeting moved" in chair_view
    assert "before the meeting moved to the time it is now: check your answer still stands" in (
        own_view
    )
    assert saved_invitation(invitation.id).answer == "attending"


STARTED = (
    "The meeting has started, so answers can no longer be changed. If something has changed, "
    "tell the chair"
)


def test_a_practitioner_running_late_is_told_the_meeting_has_started_not_offered_the_form(app):
    """The answer page opened before the start and sent after it, with or without its version:
    the page says the meeting has started and shows the answer that stands, with no form to
    send again, and keeps what was written so it can go to the chair another way."""
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting, answer="attending")
    practitioner = signed_in(app, fay)
    url = f"/meetings/{setting.meeting.id}/answer"
    opened = practitioner.get(url)
    typed = {"answer": "apologies_with_update", "written_update": UPDATE}

    with time_machine.travel(datetime(2026, 12, 2, 9, 5, tzinfo=UTC), tick=False):
        practitioner = signed_in(app, fay)  # days later: a new sign-in
        late = practitioner.submit(url, {**typed, "version": version_on(opened)})
        no_version = practitioner.submit(url, typed)

    assert "Send your answer" in page_text(opened)
    for response in (late, no_version):
        assert response.status_code == 200
        assert error_summary(response) == {"answer": STARTED}
        text, html = page_text(response), response.get_data(as_text=True)
        assert "Send your answer" not in text and 'name="answer"' not in html
        assert "Someone else changed" not in text
        assert "Answer so far Attending" in text
        assert "What you wrote It has not been sent." in text and UPDATE in text
    kept = saved_invitation(invitation.id)
    assert (kept.answer, kept.written_update, kept.version) == ("attending", None, 1)
    assert audit_events("invitation_answered") == []


def test_after_the_start_the_answer_page_shows_the_answer_given_with_its_update(app):
    setting = school_with_meeting()
    fay, _invitation = invited_practitioner(
        setting, answer="apologies_with_update", written_update=UPDATE
    )

    with time_machine.travel(datetime(2026, 12, 2, 9, 5, tzinfo=UTC), tick=False):
        page = signed_in(app, fay).get(f"/meetings/{setting.meeting.id}/answer")

    text = page_text(page)
    assert f"{STARTED}." in text
    assert "Answer so far Apologies with a written update" in text
    assert f"Your written update {UPDATE}" in text
    assert 'name="answer"' not in page.get_data(as_text=True)


def test_an_answer_sent_without_its_version_is_asked_again_not_called_someone_elses(app):
    setting = school_with_meeting()
    fay, invitation = invited_practitioner(setting)
    practitioner = signed_in(app, fay)
    url = f"/meetings/{setting.meeting.id}/answer"
    typed = {"answer": "apologies_with_update", "written_update": UPDATE}

    incomplete = practitioner.submit(url, typed)
    again = practitioner.submit(url, {**typed, "version": version_on(incomplete)})

    assert incomplete.status_code == 200
    assert error_summary(incomplete) == {
        "answer": "Your answer was not sent because the page was incomplete. Check it and send "
        "it again"
    }
    assert "Someone else changed" not in page_text(incomplete)
    assert 'value="apologies_with_update" checked' in incomplete.get_data(as_text=True)
    assert UPDATE in incomplete.get_data(as_text=True)
    assert version_on(incomplete) == "1"
    assert again.status_code == 302
    assert saved_invitation(invitation.id).answer == "apologies_with_update"
    assert len(audit_events("invitation_answered")) == 1
