"""The reminder pass: what is reminded, to whom, on which days, in which words, and once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from tas.children.models import Agreement
from tas.core.clock import LONDON
from tas.extensions import db
from tas.jobs import run_pass
from tas.levels.referrals import services as referrals
from tas.organisations.models import User
from tas.outbox import services as outbox
from tas.outbox.models import OutboxMessage
from tas.plans.models import GpNotification
from tas.reminders import services as reminders
from tas.reminders.models import Reminder
from tas.reminders.services import PassCounts
from tas.reviews.models import Review
from tests import factories
from tests.reviews.helpers import child_with_plan

FRIDAY = date(2026, 11, 27)
MONDAY = date(2026, 11, 30)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def at(day: date, hour: int = 7, minute: int = 5) -> datetime:
    """A moment on a day, London time."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def emails(after: int = 0) -> list[Email]:
    """Every email queued (and delivered) so far, oldest first."""
    found = []
    for row in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > after).order_by(OutboxMessage.id)
    ):
        message = message_from_bytes(row.raw, policy=policy.default)
        found.append(
            Email(
                message["To"].addresses[0].addr_spec, str(message["Subject"]), message.get_content()
            )
        )
    return found


def last_email_id() -> int:
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def assert_no_names(child, found: list[Email]) -> None:
    for email in found:
        for name in (child.first_name, child.last_name):
            assert name not in email.subject and name not in email.body


def review_of(setting, due_on: date, **fields) -> Review:
    review = factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=due_on,
        **fields,
    )
    db.session.commit()
    return review


# ---------------------------------------------------------------- reviews


def test_a_review_is_reminded_to_its_owner_once_a_day(app):
    setting = child_with_plan()
    review = review_of(setting, date(2026, 12, 4))  # five working days after Friday 27th
    owner = setting.link_worker.email
    reference = setting.plan.reference

    counts = run_pass(at(FRIDAY))
    run_pass(at(FRIDAY, 9, 0))  # later passes that day add nothing
    run_pass(at(FRIDAY, 16, 30))

    assert counts.emailed == 1 and counts.delivered == 1
    sent = emails()
    assert [(e.to, e.subject) for e in sent] == [
        (owner, f"Reminder: plan review for {reference} is due 4 December")
    ]
    body = sent[0].body
    assert f"Reference: {reference}" in body and "Due: 4 December 2026" in body
    assert f"https://tas.example.org/reviews/{review.id}" in body
    assert_no_names(setting.child, sent)

    row = db.session.scalar(select(Reminder))
    assert (row.status, row.kind, row.recipient_id) == ("sent", "before_5", setting.link_worker.id)
    assert row.link == f"/reviews/{review.id}" and row.reference == reference
    assert row.sent_at is not None and row.outbox_message_id is not None


def test_a_pass_over_several_batches_emails_each_reminder_once_with_its_own_email(app, monkeypatch):
    # Batches of two: five reviews (each with its plan's review) take several claims.
    monkeypatch.setattr(reminders, "BATCH", 2)
    settings = [child_with_plan() for _ in range(5)]
    for setting in settings:
        review_of(setting, date(2026, 12, 4))

    counts = run_pass(at(FRIDAY))

    rows = db.session.scalars(select(Reminder).order_by(Reminder.id)).all()
    assert counts.emailed == len(rows) == counts.delivered >= 5
    assert {row.status for row in rows} == {"sent"}
    linked = {row.outbox_message_id for row in rows}
    assert len(linked) == len(rows) and None not in linked
    by_id = {row.id: row for row in db.session.scalars(select(OutboxMessage))}
    for row in rows:
        assert by_id[row.outbox_message_id].subject == row.subject
        assert by_id[row.outbox_message_id].recipients == row.recipient.email


def test_the_days_before_on_and_after_the_due_day(app):
    setting = child_with_plan()
    review_of(setting, date(2026, 12, 2))  # a Wednesday
    reference = setting.plan.reference
    subjects = {}
    for day in [date(2026, 11, d) for d in (24, 25, 26, 27, 28, 29, 30)] + [
        date(2026, 12, d) for d in (1, 2, 3, 4, 5, 6, 7)
    ]:
        before = last_email_id()
        run_pass(at(day))
        subjects[day] = [email.subject for email in emails(before)]
    reminder = f"Reminder: plan review for {reference} is due"
    overdue = f"Overdue: plan review for {reference} was due 2 December"
    assert subjects == {
        date(2026, 11, 24): [],
        date(2026, 11, 25): [f"{reminder} 2 December"],  # 5 working days before
        date(2026, 11, 26): [],
        date(2026, 11, 27): [],
        date(2026, 11, 28): [],
        date(2026, 11, 29): [],
        date(2026, 11, 30): [],
        date(2026, 12, 1): [f"{reminder} 2 December"],  # 1 working day before
        date(2026, 12, 2): [f"{reminder} today"],
        date(2026, 12, 3): [overdue],
        date(2026, 12, 4): [overdue],
        date(2026, 12, 5): [],
        date(2026, 12, 6): [],
        date(2026, 12, 7): [overdue],
    }


