"""An agency is invited once to a meeting: a person invited by name counts for their agency (the
attendance report counts them there), so an organiser inviting a practitioner of an agency
already invited, or the agency of someone invited by name, is told so, and offered one
invitation of the agency naming that person instead. A person covered by two invitations made
before this sees, answers and is listed with the one naming them."""

from __future__ import annotations

from datetime import date

import pytest

from tas.extensions import db
from tas.meetings.lists.reports import attendance_by_agency
from tas.meetings.models import Invitation
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_invitations import invitations_of, invite, signed_in
from tests.pages import audit_events, error_summary, page_text, queued_emails, section
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


@pytest.fixture
def fim(app):
    """A meeting that invites Future in Mind (its contact address, no one named), and Farah, one
    of its practitioners."""
    setting = school_with_meeting()
    agency = factories.agency(name="Future in Mind", contact_email="fim@nhs.example.org")
    farah = factories.user("practitioner", agency=agency, name="Farah Iqbal")
    invitation = factories.invitation(setting.meeting, setting.dsl, agency=agency)
    db.session.commit()
    return setting, agency, farah, invitation


def offer_on(response) -> dict[str, str]:
    """The one-invitation offer's form on the invite page: its action and hidden fields."""
    body = response.get_data(as_text=True)
    start = body.find('id="one-invitation"')
    assert start != -1, "no offer on the page"
    part = body[start : body.find("</form>", start)]
    action = part.split('action="', 1)[1].split('"', 1)[0]
    fields = dict(
        (tag.split('name="', 1)[1].split('"', 1)[0], tag.split('value="', 1)[1].split('"', 1)[0])
        for tag in part.split("<input")[1:]
    )
    return {"action": action, **fields}


def test_a_practitioner_of_an_invited_agency_is_named_on_its_invitation_not_invited_twice(app, fim):
    setting, agency, farah, invitation = fim
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/invitations/add"
    before = len(queued_emails())

    refused = dsl.submit(url, invite(kind="person", person=str(farah.id)))

    assert refused.status_code == 200
    assert error_summary(refused) == {
        "person": "Farah Iqbal works for Future in Mind, which is already invited to this meeting"
    }
    assert f'value="{farah.id}" selected' in refused.get_data(as_text=True)  # kept as chosen
    assert "Name Farah Iqbal on Future in Mind's invitation" in page_text(refused)
    assert len(invitations_of(setting.meeting.id)) == 1
    assert len(queued_emails()) == before

    offer = offer_on(refused)
    named = dsl.submit(offer.pop("action"), {k: v for k, v in offer.items() if k != "csrf_token"})
    again = dsl.submit(
        f"/meetings/{setting.meeting.id}/invitations/{invitation.id}/representative",
        {"version": offer["version"], "agency": str(agency.id), "person": str(farah.id)},
    )

    assert named.status_code == again.status_code == 302
    [kept] = invitations_of(setting.meeting.id)
    assert (kept.agency_id, kept.representative_id) == (agency.id, farah.id)
    [event] = audit_events("invitation_changed")
    assert event.detail == {
        "meeting_id": setting.meeting.id,
        "agency_id": agency.id,
        "representative_id": farah.id,
        "fields": ["representative_id"],
    }
    [sent] = queued_emails()[before:]  # once, to Farah, however often the button is pressed
    assert farah.email in sent.recipients
    assert sent.subject.startswith("Invitation: ")
    page = dsl.get(f"/meetings/{setting.meeting.id}")
    assert "Farah Iqbal already answers for Future in Mind's invitation" in page_text(page)
    assert "Future in Mind Farah Iqbal No answer yet" in section(page, "invitations")

    # Farah answers for Future in Mind, and Future in Mind is counted once.
    farah_browser = signed_in(app, farah)
    farah_browser.submit(
        f"/meetings/{setting.meeting.id}/answer", {"answer": "attending", "version": "2"}
    )
    own = section(farah_browser.get(f"/meetings/{setting.meeting.id}"), "invitations")
    assert "Invited Future in Mind Your answer Attending" in own
    kept.attendance, setting.meeting.status = "attended", "held"
    db.session.commit()
    [row] = attendance_by_agency(between=(date(2026, 12, 1), date(2026, 12, 31)))
    assert (row.agency_name, row.invited, row.attended) == ("Future in Mind", 1, 1)


def test_a_practitioner_of_an_agency_invited_with_someone_named_is_told_who(app):
    setting = school_with_meeting()
    nursing = factories.agency(name="0-19 Service", service_type="zero_to_nineteen")
    nia = factories.user("practitioner", agency=nursing, name="Nia Owen")
    sam = factories.user("practitioner", agency=nursing, name="Sam School-Nurse")
    factories.invitation(setting.meeting, setting.dsl, agency=nursing, representative=sam)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    refused = dsl.submit(
        f"/meetings/{setting.meeting.id}/invitations/add",
        invite(kind="person", person=str(nia.id)),
    )

    assert error_summary(refused) == {
        "person": "Nia Owen works for 0-19 Service, which is already invited to this meeting, "
        "with Sam School-Nurse as its representative"
    }
    assert 'id="one-invitation"' not in refused.get_data(as_text=True)  # Sam's stays Sam's
    assert len(invitations_of(setting.meeting.id)) == 1


