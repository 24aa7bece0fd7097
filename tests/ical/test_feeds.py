"""Personal subscription feeds (docs/security.md F26-F28): a secret link made on the account page
gives a calendar program, with no session, the user's own meetings and due dates; rotating,
revoking, deactivation and the partnership's setting kill it at once; the secret is stored
only as a hash and never reaches a log."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets as random_secrets
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
import vobject
from icalendar import Calendar
from sqlalchemy import select

from tas.auth.models import CalendarFeed
from tas.core.clock import utcnow
from tas.extensions import db
from tas.logs import redact
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, field_value, page_text
from tests.plans.helpers import child_at

FEED_LINK = re.compile(r"https://tas\.example\.org/calendar/feed/([A-Za-z0-9_\-]+)\.ics")


def make_link(browser) -> str:
    """Press the account page's button; the page answering shows the link once."""
    response = browser.submit("/account/calendar-feed", page="/account")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Copy your calendar feed link now" in html
    found = FEED_LINK.findall(html)
    assert found, "no feed link on the page"
    return found[0]


def fetch(app, secret: str, **kwargs):
    """A calendar program's request: a fresh client, no cookies, no session."""
    return app.test_client().get(f"/calendar/feed/{secret}.ics", **kwargs)


def events_of(response):
    return Calendar.from_ical(response.get_data()).events


def summaries(response) -> set[str]:
    return {str(event["SUMMARY"]) for event in events_of(response)}


@pytest.fixture
def world(login_as):
    """A practitioner invited by name to one meeting, chairing another, lead practitioner of an
    open plan and owner of an open action; and other people's meetings, plans and actions."""
    setting = school_with_meeting()
    browser = login_as("practitioner")
    me = browser.user
    factories.invitation(setting.meeting, setting.dsl, agency=me.agency, representative=me)
    chaired = factories.meeting(
        setting.school,
        setting.dsl,
        chair=me,
        kind="keeping_in_touch",
        starts_at=datetime(2027, 1, 13, 14, 0, tzinfo=UTC),
        ends_at=datetime(2027, 1, 13, 15, 0, tzinfo=UTC),
    )
    elsewhere = school_with_meeting(location="Somewhere else entirely")
    too_old = factories.meeting(
        setting.school,
        setting.dsl,
        chair=me,
        starts_at=datetime(2026, 9, 2, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 9, 2, 10, 0, tzinfo=UTC),
    )
    child = child_at(setting.school, first_name="Zebedee", last_name="Quillfeather")
    mine = factories.plan(child, lead_practitioner=me, next_review_on=date(2027, 1, 8))
    db.session.flush()
    my_action = factories.action(
        mine,
        owner_kind="person",
        owner_user_id=me.id,
        due_on=date(2026, 12, 11),
        description="Ring Zebedee's mother about the referral",
    )
    done = factories.action(
        mine, owner_kind="person", owner_user_id=me.id, due_on=date(2026, 12, 12), status="done"
    )
    other_child = child_at(elsewhere.school, first_name="Ottoline", last_name="Brackenbury")
    theirs = factories.plan(
        other_child, lead_practitioner=elsewhere.dsl, next_review_on=date(2026, 12, 20)
    )
    db.session.flush()
    factories.action(
        theirs, owner_kind="person", owner_user_id=elsewhere.dsl.id, due_on=date(2026, 12, 14)
    )
    db.session.commit()
    return {
        "browser": browser,
        "me": me,
        "setting": setting,
        "chaired": chaired,
        "elsewhere": elsewhere,
        "too_old": too_old,
        "plan": mine,
        "their_plan": theirs,
        "action": my_action,
        "done": done,
        "child": child,
        "other_child": other_child,
    }


