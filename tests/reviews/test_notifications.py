"""The notifications page: a person's own reminders, newest first, with the unread count in the
header; reading the page changes nothing, "Mark all as read" does."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tas.core.clock import LONDON
from tas.extensions import db
from tas.jobs import run_pass
from tas.reminders import digests
from tas.reminders.models import Reminder
from tas.voice.models import VoiceEntry
from tests import factories
from tests.conftest import Visitor
from tests.pages import audit_events, page_text
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_reminders import emails

PAGE = "/notifications"
TUESDAY = date(2026, 6, 2)  # in British Summer Time
SENT = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
_targets = iter(range(1, 100_000))


def reminder(recipient, **fields) -> Reminder:
    """A reminder sent to the recipient by email (unread unless given)."""
    n = next(_targets)
    defaults = {
        "target_kind": "review",
        "target_id": n,
        "kind": "overdue",
        "send_on": date(2026, 11, 26),
        "due_on": date(2026, 11, 20),
        "status": "sent",
        "reference": f"TAS-{n:04d}",
        "subject": f"Overdue: plan review for TAS-{n:04d} was due 20 November",
        "link": f"/reviews/{n}",
        "sent_at": SENT,
    }
    row = Reminder(recipient_id=recipient.id, **{**defaults, **fields})
    db.session.add(row)
    return row


def rows_on(response) -> list[str]:
    """The ids of the notifications the page lists, in order."""
    return re.findall(r'id="notification-(\d+)"', response.get_data(as_text=True))


def header_item(response) -> str:
    """The words of the Notifications item in the service navigation."""
    body = response.get_data(as_text=True)
    match = re.search(
        r'<a class="govuk-service-navigation__link" href="/notifications"[^>]*>(.*?)</a>',
        body,
        re.S,
    )
    assert match, "no Notifications item in the navigation"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def unread_of(user_id: int) -> int:
    db.session.expire_all()
    return len(
        db.session.scalars(
            select(Reminder.id).where(Reminder.recipient_id == user_id, Reminder.read_at.is_(None))
        ).all()
    )


def test_the_page_lists_only_my_reminders_newest_first_with_new_tags_and_links(login_as):
    me = login_as("link_worker")
    someone = factories.user("link_worker")
    db.session.flush()
    older = reminder(me.user, sent_at=SENT - timedelta(days=2))
    newest = reminder(
        me.user, kind="due", subject="Reminder: plan review for TAS-0042 is due today"
    )
    in_digest = reminder(me.user, status="in_digest", sent_at=SENT - timedelta(days=1))
    read = reminder(me.user, sent_at=SENT - timedelta(days=3), read_at=SENT)
    hidden = [
        reminder(me.user, status="pending", sent_at=None),
        reminder(me.user, status="dropped", sent_at=None),
        reminder(me.user, kind="daily_digest", subject="Your reminders for 26 November"),
        reminder(someone, subject="Overdue: plan review for TAS-9999 was due 1 November"),
    ]
    db.session.commit()

    response = me.get(PAGE)

    assert response.status_code == 200
    assert rows_on(response) == [str(r.id) for r in (newest, in_digest, older, read)]
    text = page_text(response)
    assert "Reminder: plan review for TAS-0042 is due today" in text
    assert "TAS-9999" not in text and "Your reminders for 26 November" not in text
    body = response.get_data(as_text=True)
    assert body.count('govuk-tag--blue">New</strong>') == 3
    assert f'href="/reviews/{newest.target_id}"' in body
    for row in hidden:
        assert f'id="notification-{row.id}"' not in body
    assert "4 notifications, 3 unread" in text


def test_opening_the_page_marks_nothing_read_and_mark_all_as_read_does(login_as):
    me = login_as("dsl")
    someone = factories.user("dsl")
    db.session.flush()
    reminder(me.user)
    reminder(me.user, status="in_digest")
    theirs = reminder(someone)
    db.session.commit()

    first = me.get(PAGE)
    again = me.get("/")
    assert header_item(first) == "Notifications (2 unread)"
    assert header_item(again) == "Notifications (2 unread)"
    assert unread_of(me.user.id) == 2

    marked = me.submit(f"{PAGE}/read", page=PAGE)

    assert marked.status_code == 302
    after = me.get(PAGE)
    assert "2 notifications marked as read." in page_text(after)
    assert header_item(after) == "Notifications"
    assert "New</strong>" not in after.get_data(as_text=True)
    assert unread_of(me.user.id) == 0
    assert unread_of(someone.id) == 1
    db.session.refresh(theirs)
    assert theirs.read_at is None
    [event] = audit_events("notifications_read")
    assert event.detail == {"count": 2} and event.actor_id == me.user.id


def test_one_notification_is_marked_read_but_another_persons_id_is_not_found(login_as):
    me = login_as("practitioner")
    someone = factories.user("practitioner")
    db.session.flush()
    mine = reminder(me.user)
    theirs = reminder(someone)
    digest = reminder(me.user, kind="weekly_digest")
    db.session.commit()

    assert me.submit(f"{PAGE}/{theirs.id}/read", page=PAGE).status_code == 404
    assert me.submit(f"{PAGE}/{digest.id}/read", page=PAGE).status_code == 404
    assert me.submit(f"{PAGE}/{mine.id}/read", page=PAGE).status_code == 302

    assert unread_of(someone.id) == 1
    db.session.expire_all()
    assert db.session.get(Reminder, mine.id).read_at is not None
    assert db.session.get(Reminder, digest.id).read_at is None
    assert header_item(me.get(PAGE)) == "Notifications"


def test_a_page_of_25_at_a_time_and_a_bad_page_number_shows_the_first(login_as):
    me = login_as("link_worker")
    made = [reminder(me.user, sent_at=SENT - timedelta(minutes=n)) for n in range(30)]
    db.session.commit()

    first, second = me.get(PAGE), me.get(f"{PAGE}?page=2")
    assert rows_on(first) == [str(r.id) for r in made[:25]]
    assert rows_on(second) == [str(r.id) for r in made[25:]]
    assert "page 2 of 2" in page_text(second)
    for junk in ("0", "-1", "abc", "99999999999", "\u0663"):
        response = me.get(f"{PAGE}?page={junk}")
        assert response.status_code == 200
        assert rows_on(response)[:1] == [str(made[0].id)], junk


def a_concern(child, recorder, response=None) -> VoiceEntry:
    entry = VoiceEntry(
        child_id=child.id,
        heard_on=date(2026, 11, 26),
        setting="school",
        captured_by="A teacher",
        heard_how="directly",
        words="I don't want to go home.",
        raises_concern=True,
        recorded_by_id=recorder.id,
        recorded_at=SENT,
        response_due_at=SENT + timedelta(hours=8),
        response=response,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def test_a_reminder_of_something_done_or_answered_since_says_there_is_nothing_to_do_now(
    login_as,
):
    """Reminders stay listed (and unread until read), but one whose review was completed or
    whose concern was answered since says so, so nobody opens it to do it again."""
    me = login_as("link_worker")
    setting = child_with_plan()
    waiting = factories.review(setting.child, plan_id=setting.plan.id)
    completed = factories.review(setting.child, plan_id=setting.plan.id, status="completed")
    unanswered = a_concern(setting.child, me.user)
    answered = a_concern(setting.child, me.user, response="no_further_action")
    shown = {
        "waiting review": reminder(me.user, target_id=waiting.id),
        "completed review": reminder(me.user, target_id=completed.id),
        "unanswered concern": reminder(me.user, target_kind="concern", target_id=unanswered.id),
        "answered concern": reminder(me.user, target_kind="concern", target_id=answered.id),
    }
    db.session.commit()

    body = me.get(PAGE).get_data(as_text=True)

    said = {
        name: "Nothing to do now" in body.split(f'id="notification-{row.id}"')[1].split("</tr>")[0]
        for name, row in shown.items()
    }
    assert said == {
        "waiting review": False,
        "completed review": True,
        "unanswered concern": False,
        "answered concern": True,
    }
    assert body.count('govuk-tag--blue">New</strong>') == 4  # still unread until read


def test_the_page_runs_the_same_queries_for_2_or_30_notifications(login_as, count_queries):
    counted = []
    for size in (2, 30):
        me = login_as("dsl")
        for n in range(size):
            reminder(me.user, sent_at=SENT - timedelta(minutes=n), read_at=SENT if n % 2 else None)
        db.session.commit()
        me.get("/")
        with count_queries() as statements:
            response = me.get(PAGE)
        assert response.status_code == 200
        assert len(rows_on(response)) == min(size, 25)
        counted.append(len(statements))

    assert counted[0] == counted[1]


def test_the_header_count_is_one_query_and_administrators_have_no_notifications(
    login_as, count_queries
):
    me = login_as("coordinator")
    reminder(me.user)
    db.session.commit()
    me.get("/")
    with count_queries() as statements:
        me.get("/account")
    assert sum("from reminder" in s.lower() for s in statements) == 1

    admin = login_as("admin")
    body = admin.get("/").get_data(as_text=True)
    assert 'href="/notifications"' not in body
    # Nor, typed in, a page with a link to reminder choices an administrator does not have;
    # their account offers neither reminders nor a calendar feed of work they do not have.
    assert admin.get("/notifications").status_code == 404
    assert admin.get("/account/reminders").status_code == 404
    account = page_text(admin.get("/account"))
    assert "Reminders" not in account and "Calendar feed" not in account
    assert admin.submit("/account/calendar-feed", {}, page="/account").status_code == 404
    assert "Calendar feed" in page_text(me.get("/account"))


@pytest.mark.parametrize(
    "link", ["https://evil.example/x", "//evil.example", "javascript:alert(1)"]
)
def test_a_link_that_is_not_a_page_of_this_service_is_not_made_a_link(login_as, link):
    me = login_as("dsl")
    row = reminder(me.user, link=link)
    db.session.commit()

    body = me.get(PAGE).get_data(as_text=True)

    assert row.subject in body
    assert "evil.example" not in body and "javascript:" not in body


# ---------------------------------------------------------------- "due today" on the right day


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


@pytest.mark.parametrize("digest", [False, True])
def test_a_missed_day_rerun_after_midnight_in_summer_does_not_say_due_today(app, digest):
    """The scheduler missed Tuesday 2 June 2026, the review's due day. At 00:30 on Wednesday in
    London (still Tuesday 23:30 in UTC) someone re-runs Tuesday's pass: what reaches the owner
    now, by email and on this page, says it was due yesterday, not "is due today"."""
    setting = child_with_plan()
    owner = setting.link_worker
    owner.reminder_digest = digest
    factories.review(setting.child, plan_id=setting.plan.id, owner_id=owner.id, due_on=TUESDAY)
    db.session.commit()
    reference = setting.plan.reference

    with time_machine.travel(datetime(2026, 6, 3, 0, 30, tzinfo=LONDON), tick=False):
        run_pass(datetime(2026, 6, 2, 7, 5, tzinfo=LONDON))  # send-reminders --as-of Tuesday
        shown = page_text(signed_in(app, owner).get(PAGE))

    overdue = f"Overdue: plan review for {reference} was due 2 June"
    assert overdue in shown
    assert "is due today" not in shown
    texts = [email.subject + "\n" + email.body for email in emails()]
    assert len(texts) == 1
    assert overdue in texts[0] and "is due today" not in texts[0]


def test_on_the_due_day_itself_it_is_due_today(app):
    """The same review, with Tuesday's pass on Tuesday (07:05 in London, 06:05 UTC)."""
    setting = child_with_plan()
    owner = setting.link_worker
    factories.review(setting.child, plan_id=setting.plan.id, owner_id=owner.id, due_on=TUESDAY)
    db.session.commit()

    moment = datetime(2026, 6, 2, 7, 5, tzinfo=LONDON)
    with time_machine.travel(moment, tick=False):
        run_pass(moment)
        shown = page_text(signed_in(app, owner).get(PAGE))

    assert f"Reminder: plan review for {setting.plan.reference} is due today" in shown


def test_a_reminder_kept_for_a_later_digest_is_worded_for_the_day_the_digest_goes(app):
    """Kept for the digest on Tuesday after Tuesday's digest had gone, it goes in Wednesday's:
    by then it was due yesterday."""
    setting = child_with_plan()
    owner = setting.link_worker
    owner.reminder_digest = True
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=owner.id, due_on=TUESDAY
    )
    db.session.flush()
    reminder(
        owner,
        target_id=review.id,
        kind="due",
        send_on=TUESDAY,
        due_on=TUESDAY,
        status="in_digest",
        reference=setting.plan.reference,
        subject=f"Reminder: plan review for {setting.plan.reference} is due today",
    )
    db.session.commit()

    with time_machine.travel(datetime(2026, 6, 3, 7, 5, tzinfo=LONDON), tick=False):
        assert digests.send_daily(date(2026, 6, 3)) == 1

    (text,) = [email.body for email in emails()]
    assert f"Overdue: plan review for {setting.plan.reference} was due 2 June" in text
    assert "is due today" not in text
