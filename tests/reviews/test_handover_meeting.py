"""The handover (TAF) meeting booked from the level page after a step down: the child is on its
agenda; the agencies involved with the child (Social Care's worker included) and the family are
suggested, never the school's default TAS agencies; an agency not involved with the child does
not see the family's home address; and its review is not completed as held before its date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from tas.children.models import CoordinatorAccess
from tas.extensions import db
from tas.levels.handover import services as service
from tas.meetings.models import AgendaItem, Invitation, Meeting
from tas.organisations.models import Agency, User
from tas.outbox.models import OutboxMessage
from tas.plans.models import AgencyInvolvement
from tas.reviews.models import Review
from tests import factories
from tests.conftest import csrf_from
from tests.pages import audit_events, day, error_summary, field_value, page_text, section
from tests.reviews.helpers import ChildSetting, child_with_plan
from tests.reviews.test_levels import browser_for, level_url, send

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

ADDRESS = "12 Example Road"


@dataclass
class Handover:
    setting: ChildSetting
    review: Review
    camhs: Agency
    camhs_worker: User
    social_care: Agency
    social_worker: User
    default_agency: Agency
    ended: Agency


def handover_due(*, more_involvements: int = 0, n: str = "") -> Handover:
    """A child stepped down from Social Care on 23 November 2026 (plan open, handover due on
    7 December), with CAMHS and Children's Social Care involved, an ended involvement, a
    school default agency (Future in Mind) not involved, and a mother with parental
    responsibility."""
    setting = child_with_plan(level="early_help", social_worker_name="Sam Social")
    plan = setting.plan
    plan.social_worker_team = "East Children in Need Team"
    camhs = factories.agency(name=f"CAMHS North{n}", service_type="camhs")
    camhs_worker = factories.user("practitioner", agency=camhs, name="Cam Worker")
    social_care = factories.agency(name=f"Children's Social Care{n}", service_type="social_care")
    social_worker = factories.user("practitioner", agency=social_care, name="Sam Social")
    default_agency = factories.agency(name=f"Future in Mind East{n}", service_type="future_in_mind")
    ended = factories.agency(name=f"Youth Justice West{n}", service_type="youth_justice")
    factories.involvement(plan, agency=camhs, practitioner=camhs_worker, service="CAMHS therapy")
    factories.involvement(
        plan, agency=social_care, practitioner=social_worker, service="Child in need plan"
    )
    factories.involvement(
        plan, agency=ended, service="Youth work", status="ended", ended_on=date(2026, 10, 1)
    )
    for n in range(more_involvements):
        factories.involvement(plan, service=f"Extra service {n}")
    factories.family_member(setting.child, name="Mia Mother", relationship_to_child="Mother")
    change = factories.step_change(setting.child, setting.dsl)
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="handover_meeting",
        due_on=date(2026, 12, 7),
        owner_id=setting.link_worker.id,
        plan_id=plan.id,
        step_change_id=change.id,
    )
    db.session.commit()
    return Handover(
        setting, review, camhs, camhs_worker, social_care, social_worker, default_agency, ended
    )


def handover_url(child) -> str:
    return f"/children/{child.id}/level/handover"


def arrangements(handover: Handover, **fields) -> dict:
    return {
        "meeting_date": day(date(2026, 12, 3)),
        "starts": "10:00",
        "ends": "11:00",
        "location": ADDRESS,
        "venue_private": "y",
        "online_link": "",
        "chair": str(handover.setting.link_worker.id),
        "notes_for_attendees": "",
        "invite": [str(handover.camhs.id), str(handover.social_care.id)],
        **fields,
    }


def booked(app, handover: Handover) -> Meeting:
    """The DSL books the handover meeting at the family's home on 3 December 2026."""
    browser = browser_for(app, handover.setting.dsl)
    url = handover_url(handover.setting.child)
    response = send(browser, url, arrangements(handover))
    assert response.status_code == 302, error_summary(response)
    db.session.expire_all()
    return db.session.scalar(select(Meeting).where(Meeting.kind == "taf"))


def invited_agencies(meeting: Meeting) -> set[int]:
    return set(
        db.session.scalars(select(Invitation.agency_id).where(Invitation.meeting_id == meeting.id))
    )


# ---------------------------------------------------------------- the booking page