def test_nothing_goes_before_seven_in_the_morning_london_time(app):
    setting = child_with_plan()
    review = review_of(setting, FRIDAY)
    outbox.queue([("someone@example.org", "")], "Password link", "Body")
    db.session.commit()

    early = run_pass(at(FRIDAY, 6, 59))
    assert (early.planned, early.emailed) == (0, 0)
    assert early.delivered == 1  # the outbox is still delivered at any hour
    assert db.session.scalar(select(func.count(Reminder.id))) == 0

    # In summer 07:00 in London is 06:00 UTC.
    review.status = "cancelled"
    summer = child_with_plan()
    review_of(summer, date(2027, 7, 1))
    assert run_pass(datetime(2027, 7, 1, 5, 59, tzinfo=UTC)).planned == 0
    assert run_pass(datetime(2027, 7, 1, 6, 1, tzinfo=UTC)).planned == 1


def test_nothing_goes_at_weekends_or_on_bank_holidays(app):
    setting = child_with_plan()
    review_of(setting, date(2026, 12, 24))
    for day in (date(2026, 11, 28), date(2026, 11, 29), date(2026, 12, 25), date(2026, 12, 28)):
        assert run_pass(at(day, 10)) == PassCounts()
    assert db.session.scalar(select(func.count(Reminder.id))) == 0


def test_a_reminder_planned_but_not_yet_sent_is_dropped_once_the_review_is_done(app):
    setting = child_with_plan()
    review = review_of(setting, FRIDAY)
    assert reminders.plan(FRIDAY) == 1
    review.status = "completed"
    review.completed_on = FRIDAY
    db.session.commit()

    counts = PassCounts()
    reminders.send(FRIDAY, counts)
    assert (counts.emailed, counts.dropped) == (0, 1)
    assert db.session.scalar(select(Reminder.status)) == "dropped"
    assert emails() == []


def test_a_review_whose_due_date_moved_is_reminded_with_the_new_date(app):
    setting = child_with_plan()
    review = review_of(setting, FRIDAY)
    reminders.plan(FRIDAY)
    review.due_on = date(2026, 12, 4)
    db.session.commit()
    run_pass(at(FRIDAY, 7, 10))
    assert [e.subject for e in emails()] == [
        f"Reminder: plan review for {setting.plan.reference} is due 4 December"
    ]


def test_a_moved_due_date_needing_the_same_reminder_that_day_still_gets_it(app):
    """Due Friday, planned, then moved to Saturday: Friday's on-the-day reminder is still the
    one to send (for a Saturday due date it goes on the working day before), with the new date:
    the unsent row of the old date must not keep the day's key."""
    setting = child_with_plan()
    review = review_of(setting, FRIDAY)
    reminders.plan(FRIDAY)
    review.due_on = date(2026, 11, 28)
    db.session.commit()

    run_pass(at(FRIDAY, 7, 10))

    assert [e.subject for e in emails()] == [
        f"Reminder: plan review for {setting.plan.reference} is due 28 November"
    ]


def test_paused_and_cancelled_reviews_are_not_reminded(app):
    setting = child_with_plan()
    review_of(setting, FRIDAY, status="paused")
    review_of(setting, FRIDAY, status="cancelled")
    review_of(setting, FRIDAY, status="completed")
    assert run_pass(at(FRIDAY)).planned == 0


# ---------------------------------------------------------------- actions and GP notifications


