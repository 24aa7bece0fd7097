"""A child's words that raise a concern: "do this now", the DSL and the recording agency's
safeguarding lead told at once by an email naming no child, a response the same working day with
reasons, who and when, and two people answering at once (Friday 11 December 2026, 10:00)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tas.children.models import StaffGrant
from tas.core.clock import local
from tas.core.words import weekday_date
from tas.extensions import db
from tas.organisations.models import User
from tas.reminders.models import Reminder
from tas.voice.models import VoiceEntry
from tests import factories
from tests.pages import audit_events, error_summary, page_text, queued_emails, version_on
from tests.voice.helpers import WORDS, child_and_team, entry_form, record, signed_in


def the_entry() -> VoiceEntry:
    db.session.expire_all()
    return db.session.scalars(select(VoiceEntry)).one()


def test_a_concern_is_told_at_once_to_the_dsl_and_the_safeguarding_lead_naming_no_child(app):
    team = child_and_team()
    farah = signed_in(app, team.practitioner)

    saved = record(farah, team.child)

    entry = the_entry()
    assert saved.headers["Location"] == (f"/children/{team.child.id}/voice/{entry.id}?recorded=1")
    shown = page_text(farah.get(saved.headers["Location"]))
    assert "If what the child said raises a concern, do this now" in shown
    assert "call 999" in shown and "Integrated Front Door" in shown
    assert "Needs a response" in shown and "by 5:00pm today" in shown
    assert WORDS in shown
    assert (
        "What the child said has been saved. Told at once, in the service and by email: the 2 "
        f"designated safeguarding leads of {team.school.name} and the safeguarding lead of "
        f"{team.agency.name}." in shown
    )
    # Told at once: the school's DSLs and her agency's safeguarding lead, by email and in the
    # app; not Farah, who has just been shown what to do.
    dsls = db.session.scalars(
        select(User).where(User.role == "dsl", User.school_id == team.school.id)
    ).all()
    assert len(dsls) == 2  # the DSL, and the one who asked for the family's agreement
    emails = queued_emails()
    assert sorted(e.recipients for e in emails) == sorted(
        [*(dsl.email for dsl in dsls), team.lead.email]
    )
    reference = f"VC-{entry.id:04d}"
    for email in emails:
        assert email.subject == (
            f"Concern recorded: {reference} needs a response by 5:00pm on "
            f"{weekday_date(local(entry.response_due_at).date())}"
        )
        raw = email.raw.decode()
        assert team.child.first_name not in raw and team.child.last_name not in raw
        assert "no point" not in raw  # the child's words stay in the app
        assert f"/children/{team.child.id}/voice/{entry.id}" in raw
    told = db.session.scalars(select(Reminder.recipient_id).where(Reminder.status == "sent"))
    assert sorted(told) == sorted([*(dsl.id for dsl in dsls), team.lead.id])
    # The audit log keeps which fields were recorded, never what the child said.
    (recorded,) = audit_events("voice_recorded")
    assert recorded.detail["concern"] is True and WORDS not in str(recorded.detail)
    assert [sorted(e.detail["told"]) for e in audit_events("concern_alerted")] == [
        sorted([*(dsl.id for dsl in dsls), team.lead.id])
    ]


def test_the_banner_names_only_those_truly_told(app):
    team = child_and_team()
    team.lead.is_safeguarding_lead = False  # her agency has no safeguarding lead
    db.session.commit()

    saved = record(signed_in(app, team.practitioner), team.child)

    shown = page_text(signed_in(app, team.practitioner).get(saved.headers["Location"]))
    assert (
        "What the child said has been saved. Told at once, in the service and by email: the 2 "
        f"designated safeguarding leads of {team.school.name}. {team.agency.name} has no "
        "safeguarding lead in the service to tell." in shown
    )
    assert "recording agency's safeguarding lead have been told" not in shown
    assert len(queued_emails()) == 2
    for email in queued_emails():
        assert team.child.first_name not in email.raw.decode()


def test_what_was_typed_is_kept_when_something_needs_putting_right(app):
    team = child_and_team()
    farah = signed_in(app, team.practitioner)

    refused = record(farah, team.child, heard_on=["12", "12", "2026"], setting="other")

    assert refused.status_code == 200
    assert error_summary(refused) == {
        "heard_on": "The date the child was heard must be today or in the past",
        "setting_detail": "Enter where the child was heard",
    }
    assert WORDS.replace("'", "&#39;") in refused.get_data(as_text=True)
    assert db.session.scalars(select(VoiceEntry)).all() == []
    assert queued_emails() == []


def test_a_child_is_never_heard_before_they_were_born(app):
    team = child_and_team()  # born 1 May 2016
    farah = signed_in(app, team.practitioner)

    for day in (["1", "1", "1900"], ["30", "4", "2016"]):
        refused = record(farah, team.child, heard_on=day, words="")
        assert error_summary(refused) == {
            "heard_on": "The date the child was heard must be on or after their date of "
            "birth, 1 May 2016",
            "words": "Enter what the child said or showed, in their own words",
        }
    assert db.session.scalars(select(VoiceEntry)).all() == []
    assert queued_emails() == []

    saved = record(farah, team.child, heard_on=["1", "5", "2016"], heard_how="trusted_adult")
    assert saved.status_code == 302


def test_words_too_long_are_named_plainly_in_the_error(app):
    team = child_and_team()
    farah = signed_in(app, team.practitioner)

    refused = record(farah, team.child, words="a" * 5001, setting="other", setting_detail="b" * 201)

    assert error_summary(refused) == {
        "setting_detail": "The place the child was heard must be 200 characters or fewer",
        "words": "What the child said or showed must be 5,000 characters or fewer",
    }


def test_every_problem_with_an_entry_shows_at_once(app):
    team = child_and_team()
    farah = signed_in(app, team.practitioner)

    refused = record(farah, team.child, words="", setting="other", heard_on=["12", "12", "2026"])

    assert error_summary(refused) == {
        "heard_on": "The date the child was heard must be today or in the past",
        "setting_detail": "Enter where the child was heard",
        "words": "Enter what the child said or showed, in their own words",
    }


def test_a_response_needs_its_reasons_and_who_was_told_then_clears_the_flag(app):
    team = child_and_team()
    record(signed_in(app, team.practitioner), team.child)
    entry = the_entry()
    dana = signed_in(app, team.dsl)
    page = f"/children/{team.child.id}/voice/{entry.id}/response"
    form = dana.get(page)
    version = version_on(form)

    refused = dana.submit(page, {"version": version, "response": "escalated_to_dsl"})

    assert error_summary(refused) == {
        "response_contact": "Enter who you told or asked",
        "response_reasons": "Enter the reasons for this response",
    }
    child_page = page_text(dana.get(f"/children/{team.child.id}"))
    assert "Child's words raise a concern" in child_page

    answered = dana.submit(
        page,
        {
            "version": version,
            "response": "referred_to_ifd",
            "response_contact": "Sam at the IFD",
            "response_reasons": "She has thought about ending her life: IFD consulted at once.",
        },
    )

    assert answered.status_code == 302
    entry = the_entry()
    assert (entry.response, entry.response_contact, entry.responded_by_id) == (
        "referred_to_ifd",
        "Sam at the IFD",
        team.dsl.id,
    )
    assert entry.responded_at is not None
    shown = page_text(dana.get(f"/children/{team.child.id}/voice/{entry.id}"))
    assert "Referred to the Integrated Front Door" in shown and "Sam at the IFD" in shown
    assert "Needs a response" not in shown
    assert "Child's words raise a concern" not in page_text(dana.get(f"/children/{team.child.id}"))
    assert [e.detail["response"] for e in audit_events("concern_answered")] == ["referred_to_ifd"]


def test_a_second_response_at_the_same_time_is_refused_with_both_shown(app):
    team = child_and_team()
    record(signed_in(app, team.practitioner), team.child)
    entry = the_entry()
    page = f"/children/{team.child.id}/voice/{entry.id}/response"
    dana, lee = signed_in(app, team.dsl), signed_in(app, team.link_worker)
    dana_version, lee_version = version_on(dana.get(page)), version_on(lee.get(page))
    dana.submit(
        page,
        {
            "version": dana_version,
            "response": "no_further_action",
            "response_reasons": "Said about a computer game, not herself.",
        },
    )

    late = lee.submit(
        page,
        {
            "version": lee_version,
            "response": "advice_sought",
            "response_contact": "CAMHS duty line",
            "response_reasons": "Asked CAMHS what to do next.",
        },
    )

    assert late.status_code == 409
    shown = page_text(late)
    assert "Your changes and the saved version" in shown
    assert "No further action" in shown and "Advice sought" in shown
    assert the_entry().response == "no_further_action"
    # Opened again, the form says it has been answered rather than offering a second response.
    again = lee.get(page)
    assert again.status_code == 302
    assert "already been recorded" in page_text(lee.get(again.headers["Location"]))


def test_an_entry_that_raises_no_concern_alerts_nobody(app):
    team = child_and_team()

    saved = record(signed_in(app, team.practitioner), team.child, raises_concern="no")

    assert saved.headers["Location"] == f"/children/{team.child.id}/voice"
    entry = the_entry()
    assert (entry.raises_concern, entry.response_due_at) == (False, None)
    assert queued_emails() == []
    form = entry_form()
    assert form["words"] in page_text(signed_in(app, team.dsl).get(saved.headers["Location"]))


def test_a_concern_at_a_school_without_a_dsl_goes_to_the_coordinators_covering_it(app):
    team = child_and_team()
    for dsl in db.session.scalars(
        select(User).where(User.role == "dsl", User.school_id == team.school.id)
    ):
        dsl.active = False  # the school's DSLs have left
    staff = factories.user("school_staff", school=team.school)
    coordinator = factories.user("coordinator")
    db.session.flush()
    db.session.add(StaffGrant(child_id=team.child.id, user_id=staff.id, granted_by_id=team.dsl.id))
    db.session.commit()

    record(signed_in(app, staff), team.child)

    [email] = queued_emails()
    assert email.recipients == coordinator.email
    raw = email.raw.decode()
    assert "has no designated safeguarding lead" in raw
    assert f"/children/{team.child.id}\n" in raw.replace("\r", "")  # the record: a reason first
    assert team.child.last_name not in raw


def test_an_overdue_concern_says_so_in_plain_words(app):
    team = child_and_team()
    farah = signed_in(app, team.practitioner)
    saved = record(farah, team.child)
    entry = the_entry()
    entry.response_due_at = entry.recorded_at - timedelta(hours=1)
    db.session.commit()

    shown = page_text(farah.get(saved.headers["Location"].split("?")[0]))

    assert "Overdue" in shown
    assert "A response was due by " in shown and "and is overdue. Record it now:" in shown
    assert "must be recorded was due" not in shown


def test_the_form_gives_the_deadline_as_every_other_time_is_written(app):
    team = child_and_team()
    farah = signed_in(app, team.practitioner)

    shown = page_text(farah.get(f"/children/{team.child.id}/voice/new"))

    assert "a response must be recorded today (by 5:00pm, or the next working day" in shown
    assert "17:00" not in shown