def test_the_booking_page_has_the_child_on_the_agenda_and_suggests_those_involved(app):
    handover = handover_due()
    browser = browser_for(app, handover.setting.dsl)

    level = browser.get(level_url(handover.setting.child))
    page = browser.get(handover_url(handover.setting.child))

    assert f'href="{handover_url(handover.setting.child)}"' in level.get_data(as_text=True)
    assert page.status_code == 200
    text = page_text(page)
    assert f"On the agenda {handover.setting.child.full_name}" in text
    assert "CAMHS North: CAMHS therapy (Cam Worker)" in text
    assert (
        "Children's Social Care: Child in need plan "
        "(Sam Social, social worker, East Children in Need Team)"
    ) in text
    checked = checked_values(page, "invite")
    assert checked == {str(handover.camhs.id), str(handover.social_care.id)}
    assert "Future in Mind East" not in text  # the school's default TAS agency
    assert "Youth Justice West" not in text  # no longer involved
    assert "Mia Mother (Mother, parental responsibility)" in text
    assert "this service does not send them invitations" in text


def checked_values(response, name: str) -> set[str]:
    html = response.get_data(as_text=True)
    found = set()
    for tag in html.split("<input")[1:]:
        tag = tag.split(">", 1)[0]
        if f'name="{name}"' in tag and "checked" in tag:
            found.add(tag.split('value="', 1)[1].split('"', 1)[0])
    return found


def test_booking_invites_those_involved_and_puts_the_child_on_the_agenda(app):
    handover = handover_due()

    meeting = booked(app, handover)

    assert (meeting.kind, meeting.venue_private, meeting.location) == ("taf", True, ADDRESS)
    [item] = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    assert item.child_id == handover.setting.child.id
    assert invited_agencies(meeting) == {handover.camhs.id, handover.social_care.id}
    representatives = set(
        db.session.scalars(
            select(Invitation.representative_id).where(Invitation.meeting_id == meeting.id)
        )
    )
    assert representatives == {handover.camhs_worker.id, handover.social_worker.id}
    recipients = " ".join(db.session.scalars(select(OutboxMessage.recipients)))
    assert handover.camhs_worker.email in recipients
    assert handover.default_agency.contact_email not in recipients
    assert handover.setting.child.last_name not in " ".join(
        db.session.scalars(select(OutboxMessage.subject))
    )
    browser = browser_for(app, handover.setting.dsl)
    level = page_text(browser.get(level_url(handover.setting.child)))
    assert f"Booked: handover (TAF) meeting {meeting.reference} on 3 December 2026" in level
    assert "Book the handover (TAF) meeting" not in level


def test_a_booking_with_mistakes_keeps_what_was_typed_and_books_nothing(app):
    handover = handover_due()
    browser = browser_for(app, handover.setting.dsl)
    url = handover_url(handover.setting.child)

    response = send(
        browser,
        url,
        arrangements(handover, ends="09:00", invite=[str(handover.default_agency.id)]),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "ends": "The end time must be after the start time",
        "invite": "Select agencies from the list of those involved with the child",
    }
    assert field_value(response, "location") == ADDRESS
    assert db.session.scalars(select(Meeting)).all() == []


def test_every_problem_with_a_handover_booking_shows_at_once(app):
    handover = handover_due()
    browser = browser_for(app, handover.setting.dsl)

    response = send(
        browser,
        handover_url(handover.setting.child),
        arrangements(
            handover,
            meeting_date=day(date(2026, 11, 20)),
            location="",
            online_link="ftp://x",
            invite=["not an agency"],
        ),
    )

    assert response.status_code == 200
    summary = error_summary(response)
    assert summary["meeting_date"] == "The date of the meeting must be today or in the future"
    assert summary["online_link"] == (
        "Enter the online meeting link in full, starting with https://"
    )
    assert summary["location"] == "Enter the address of the family's home"
    assert set(summary) == {"meeting_date", "online_link", "location", "invite"}
    assert field_value(response, "online_link") == "ftp://x"
    assert db.session.scalars(select(Meeting)).all() == []


def test_only_those_who_book_the_schools_meetings_may_book_it(app):
    handover = handover_due()
    lead = factories.user("practitioner")
    handover.setting.plan.lead_practitioner = lead
    db.session.commit()
    browser = browser_for(app, lead)

    assert browser.get(handover_url(handover.setting.child)).status_code == 403
    assert "Book the handover" not in page_text(browser.get(level_url(handover.setting.child)))


def test_without_a_handover_due_the_page_says_so(app):
    setting = child_with_plan(level="early_help")
    browser = browser_for(app, setting.dsl)

    page = browser.get(handover_url(setting.child))

    assert "No handover (TAF) meeting is due for this child" in page_text(page)


def test_the_booking_page_runs_the_same_queries_however_many_are_involved(app, count_queries):
    counts = []
    for more in (0, 5):
        handover = handover_due(more_involvements=more, n=f" {more}")
        browser = browser_for(app, handover.setting.dsl)
        with count_queries() as statements:
            response = browser.get(handover_url(handover.setting.child))
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- the family's home address


