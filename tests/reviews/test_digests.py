"""Digests: one email a day for people who chose it, one a week for each coordinator."""

from __future__ import annotations

from datetime import date, datetime, time
from email import message_from_bytes, policy

from sqlalchemy import select

from tas.core.clock import LONDON
from tas.extensions import db
from tas.jobs import run_pass
from tas.outbox.models import OutboxMessage
from tas.reminders import notifications
from tas.reminders.models import Reminder
from tests import factories
from tests.reviews.helpers import child_with_plan

FRIDAY = date(2026, 11, 27)
MONDAY = date(2026, 11, 30)


def at(day: date, hour: int = 7, minute: int = 5) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def emails_to(address: str) -> list[tuple[str, str]]:
    """(subject, body) of every email to the address, oldest first."""
    found = []
    for row in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
        message = message_from_bytes(row.raw, policy=policy.default)
        if message["To"].addresses[0].addr_spec == address:
            found.append((str(message["Subject"]), message.get_content()))
    return found


def names_absent(child, mails) -> bool:
    text = "\n".join(subject + body for subject, body in mails)
    return child.first_name not in text and child.last_name not in text


# ---------------------------------------------------------------- daily digest


def test_a_person_who_chose_the_digest_gets_one_email_a_day(app):
    setting = child_with_plan()
    owner = setting.link_worker
    owner.reminder_digest = True
    plan = setting.plan
    first = factories.review(setting.child, plan_id=plan.id, owner_id=owner.id, due_on=FRIDAY)
    second = factories.review(
        setting.child, plan_id=plan.id, owner_id=owner.id, due_on=date(2026, 11, 25)
    )
    factories.action(plan, due_on=date(2026, 12, 4))
    db.session.commit()

    counts = run_pass(at(FRIDAY))
    run_pass(at(FRIDAY, 7, 10))
    assert (counts.emailed, counts.in_digest, counts.daily_digests) == (0, 3, 1)

    mails = emails_to(owner.email)
    assert len(mails) == 1
    subject, body = mails[0]
    reference = plan.reference
    assert subject == "Reminder: 3 things due or overdue"
    assert f"Overdue: plan review for {reference} was due 25 November" in body
    assert f"Reminder: plan review for {reference} is due today" in body
    assert f"Reminder: action for {reference} is due 4 December" in body
    assert f"https://tas.example.org/reviews/{first.id}" in body
    assert f"https://tas.example.org/reviews/{second.id}" in body
    # Earliest due first.
    assert body.index("was due 25 November") < body.index("is due today")
    assert names_absent(setting.child, mails)

    rows = db.session.scalars(select(Reminder).where(Reminder.kind != "daily_digest")).all()
    digest = db.session.scalar(select(Reminder).where(Reminder.kind == "daily_digest"))
    assert {row.status for row in rows} == {"sent"}
    assert {row.outbox_message_id for row in rows} == {digest.outbox_message_id}
    # The digest itself is not a notification: the three reminders are.
    assert notifications.unread_count(owner) == 3


def test_a_reminder_after_the_days_digest_waits_for_the_next_one(app):
    setting = child_with_plan()
    owner = setting.link_worker
    owner.reminder_digest = True
    plan = setting.plan
    factories.review(setting.child, plan_id=plan.id, owner_id=owner.id, due_on=FRIDAY)
    db.session.commit()
    run_pass(at(FRIDAY))

    # A review added later that day: in the app at once, emailed with Monday's digest.
    late = factories.review(
        setting.child, plan_id=plan.id, owner_id=owner.id, due_on=date(2026, 12, 4)
    )
    db.session.commit()
    run_pass(at(FRIDAY, 11))
    row = db.session.scalar(
        select(Reminder).where(Reminder.target_kind == "review", Reminder.target_id == late.id)
    )
    assert row.status == "in_digest" and row.sent_at is not None
    assert len(emails_to(owner.email)) == 1

    run_pass(at(MONDAY))
    mails = emails_to(owner.email)
    assert [subject for subject, _ in mails] == [
        "Reminder: 1 thing due or overdue",
        "Reminder: 2 things due or overdue",
    ]
    monday = mails[1][1]
    # One line per review, the late one's from Friday included.
    assert monday.count(f"/reviews/{late.id}") == 1
    assert f"Overdue: plan review for {plan.reference} was due 27 November" in monday