def test_the_link_works_with_no_session_and_holds_only_my_meetings_and_due_dates(app, world):
    secret = make_link(world["browser"])
    response = fetch(app, secret)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    # Kept by the calendar program only, and revalidated with the ETag each time it looks.
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"]
    assert "Set-Cookie" not in response.headers
    cal = Calendar.from_ical(response.get_data())
    assert str(cal["METHOD"]) == "PUBLISH"
    assert "TAS meetings" in response.get_data(as_text=True)
    vobject.readOne(response.get_data(as_text=True))  # a second parser reads it too
    # Look again within the hour (RFC 7986, and Outlook's X-PUBLISHED-TTL).
    raw = response.get_data()
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in raw
    # PUBLISH (RFC 5546 3.2.1): nobody listed as ATTENDEE, an ORGANIZER on every event.
    assert b"ATTENDEE" not in raw
    assert all("ORGANIZER" in event for event in cal.events)

    setting, chaired = world["setting"], world["chaired"]
    by_uid = {str(event["UID"]): event for event in cal.events}
    host = "partnership.example"  # CALENDAR_UID_DOMAIN
    assert set(by_uid) == {
        f"tas-meeting-{setting.meeting.id}@{host}",
        f"tas-meeting-{chaired.id}@{host}",
        f"tas-plan-review-{world['plan'].id}@{host}",
        f"tas-action-{world['action'].id}@{host}",
    }
    invited = by_uid[f"tas-meeting-{setting.meeting.id}@{host}"]
    assert invited.start.hour == 9 and str(invited.start.tzinfo) == "Europe/London"
    site = "tas.example.org"  # BASE_URL
    assert str(invited["URL"]) == f"https://{site}/meetings/{setting.meeting.id}"
    review = by_uid[f"tas-plan-review-{world['plan'].id}@{host}"]
    assert review.start == date(2027, 1, 8)
    assert str(review["SUMMARY"]) == f"Plan review due: {world['plan'].reference}"
    action = by_uid[f"tas-action-{world['action'].id}@{host}"]
    assert action.start == date(2026, 12, 11)
    assert str(action["SUMMARY"]) == f"Action due: {world['plan'].reference}"
    # Each entry's link opens its page for the person it is for (before, the due dates' 404ed).
    for entry in (invited, review, action):
        link = str(entry["URL"])
        assert link.startswith(f"https://{site}/")
        assert link in str(entry["DESCRIPTION"])
        assert world["browser"].get(link.removeprefix(f"https://{site}")).status_code == 200
    assert str(action["URL"]).endswith(f"/actions/{world['action'].id}")
    assert str(review["URL"]).endswith(f"/plans/{world['plan'].id}")

    body = response.get_data(as_text=True)
    for child in (world["child"], world["other_child"]):
        for text in (child.first_name, child.last_name, "Zebedee"):
            assert text not in body
    assert "Somewhere else entirely" not in body
    assert world["their_plan"].reference not in body
    # The account page says whose due dates these are: not those the agency owns as a whole.
    account = page_text(world["browser"].get("/account"))
    assert "the actions you own by name (not those your agency owns as a whole)" in account


def test_a_handover_meeting_due_is_named_as_one_not_as_a_plan_review(app, world):
    """After a step down the plan's review date is its handover (TAF) meeting's due date."""
    plan = world["plan"]
    factories.review(
        world["child"], kind="handover_meeting", plan_id=plan.id, due_on=date(2027, 1, 8)
    )
    db.session.commit()

    found = summaries(fetch(app, make_link(world["browser"])))

    assert f"Handover (TAF) meeting due: {plan.reference}" in found
    assert f"Plan review due: {plan.reference}" not in found


def test_a_cancelled_meeting_shows_as_cancelled(app, world):
    secret = make_link(world["browser"])
    world["chaired"].status = "cancelled"
    world["chaired"].cancelled_at = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    world["chaired"].sequence = 1
    db.session.commit()

    cancelled = [e for e in events_of(fetch(app, secret)) if str(e.get("STATUS")) == "CANCELLED"]
    assert [str(e["UID"]) for e in cancelled] == [
        f"tas-meeting-{world['chaired'].id}@partnership.example"
    ]
    assert int(cancelled[0]["SEQUENCE"]) == 1
    # Calendar programs that ignore STATUS still show it as cancelled.
    assert str(cancelled[0]["SUMMARY"]).startswith("Cancelled: Keeping-in-touch meeting – ")

    # Its day (13 January) over, it leaves the feed; the review due on 8 January stays.
    chaired = f"tas-meeting-{world['chaired'].id}@partnership.example"
    with time_machine.travel(datetime(2027, 1, 13, 23, 0, tzinfo=UTC), tick=False):
        assert chaired in [str(e["UID"]) for e in events_of(fetch(app, secret))]
    with time_machine.travel(datetime(2027, 1, 14, 0, 30, tzinfo=UTC), tick=False):
        uids = [str(e["UID"]) for e in events_of(fetch(app, secret))]
    assert chaired not in uids
    assert f"tas-plan-review-{world['plan'].id}@partnership.example" in uids