def test_the_agency_of_someone_invited_by_name_becomes_their_invitation_not_a_second(app):
    setting = school_with_meeting()
    agency = factories.agency(name="Future in Mind", contact_email="fim@nhs.example.org")
    farah = factories.user("practitioner", agency=agency, name="Farah Iqbal")
    gemma = factories.user("practitioner", agency=agency, name="Gemma Green")
    by_name = factories.invitation(setting.meeting, setting.dsl, representative=farah)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/invitations/add"
    before = len(queued_emails())

    agency_refused = dsl.submit(url, invite(agency=str(agency.id)))
    colleague_refused = dsl.submit(url, invite(kind="person", person=str(gemma.id)))
    offer = offer_on(agency_refused)
    made = dsl.submit(offer.pop("action"), {k: v for k, v in offer.items() if k != "csrf_token"})

    assert error_summary(agency_refused) == {
        "agency": "Future in Mind is already invited to this meeting: Farah Iqbal is invited by "
        "name"
    }
    assert "Make Farah Iqbal's invitation Future in Mind's" in page_text(agency_refused)
    assert error_summary(colleague_refused) == {
        "person": "Gemma Green works for Future in Mind, which is already invited to this "
        "meeting: Farah Iqbal is invited by name"
    }
    assert made.status_code == 302
    [kept] = invitations_of(setting.meeting.id)
    assert (kept.id, kept.agency_id, kept.representative_id) == (by_name.id, agency.id, farah.id)
    assert audit_events("invitation_changed")[0].detail["fields"] == ["agency_id"]
    assert len(queued_emails()) == before  # Farah has the invitation already
    page = dsl.get(f"/meetings/{setting.meeting.id}")
    assert "Farah Iqbal now answers for Future in Mind's invitation" in page_text(page)
    assert "Future in Mind Farah Iqbal No answer yet" in section(page, "invitations")


def test_an_offer_from_an_old_page_changes_nothing_and_says_so(app, fim):
    setting, agency, farah, invitation = fim
    dsl = signed_in(app, setting.dsl)
    refused = dsl.submit(
        f"/meetings/{setting.meeting.id}/invitations/add",
        invite(kind="person", person=str(farah.id)),
    )
    offer = offer_on(refused)
    invitation.representative = factories.user("practitioner", agency=agency, name="Gemma Green")
    db.session.commit()  # a colleague named someone else meanwhile

    stale = dsl.submit(offer.pop("action"), {k: v for k, v in offer.items() if k != "csrf_token"})
    told = page_text(dsl.get(stale.headers["Location"]))

    assert "Someone else changed that invitation while you were looking at it" in told
    [kept] = invitations_of(setting.meeting.id)
    assert kept.representative.name == "Gemma Green"
    assert audit_events("invitation_changed") == []


def test_a_person_covered_by_two_invitations_sees_and_answers_the_one_naming_them(app, fim):
    """Two invitations made before an agency was invited once: Farah's own is shown to her as
    the one she answers, on the meeting page as on the answer page and in her list."""
    setting, _agency, farah, agency_invitation = fim
    hers = factories.invitation(setting.meeting, setting.dsl, representative=farah)
    db.session.commit()
    browser = signed_in(app, farah)
    meeting_url = f"/meetings/{setting.meeting.id}"

    browser.submit(f"{meeting_url}/answer", {"answer": "attending", "version": "1"})
    page = section(browser.get(meeting_url), "invitations")
    listed = page_text(browser.get("/meetings"))

    db.session.expire_all()
    assert db.session.get(Invitation, hers.id).answer == "attending"
    assert db.session.get(Invitation, agency_invitation.id).answer == "awaiting"
    assert "Your invitation Invited You, by name Your answer Attending" in page
    assert "Attending" in listed


def test_a_gp_practice_invited_through_its_staff_by_name_is_not_suggested_again(app):
    setting = school_with_meeting()
    surgery = factories.agency(name="Westgate Surgery", service_type="gp_practice")
    gp = factories.user("gp", agency=surgery, name="Dr Gill")
    child = child_at(setting.school, gp_practice=surgery)
    factories.agenda_item(setting.meeting, child, setting.dsl)
    factories.invitation(setting.meeting, setting.dsl, representative=gp)
    db.session.commit()

    shown = section(
        signed_in(app, setting.dsl).get(f"/meetings/{setting.meeting.id}"), "invitations"
    )

    assert "Dr Gill" in shown
    assert "Suggested" not in shown