def test_what_was_done_before_the_digest_is_left_out_of_it(app):
    setting = child_with_plan()
    owner = setting.link_worker
    owner.reminder_digest = True
    plan = setting.plan
    factories.review(setting.child, plan_id=plan.id, owner_id=owner.id, due_on=FRIDAY)
    db.session.commit()
    run_pass(at(FRIDAY))
    late = factories.review(setting.child, plan_id=plan.id, owner_id=owner.id, due_on=MONDAY)
    db.session.commit()
    run_pass(at(FRIDAY, 12))
    late.status = "completed"
    db.session.commit()

    run_pass(at(MONDAY))
    monday = emails_to(owner.email)[-1]
    assert monday[0] == "Reminder: 1 thing due or overdue"
    assert f"/reviews/{late.id}" not in monday[1]


# ---------------------------------------------------------------- weekly coordinator digest


def overdue_in_two_clusters():
    """An overdue review at a school in one cluster, an overdue action in another, and the
    coordinators of each cluster and of the whole district."""
    here = child_with_plan()
    there = child_with_plan()
    review = factories.review(
        here.child, plan_id=here.plan.id, owner_id=here.link_worker.id, due_on=date(2026, 11, 26)
    )
    factories.action(there.plan, due_on=FRIDAY)
    mine = factories.user("coordinator", clusters=[here.school.cluster])
    other = factories.user("coordinator", clusters=[there.school.cluster])
    district = factories.user("coordinator")
    db.session.commit()
    return here, there, review, mine, other, district


def test_each_coordinator_gets_the_weeks_overdue_digest_for_their_clusters_on_monday(app):
    here, there, review, mine, other, district = overdue_in_two_clusters()

    run_pass(at(MONDAY))
    run_pass(at(MONDAY, 9))
    run_pass(at(date(2026, 12, 1)))

    mails = emails_to(mine.email)
    assert [subject for subject, _ in mails] == ["Overdue: 1 thing in your clusters"]
    body = mails[0][1]
    assert f"- {here.plan.reference}: plan review, due 26 November 2026" in body
    assert f"Owner: {here.link_worker.name}. School: {here.school.name}." in body
    # One link to the overdue list, where the coordinator's access applies; no links to
    # children's pages they may not open without recording a reason.
    assert "https://tas.example.org/reviews?show=overdue" in body
    assert f"/reviews/{review.id}" not in body and "/children/" not in body
    assert there.plan.reference not in body

    assert [subject for subject, _ in emails_to(other.email)] == [
        "Overdue: 1 thing in your clusters"
    ]
    assert f"{there.plan.reference}: action, due 27 November 2026" in emails_to(other.email)[0][1]
    assert [subject for subject, _ in emails_to(district.email)] == [
        "Overdue: 2 things in the district"
    ]
    for person in (mine, other, district):
        assert names_absent(here.child, emails_to(person.email))
        assert names_absent(there.child, emails_to(person.email))
    # Digest rows are not notifications.
    assert notifications.unread_count(mine) == 0


def test_in_a_bank_holiday_week_the_digest_comes_on_tuesday(app):
    _, _, _, mine, _, _ = overdue_in_two_clusters()
    run_pass(at(date(2026, 12, 28)))  # Boxing Day bank holiday (substitute day)
    assert emails_to(mine.email) == []
    run_pass(at(date(2026, 12, 29)))
    run_pass(at(date(2026, 12, 30)))
    assert [subject for subject, _ in emails_to(mine.email)] == [
        "Overdue: 1 thing in your clusters"
    ]


def test_after_downtime_the_weeks_digest_still_goes_once(app):
    _, _, _, mine, _, _ = overdue_in_two_clusters()
    # No pass on Monday or Tuesday; the first is on Wednesday.
    run_pass(at(date(2026, 12, 2)))
    run_pass(at(date(2026, 12, 3)))
    assert [subject for subject, _ in emails_to(mine.email)] == [
        "Overdue: 1 thing in your clusters"
    ]
    digest = db.session.scalar(select(Reminder).where(Reminder.kind == "weekly_digest"))
    assert digest.send_on == MONDAY


def test_no_digest_when_nothing_is_overdue_and_none_for_coordinators_away(app):
    here, _, review, mine, _, district = overdue_in_two_clusters()
    district.away = True
    review.status = "completed"
    db.session.commit()
    run_pass(at(MONDAY))
    assert emails_to(mine.email) == []
    assert emails_to(district.email) == []
    # Overdue again later that week: the week's digest was settled on Monday.
    factories.review(here.child, plan_id=here.plan.id, due_on=MONDAY)
    db.session.commit()
    run_pass(at(date(2026, 12, 2)))
    assert emails_to(mine.email) == []