def test_actions_are_reminded_to_the_named_person_or_else_the_lead_practitioner(app):
    setting = child_with_plan()
    person = factories.user("practitioner")
    db.session.flush()
    named = factories.action(
        setting.plan, owner_kind="person", owner_user_id=person.id, due_on=FRIDAY
    )
    agency = factories.action(setting.plan, owner_kind="agency", due_on=date(2026, 11, 26))
    factories.action(setting.plan, owner_kind="person", owner_user_id=person.id, status="done")
    factories.action(setting.plan, owner_kind="person", owner_user_id=person.id)  # no due date
    factories.action(setting.plan, due_on=date(2026, 12, 18))  # too far ahead yet
    db.session.commit()

    run_pass(at(FRIDAY))

    reference = setting.plan.reference
    sent = {(e.to, e.subject) for e in emails()}
    assert sent == {
        (person.email, f"Reminder: action for {reference} is due today"),
        (setting.link_worker.email, f"Overdue: action for {reference} was due 26 November"),
    }
    bodies = "\n".join(e.body for e in emails())
    child = setting.child.id
    assert f"https://tas.example.org/children/{child}/actions/{named.id}" in bodies
    assert f"https://tas.example.org/children/{child}/actions/{agency.id}" in bodies
    assert_no_names(setting.child, emails())


@pytest.mark.parametrize(
    "plan_fields",
    [
        {"status": "closed", "closed_on": date(2026, 11, 20)},
        {"status": "held_by_social_care", "level": "social_care"},
    ],
)
def test_actions_on_a_closed_or_held_plan_are_not_reminded(app, plan_fields):
    """Nobody can update an action on a closed plan or one Social Care holds (read-only)."""
    setting = child_with_plan(**plan_fields)
    factories.action(setting.plan, due_on=FRIDAY)
    open_setting = child_with_plan()
    factories.action(open_setting.plan, due_on=FRIDAY)
    db.session.commit()
    assert run_pass(at(FRIDAY)).planned == 1  # only the open plan's action


def test_after_the_family_withdraws_agreement_its_plan_work_is_not_reminded(app):
    """Withdrawn, the plan is read-only: nobody is reminded of its actions or plan reviews,
    which nobody could update; a referral's IFD decision (not a matter of agreement) still
    is."""
    setting = child_with_plan()
    factories.action(setting.plan, due_on=FRIDAY)
    review_of(setting, FRIDAY)
    referral = factories.referral(setting.child, setting.link_worker)
    db.session.flush()
    factories.review(
        setting.child,
        kind="ifd_decision",
        referral_id=referral.id,
        owner_id=setting.link_worker.id,
        due_on=FRIDAY,
    )
    for agreement in db.session.scalars(
        select(Agreement).where(Agreement.child_id == setting.child.id)
    ):
        agreement.withdrawn_on = date(2026, 11, 25)
    db.session.commit()

    run_pass(at(FRIDAY))

    assert [e.subject for e in emails()] == [
        f"Reminder: IFD decision for {referral.reference} is due today"
    ]


def test_a_missing_gp_notification_is_reminded_to_the_lead_practitioner(app):
    setting = child_with_plan()
    setting.child.gp_practice = factories.agency(service_type="gp_practice", ods_code="B81001")
    # Involved from Friday 20 November: the practice must be told 5 working days later.
    factories.involvement(setting.plan, started_on=date(2026, 11, 20))
    db.session.commit()
    plan, child = setting.plan, setting.child

    run_pass(at(FRIDAY))
    assert [(e.to, e.subject) for e in emails()] == [
        (setting.link_worker.email, f"Reminder: GP notification for {plan.reference} is due today")
    ]
    link = f"https://tas.example.org/children/{child.id}/plans/{plan.id}/gp-notification"
    assert link in emails()[0].body

    # Recorded as given by hand: no more reminders.
    db.session.add(
        GpNotification(
            plan_id=plan.id,
            gp_practice_id=child.gp_practice_id,
            kind="initial",
            sent_at=datetime(2026, 11, 27, 12, tzinfo=UTC),
            method="phone",
        )
    )
    db.session.commit()
    assert run_pass(at(MONDAY)).planned == 0


def test_a_gp_update_waiting_to_be_given_by_hand_is_reminded(app):
    setting = child_with_plan()
    practice = factories.agency(service_type="gp_practice", ods_code="B81002")
    db.session.flush()
    db.session.add(
        GpNotification(
            plan_id=setting.plan.id, gp_practice_id=practice.id, kind="step_down", due_on=MONDAY
        )
    )
    db.session.commit()
    run_pass(at(FRIDAY))
    assert [e.subject for e in emails()] == [
        f"Reminder: GP step down update for {setting.plan.reference} is due 30 November"
    ]


# ---------------------------------------------------------------- who gets them