def test_the_address_is_for_the_agencies_involved_not_every_agency_invited(app):
    handover = handover_due()
    meeting = booked(app, handover)
    outsider_agency = factories.agency(name="Police East", service_type="police")
    outsider = factories.user("practitioner", agency=outsider_agency)
    factories.invitation(meeting, handover.setting.dsl, agency=outsider_agency)
    coordinator = factories.user("coordinator")
    with_reason = factories.user("coordinator")
    db.session.flush()
    db.session.add(
        CoordinatorAccess(
            child_id=handover.setting.child.id,
            user_id=with_reason.id,
            reason="Checking the handover for the quarterly report",
            expires_at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC) + timedelta(hours=2),
        )
    )
    db.session.commit()

    def place(user) -> str:
        shown = browser_for(app, user).get(f"/meetings/{meeting.id}")
        assert shown.status_code == 200
        return section(shown, "arrangements")

    for person in (handover.setting.dsl, handover.camhs_worker, handover.social_worker):
        assert f"The family's home: {ADDRESS}" in place(person)
    assert f"The family's home: {ADDRESS}" in place(with_reason)
    for person in (outsider, coordinator):
        shown = place(person)
        assert ADDRESS not in shown
        assert "shown only to the organisers and the agencies involved with the child" in shown


# ---------------------------------------------------------------- held, not before its date


def test_the_handover_review_is_not_held_before_the_meetings_date(app):
    handover = handover_due()
    meeting = booked(app, handover)
    url = f"/reviews/{handover.review.id}/complete"
    held = {
        "outcome": "held",
        "completed_on": day(date(2026, 11, 27)),
        "notes": "Went well",
        "version": "1",
    }
    browser = browser_for(app, handover.setting.link_worker)

    early = send(browser, url, held)

    assert early.status_code == 200
    assert error_summary(early) == {
        "completed_on": f"The handover (TAF) meeting {meeting.reference} is on 3 December 2026: "
        "it can only be recorded as held on or after that date"
    }
    assert "Went well" in page_text(early)
    assert db.session.get(Review, handover.review.id).status == "open"

    with time_machine.travel(datetime(2026, 12, 3, 12, tzinfo=UTC), tick=True):
        browser = browser_for(app, handover.setting.link_worker)
        on_the_day = send(browser, url, {**held, "completed_on": day(date(2026, 12, 3))})

    assert on_the_day.status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, handover.review.id).outcome == "held"


def test_a_handover_not_booked_here_can_still_be_recorded_as_held(app):
    handover = handover_due()
    browser = browser_for(app, handover.setting.link_worker)

    response = send(
        browser,
        f"/reviews/{handover.review.id}/complete",
        {"outcome": "held", "completed_on": day(date(2026, 11, 27)), "notes": "", "version": "1"},
    )

    assert response.status_code == 302


# ---------------------------------------------------------------- booked once


def tokens_of(page) -> dict:
    """The CSRF and one-time tokens of a form page, to send it later (another tab)."""
    return {
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "submission": field_value(page, "submission"),
    }


def taf_meetings() -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(Meeting.id).where(Meeting.kind == "taf")))


def test_a_second_booking_from_another_tab_books_nothing_and_shows_the_meeting(app):
    handover = handover_due()
    browser = browser_for(app, handover.setting.dsl)
    url = handover_url(handover.setting.child)
    other_tab = tokens_of(browser.get(url))
    meeting = booked(app, handover)  # in another tab, or by another organiser
    emails = db.session.scalar(select(func.count(OutboxMessage.id)))

    again = browser.client.post(
        url, data={**other_tab, **arrangements(handover, meeting_date=day(date(2026, 12, 4)))}
    )
    opened = browser.get(url)

    assert again.status_code == 409
    for page in (again, opened):
        text = page_text(page)
        assert "has already been booked for this child since the step down" in text
        assert f"Handover (TAF) meeting {meeting.reference} on 3 December 2026" in text
        assert f'href="/meetings/{meeting.id}"' in page.get_data(as_text=True)
        assert 'name="meeting_date"' not in page.get_data(as_text=True)  # no form to send
    assert opened.status_code == 200
    assert taf_meetings() == [meeting.id]
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == emails