def test_a_due_date_moved_is_a_new_revision_of_its_entry(app, world):
    secret = make_link(world["browser"])

    def entries() -> dict[str, tuple[date, int, datetime]]:
        return {
            str(e["UID"]).split("@")[0]: (e.start, int(e["SEQUENCE"]), e["LAST-MODIFIED"].dt)
            for e in events_of(fetch(app, secret))
            if "meeting" not in str(e["UID"])
        }

    review_uid, action_uid = (
        f"tas-plan-review-{world['plan'].id}",
        f"tas-action-{world['action'].id}",
    )
    before = entries()
    assert before[review_uid][:2] == (date(2027, 1, 8), 0)
    assert before[action_uid][:2] == (date(2026, 12, 11), 0)

    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=UTC), tick=False):
        world["plan"].next_review_on = date(2027, 1, 15)
        world["action"].due_on = date(2026, 12, 18)
        world["action"].status = "in_progress"  # not the date: no new revision for this
        db.session.commit()
    after = entries()
    moved_at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert after[review_uid] == (date(2027, 1, 15), 1, moved_at)
    assert after[action_uid] == (date(2026, 12, 18), 1, moved_at)

    world["action"].description = "Ring the family back"  # the date stays: the entry too
    db.session.commit()
    assert entries() == after


def test_the_secret_is_long_shown_once_and_stored_only_as_its_hash(app, world):
    secret = make_link(world["browser"])

    assert len(secret) >= 43  # token_urlsafe(32): 256 bits
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == world["me"].id))
    assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert feed.token_hash != secret and secret not in feed.token_hash
    again = world["browser"].get("/account").get_data(as_text=True)
    assert secret not in again
    assert "Make a new feed link" in again
    for event in audit_events():
        assert secret not in str(event.detail) and feed.token_hash not in str(event.detail)
    assert [e.target_id for e in audit_events("calendar_feed_created")] == [feed.id]


def test_a_new_link_kills_the_old_one_at_once(app, world):
    old = make_link(world["browser"])
    assert fetch(app, old).status_code == 200

    new = make_link(world["browser"])

    assert new != old
    assert fetch(app, old).status_code == 404
    assert fetch(app, new).status_code == 200
    assert len(audit_events("calendar_feed_rotated")) == 1


def test_turning_the_link_off_makes_it_404(app, world):
    secret = make_link(world["browser"])

    response = world["browser"].submit(
        "/account/calendar-feed/revoke", page="/account", follow_redirects=True
    )

    assert "Your calendar feed link has been turned off" in response.get_data(as_text=True)
    assert "Make a calendar feed link" in response.get_data(as_text=True)
    gone = fetch(app, secret)
    assert gone.status_code == 404
    assert gone.mimetype == "text/plain"
    assert len(audit_events("calendar_feed_revoked")) == 1


def test_the_buttons_need_the_forms_csrf_token(app, world):
    response = world["browser"].client.post("/account/calendar-feed")
    assert response.status_code == 400
    assert db.session.scalar(select(CalendarFeed)) is None


def test_deactivating_the_user_kills_their_link(app, world, login_as):
    secret = make_link(world["browser"])
    admin = login_as("admin")

    deactivate = f"/admin/users/{world['me'].id}/deactivate"
    # They lead a plan and chair a meeting: the administrator is shown that and confirms.
    asked = admin.submit(deactivate, page="/account")
    assert asked.status_code == 200 and fetch(app, secret).status_code == 200
    response = admin.submit(deactivate, {"open_work": field_value(asked, "open_work")})

    assert response.status_code == 302
    assert fetch(app, secret).status_code == 404
    revoked = audit_events("calendar_feed_revoked")
    assert [(e.actor_id, e.detail["reason"]) for e in revoked] == [(admin.user.id, "deactivated")]


def test_guessed_and_malformed_links_answer_404(app, world):
    make_link(world["browser"])
    for guess in ("A" * 43, "short", "x" * 200, "../../etc/passwd", "%00" * 20):
        response = fetch(app, guess)
        assert response.status_code == 404
        assert b"BEGIN:VCALENDAR" not in response.get_data()