def test_an_away_owners_reminders_go_to_their_agencys_safeguarding_lead(app):
    setting = child_with_plan()
    lead = factories.user(
        "link_worker", agency=setting.link_worker.agency, is_safeguarding_lead=True
    )
    setting.link_worker.away = True
    review_of(setting, FRIDAY)

    run_pass(at(FRIDAY))

    sent = emails()
    assert [(e.to, e.subject) for e in sent] == [
        (lead.email, f"Reminder: plan review for {setting.plan.reference} is due today")
    ]
    assert "because the person it belongs to is away. Please make sure" in sent[0].body
    assert "no longer has an account" not in sent[0].body

    # Back at work: the owner gets the next one again.
    setting.link_worker.away = False
    db.session.commit()
    run_pass(at(MONDAY))
    assert emails()[-1].to == setting.link_worker.email


def test_a_deactivated_school_staff_owner_hands_over_to_their_schools_dsls(app):
    setting = child_with_plan()
    staff = factories.user("school_staff", school=setting.school, active=False)
    db.session.flush()
    factories.action(setting.plan, owner_kind="person", owner_user_id=staff.id, due_on=FRIDAY)
    db.session.commit()
    dsls = {
        email
        for (email,) in db.session.execute(
            select(User.email).where(User.school_id == setting.school.id, User.role == "dsl")
        )
    }
    run_pass(at(FRIDAY))
    assert {e.to for e in emails()} == dsls and len(emails()) == len(dsls) >= 1
    assert staff.email not in {e.to for e in emails()}
    body = emails()[0].body
    assert "because the person it belongs to no longer has an account with" in body
    assert "is away" not in body


def test_a_review_no_one_owns_says_so_to_the_schools_dsls(app):
    """Not 'away or no longer has an account': there is no owner at all."""
    setting = child_with_plan()
    factories.review(setting.child, plan_id=setting.plan.id, owner_id=None, due_on=FRIDAY)
    db.session.commit()

    run_pass(at(FRIDAY))

    sent = emails()
    assert setting.dsl.email in {e.to for e in sent}
    assert setting.link_worker.email not in {e.to for e in sent}
    assert "because no named person owns it, so it comes to the designated safeguarding" in (
        sent[0].body
    )
    assert "away" not in sent[0].body and "no longer has an account" not in sent[0].body


# ---------------------------------------------------------------- referrals to the IFD


def test_a_referral_is_reminded_to_the_referrer_until_the_decision_is_recorded(app):
    setting = child_with_plan(plan=False)
    referrer = setting.dsl
    referral = referrals.refer(
        setting.child,
        referrer,
        {
            "consultation_on": date(2026, 11, 26),
            "referred_on": date(2026, 11, 26),
            "marf_reference": "MARF-77",
            "meeting_id": None,
        },
    )
    reference = referral.reference

    run_pass(at(FRIDAY))
    run_pass(at(MONDAY))
    assert [(e.to, e.subject) for e in emails()] == [
        (referrer.email, f"Reminder: IFD decision for {reference} is due today"),
        (referrer.email, f"Overdue: IFD decision for {reference} was due 27 November"),
    ]
    assert setting.child.level_of_need == "early_help"  # nothing changes before the decision

    referrals.record_decision(
        referral,
        referrer,
        referral.version,
        {"decision": "assessment", "decided_on": date(2026, 11, 27), "feedback": None},
    )
    db.session.expire_all()
    assert setting.child.level_of_need == "social_care"  # the level changes only now
    before = last_email_id()
    run_pass(at(date(2026, 12, 1)))
    run_pass(at(date(2026, 12, 2)))
    assert [e for e in emails(before) if "IFD decision" in e.subject] == []
    assert_no_names(setting.child, emails())


# ---------------------------------------------------------------- fixed queries


def test_planning_runs_the_same_queries_for_one_thing_or_many(app, count_queries):
    def setting_with(n: int) -> None:
        setting = child_with_plan()
        for _ in range(n):
            review_of(setting, FRIDAY)
            factories.action(setting.plan, due_on=FRIDAY)
        db.session.commit()

    setting_with(1)
    with count_queries() as one:
        reminders.plan(FRIDAY)
    setting_with(12)
    with count_queries() as many:
        reminders.plan(MONDAY)
    assert len(many) == len(one)


def test_an_unusable_address_does_not_stop_the_other_reminders(app):
    setting = child_with_plan()
    broken = factories.user("link_worker", email="not an address", password=None)
    db.session.flush()
    factories.review(setting.child, plan_id=setting.plan.id, owner_id=broken.id, due_on=FRIDAY)
    review_of(setting, FRIDAY)

    counts = run_pass(at(FRIDAY))

    assert counts.emailed == 1
    assert [e.to for e in emails()] == [setting.link_worker.email]
    row = db.session.scalar(select(Reminder).where(Reminder.recipient_id == broken.id))
    assert (row.status, row.outbox_message_id) == ("sent", None)  # in the app all the same