def test_the_booking_checks_again_inside_its_transaction(app, monkeypatch):
    """Two sends at once both pass the page's check: the one that writes second finds the first
    one's meeting under the child's lock, and books nothing."""
    handover = handover_due()
    before_any = service.handover_booking

    def as_opened_before(child):  # the page's check ran before the other booking committed
        found = before_any(child)
        return replace(found, booked=[]) if found is not None else None

    meeting = booked(app, handover)
    monkeypatch.setattr(service, "handover_booking", as_opened_before)
    browser = browser_for(app, handover.setting.dsl)

    again = send(
        browser,
        handover_url(handover.setting.child),
        arrangements(handover, meeting_date=day(date(2026, 12, 4))),
    )

    assert again.status_code == 409
    assert f"Handover (TAF) meeting {meeting.reference}" in page_text(again)
    assert taf_meetings() == [meeting.id]
    assert len(audit_events("handover_meeting_booked")) == 1


# ---------------------------------------------------------------- Children's Social Care suggested


def stepped_down_without_social_care_involved(*social_care_names: str) -> Handover:
    """A handover due for a child whose social worker was recorded while Social Care held the
    plan, with no involvement of Social Care recorded, and these Social Care agencies set up."""
    handover = handover_due()
    involvement = db.session.scalar(
        select(AgencyInvolvement).where(AgencyInvolvement.agency_id == handover.social_care.id)
    )
    db.session.delete(involvement)
    handover.social_worker.agency = handover.camhs  # so that no one is in Social Care either
    db.session.delete(handover.social_care)
    for name in social_care_names:
        factories.agency(name=name, service_type="social_care")
    db.session.commit()
    return handover


def test_the_one_social_care_agency_is_suggested_unticked_when_not_recorded_as_involved(app):
    handover = stepped_down_without_social_care_involved("Wakefield Children's Social Care")
    browser = browser_for(app, handover.setting.dsl)

    page = browser.get(handover_url(handover.setting.child))

    agency = db.session.scalar(select(Agency).where(Agency.service_type == "social_care"))
    assert (
        "Wakefield Children's Social Care: Children's Social Care (Sam Social, social worker, "
        "East Children in Need Team), not recorded as involved"
    ) in page_text(page)
    assert checked_values(page, "invite") == {str(handover.camhs.id)}  # the booker chooses
    assert str(agency.id) in page.get_data(as_text=True)


def test_no_social_care_agency_is_guessed_among_several(app):
    handover = stepped_down_without_social_care_involved(
        "A Children's Social Care (closed)", "Wakefield Children's Social Care"
    )
    browser = browser_for(app, handover.setting.dsl)

    page = browser.get(handover_url(handover.setting.child))

    text = page_text(page)
    assert "Social Care" not in section_text(text)
    assert checked_values(page, "invite") == {str(handover.camhs.id)}
    sent = send(
        browser,
        handover_url(handover.setting.child),
        arrangements(
            handover,
            invite=[
                str(a.id)
                for a in db.session.scalars(
                    select(Agency).where(Agency.service_type == "social_care")
                )
            ],
        ),
    )
    assert error_summary(sent)["invite"] == (
        "Select agencies from the list of those involved with the child"
    )
    assert taf_meetings() == []


def section_text(text: str) -> str:
    """The page's words about whom to invite."""
    return text.split("Who to invite", 1)[1].split("The family", 1)[0]


# -------------------------------------------------------- every page about the child, audited


def test_a_booking_sent_back_with_mistakes_is_audited_as_the_page_opened_is(app):
    handover = handover_due()
    factories.family_member(
        handover.setting.child,
        name="Fred Father",
        relationship_to_child="Father",
        safe_contact_warning="Do not share the address",
    )
    db.session.commit()
    browser = browser_for(app, handover.setting.dsl)

    wrong = send(
        browser, handover_url(handover.setting.child), arrangements(handover, ends="09:00")
    )

    assert wrong.status_code == 200 and error_summary(wrong)
    text = page_text(wrong)
    assert handover.setting.child.full_name in text and "Do not share the address" in text
    events = audit_events("handover_booking_opened")
    assert len(events) == 2  # the page opened, then the page sent back
    assert {event.target_id for event in events} == {handover.setting.child.id}
    assert {event.actor_id for event in events} == {handover.setting.dsl.id}


def test_the_already_booked_page_is_audited(app):
    handover = handover_due()
    booked(app, handover)
    browser = browser_for(app, handover.setting.dsl)
    before = len(audit_events("handover_booking_opened"))

    browser.get(handover_url(handover.setting.child))

    assert len(audit_events("handover_booking_opened")) == before + 1


def test_the_already_booked_page_runs_the_same_queries_however_many_are_involved(
    app, count_queries
):
    counts = []
    for more in (0, 5):
        handover = handover_due(more_involvements=more, n=f" {more}")
        booked(app, handover)
        browser = browser_for(app, handover.setting.dsl)
        with count_queries() as statements:
            response = browser.get(handover_url(handover.setting.child))
        assert "has already been booked for this child" in page_text(response)
        counts.append(len(statements))
    assert counts[0] == counts[1]