def test_feeds_turned_off_answer_404_and_the_account_page_says_so(app, make_app, world):
    secret = make_link(world["browser"])
    off = make_app(CALENDAR_FEEDS=False)

    assert fetch(off, secret).status_code == 404
    browser = Visitor(off.test_client())
    browser.sign_in(world["me"].email)
    page = page_text(browser.get("/account"))
    assert "Your partnership has turned calendar feeds off" in page
    assert "Make a calendar feed link" not in page
    assert browser.submit("/account/calendar-feed", page="/account").status_code == 404
    assert fetch(app, secret).status_code == 200  # the link itself survives the setting


def test_etag_lets_a_calendar_program_poll_cheaply(app, world):
    secret = make_link(world["browser"])
    first = fetch(app, secret)
    etag = first.headers["ETag"]
    assert etag.strip('"') == hashlib.sha256(first.get_data()).hexdigest()
    assert fetch(app, secret).get_data() == first.get_data()  # the same data, the same bytes

    unchanged = fetch(app, secret, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag

    world["chaired"].location = "The library"
    world["chaired"].sequence += 1
    db.session.commit()
    changed = fetch(app, secret, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_the_secret_never_reaches_a_log(app, world, caplog):
    caplog.set_level(logging.DEBUG)
    secret = make_link(world["browser"])
    fetch(app, secret)
    fetch(app, secret + "x")
    make_link(world["browser"])
    # The development server's and gunicorn's request lines go through tas.logs' filter.
    path = f"/calendar/feed/{secret}.ics"
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s HTTP/1.1" 200 -', path)
    logging.getLogger("gunicorn.access").info("%s", f'127.0.0.1 "GET {path} HTTP/1.1" 200')

    assert caplog.records, "nothing was logged"
    assert secret not in caplog.text
    assert "/calendar/feed/[redacted].ics" in caplog.text
    assert secret not in redact(f"GET {path}")


def test_the_feed_reads_a_fixed_number_of_queries(app, world, count_queries):
    secret = make_link(world["browser"])
    with count_queries() as few:
        assert fetch(app, secret).status_code == 200

    setting, me = world["setting"], world["me"]
    for n in range(5):
        meeting = factories.meeting(
            setting.school,
            setting.dsl,
            chair=me,
            starts_at=datetime(2027, 2, 1, 9, 0, tzinfo=UTC) + timedelta(days=n),
            ends_at=datetime(2027, 2, 1, 10, 0, tzinfo=UTC) + timedelta(days=n),
        )
        factories.invitation(meeting, setting.dsl)
        factories.action(
            world["plan"], owner_kind="person", owner_user_id=me.id, due_on=date(2027, 3, 1 + n)
        )
    db.session.commit()
    with count_queries() as many:
        response = fetch(app, secret)
    assert len(events_of(response)) == 4 + 10
    assert len(many) == len(few) == 5  # the miss count, the link, meetings, reviews, actions


def test_guessing_links_is_slowed_down_per_client_address(app, world):
    """docs/security.md F27: random links all answer 404, and after FEED_MISS_LIMIT of them within
    the window the guesser gets 429 (another address is not affected; the window passes)."""
    limit = app.config["FEED_MISS_LIMIT"]
    mine = make_link(world["browser"])
    guesser = {"REMOTE_ADDR": "203.0.113.7"}
    answers = [
        fetch(app, random_secrets.token_urlsafe(32), environ_base=guesser).status_code
        for _ in range(limit + 5)
    ]
    assert answers[:limit] == [404] * limit
    assert answers[limit:] == [429] * 5
    slowed = fetch(app, random_secrets.token_urlsafe(32), environ_base=guesser)
    assert int(slowed.headers["Retry-After"]) > 0
    other = {"REMOTE_ADDR": "198.51.100.2"}
    assert fetch(app, random_secrets.token_urlsafe(32), environ_base=other).status_code == 404
    assert fetch(app, mine, environ_base=other).status_code == 200
    later = utcnow() + timedelta(minutes=app.config["FEED_MISS_WINDOW_MINUTES"] + 1)
    with time_machine.travel(later, tick=False):
        assert fetch(app, random_secrets.token_urlsafe(32), environ_base=guesser).status_code == 404


def test_only_the_calendar_itself_may_be_kept_every_other_answer_is_no_store(app, world):
    """The calendar (200) and "unchanged" (304) are kept privately and revalidated with the
    ETag; a wrong link (404) or a guesser slowed down (429) is never kept by a browser or
    proxy, so a cache cannot go on answering 404 for a link made later, or 429 after the wait."""
    secret = make_link(world["browser"])
    calendar = fetch(app, secret)
    unchanged = fetch(app, secret, headers={"If-None-Match": calendar.headers["ETag"]})
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    misses = [
        fetch(app, random_secrets.token_urlsafe(32), environ_base=guesser)
        for _ in range(app.config["FEED_MISS_LIMIT"] + 1)
    ]

    for kept in (calendar, unchanged):
        assert kept.headers["Cache-Control"] == "private, no-cache"
        assert "Pragma" not in kept.headers
    assert [miss.status_code for miss in misses[-2:]] == [404, 429]
    for answer in misses[-2:]:
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Pragma"] == "no-cache"


def test_a_link_made_before_its_owner_became_an_administrator_stops_and_can_be_turned_off(
    app, login_as
):
    """An administrator has no work of their own: a link they made in another role shows
    nothing, and their account still lets them turn it off."""
    me = login_as("link_worker")
    secret = make_link(me)
    assert fetch(app, secret).status_code == 200
    me.user.role = "admin"
    me.user.agency_id = None
    db.session.commit()

    account = page_text(me.get("/account"))
    stopped = fetch(app, secret)
    made = me.submit("/account/calendar-feed", page="/account")
    off = me.submit("/account/calendar-feed/revoke", page="/account", follow_redirects=True)

    assert stopped.status_code == 404
    assert "before you were an administrator. It no longer works, so turn it off" in account
    assert "Make a new feed link" not in account
    assert made.status_code == 404
    assert "Your calendar feed link has been turned off" in page_text(off)
    assert "Calendar feed" not in page_text(me.get("/account"))


def test_a_gp_practices_feed_holds_the_meetings_it_is_invited_to_and_no_child(app, login_as):
    """A GP practice's invitation gives it a meeting's arrangements only (tas/meetings/access.py),
    yet it is invited all the same: the meeting is in its feed, as it is in its list, with what
    every feed carries and no child's name; another practice's meeting and a removed invitation
    are not."""
    setting = school_with_meeting()
    gp = login_as("gp")
    practice = gp.user.agency
    child = child_at(setting.school, first_name="Wilhelmina", last_name="Oakenshott")
    factories.agenda_item(setting.meeting, child, setting.dsl)
    factories.invitation(setting.meeting, setting.dsl, agency=practice)
    other_practice = factories.agency(name="Eastgate Surgery", service_type="gp_practice")
    theirs = factories.meeting(
        setting.school,
        setting.dsl,
        starts_at=datetime(2026, 12, 9, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 9, 10, 30, tzinfo=UTC),
    )
    factories.invitation(theirs, setting.dsl, agency=other_practice)
    removed = factories.meeting(
        setting.school,
        setting.dsl,
        starts_at=datetime(2026, 12, 16, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 16, 10, 30, tzinfo=UTC),
    )
    factories.invitation(removed, setting.dsl, agency=practice, removed_at=utcnow())
    db.session.commit()
    listed = page_text(gp.get("/meetings"))

    response = fetch(app, make_link(gp))

    assert setting.meeting.reference in listed  # what the practice sees signed in...
    host = "partnership.example"  # CALENDAR_UID_DOMAIN
    by_uid = {str(event["UID"]): event for event in events_of(response)}
    assert set(by_uid) == {f"tas-meeting-{setting.meeting.id}@{host}"}  # ...is in its feed
    event = by_uid[f"tas-meeting-{setting.meeting.id}@{host}"]
    assert str(event["LOCATION"]).startswith("Meeting room 1")
    assert setting.meeting.reference in str(event["DESCRIPTION"])
    link = str(event["URL"]).removeprefix("https://tas.example.org")
    assert gp.get(link).status_code == 200
    body = response.get_data(as_text=True)
    assert b"ATTENDEE" not in response.get_data()
    for text in ("Wilhelmina", "Oakenshott", "W.O."):
        assert text not in body
