"""Answering a termly series at once: an agency invited to every date answers all those still to
come on the series page, each meeting keeping its own invitation and answer (recorded and
audited once per meeting), then changes a single date on its own page. Only the invited answer.

"Now" is Friday 27 November 2026, 09:30 in London (tests/meetings/conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Invitation, Meeting, MeetingSeries
from tas.organisations.models import Agency, User
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, error_summary, page_text

UPDATE = "We are working with the family weekly and will send notes before each meeting."


@dataclass
class Series:
    series: MeetingSeries
    meetings: list[Meeting]  # past, cancelled, then three to come
    agency: Agency
    fay: User
    url: str


def monday(weeks: int) -> dict:
    """A Monday `weeks` after 30 November 2026, 09:00 to 10:30 UTC."""
    starts = datetime(2026, 11, 30, 9, 0, tzinfo=UTC) + timedelta(weeks=weeks)
    return {"starts_at": starts, "ends_at": starts + timedelta(minutes=90)}


def termly_series(to_come: int = 3) -> Series:
    """A series of the school's with a held date, a cancelled date and `to_come` dates still to
    come, Future in Mind invited to each (as the school's default agency would be)."""
    setting = school_with_meeting()
    series = MeetingSeries(
        school_id=setting.school.id,
        kind="tas",
        pattern="every_n_weeks",
        settings={"weekday": 0, "starts": "09:00", "ends": "10:30", "every_weeks": 1},
        skipped=[],
        created_by_id=setting.dsl.id,
    )
    db.session.add(series)
    db.session.flush()
    fim = factories.agency()
    fay = factories.user("practitioner", agency=fim, name="Fay Fim")
    meetings = [
        factories.meeting(setting.school, setting.dsl, status="held", **monday(-1)),
        factories.meeting(setting.school, setting.dsl, status="cancelled", **monday(0)),
        *(
            factories.meeting(setting.school, setting.dsl, **monday(n))
            for n in range(1, to_come + 1)
        ),
    ]
    for meeting in meetings:
        meeting.series_id = series.id
        factories.invitation(meeting, setting.dsl, agency=fim)
    db.session.commit()
    return Series(series, meetings, fim, fay, f"/meetings/series/{series.id}")


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def answers(meetings: list[Meeting], agency: Agency) -> list[str]:
    db.session.expire_all()
    by_meeting = {
        invitation.meeting_id: invitation.answer
        for invitation in db.session.scalars(
            select(Invitation).where(Invitation.agency_id == agency.id)
        )
    }
    return [by_meeting[meeting.id] for meeting in meetings]


def shown_token(page) -> str:
    match = re.search(r'name="version" value="([^"]*)"', page.get_data(as_text=True))
    assert match, "no version on the page"
    return match.group(1)


def test_an_invited_agency_answers_every_date_then_changes_one(app):
    made = termly_series()
    _held, _cancelled, first, second, third = made.meetings
    fay = signed_in(app, made.fay)

    page = fay.get(made.url)

    assert page.status_code == 200
    text = page_text(page)
    assert "Meetings you are invited to" in text and "Your answer" in text
    assert "Can you come to these meetings?" in text
    assert "for the 3 dates still to come that you are invited to" in text
    sent = fay.submit(made.url, {"answer": "attending", "version": shown_token(page)})

    assert sent.status_code == 302
    assert answers(made.meetings, made.agency) == [
        "awaiting",  # held: answers closed
        "awaiting",  # cancelled: needs no answer
        "attending",
        "attending",
        "attending",
    ]
    events = audit_events("invitation_answered")
    assert sorted(event.detail["meeting_id"] for event in events) == sorted(
        m.id for m in (first, second, third)
    )
    assert {event.detail["series_id"] for event in events} == {made.series.id}
    assert all(event.detail["answer"] == "attending" for event in events)
    again = fay.get(made.url)
    assert "Your answer has been sent for 3 meetings" in page_text(again)
    row = page_text(again).split(second.reference)[1]
    assert row.lstrip().startswith("Scheduled Attending Change")

    # One date changed on its own page, as any single answer.
    answer_page = fay.get(f"/meetings/{second.id}/answer")
    assert "This meeting is one of a termly series" in page_text(answer_page)
    assert f'href="{made.url}#answer-all"' in answer_page.get_data(as_text=True)
    [invitation] = [i for i in db.session.scalars(select(Invitation)) if i.meeting_id == second.id]
    changed = fay.submit(
        f"/meetings/{second.id}/answer", {"answer": "apologies", "version": str(invitation.version)}
    )
    assert changed.status_code == 302
    assert answers(made.meetings, made.agency)[2:] == ["attending", "apologies", "attending"]


def test_apologies_with_an_update_need_the_update_and_keep_what_was_typed(app):
    made = termly_series(to_come=2)
    fay = signed_in(app, made.fay)
    page = fay.get(made.url)

    missing = fay.submit(
        made.url, {"answer": "apologies_with_update", "version": shown_token(page)}
    )

    assert error_summary(missing) == {"written_update": "Enter your written update for the meeting"}
    assert answers(made.meetings, made.agency)[2:] == ["awaiting", "awaiting"]
    sent = fay.submit(
        made.url,
        {"answer": "apologies_with_update", "written_update": UPDATE, "version": shown_token(page)},
    )
    assert sent.status_code == 302
    db.session.expire_all()
    updates = {
        i.written_update for i in db.session.scalars(select(Invitation)) if i.answer != "awaiting"
    }
    assert updates == {UPDATE}
    assert all(UPDATE not in str(e.detail) for e in audit_events("invitation_answered"))


def test_an_answer_from_an_out_of_date_page_is_refused_and_nothing_is_saved(app):
    made = termly_series(to_come=2)
    fay = signed_in(app, made.fay)
    page = fay.get(made.url)
    colleague = factories.user("practitioner", agency=made.agency)
    db.session.commit()
    signed_in(app, colleague).submit(
        f"/meetings/{made.meetings[3].id}/answer", {"answer": "apologies", "version": "1"}
    )

    stale = fay.submit(made.url, {"answer": "attending", "version": shown_token(page)})

    assert stale.status_code == 409
    assert "An answer or an invitation of this series changed" in page_text(stale)
    assert answers(made.meetings, made.agency)[2:] == ["awaiting", "apologies"]
    resent = fay.submit(made.url, {"answer": "attending", "version": shown_token(stale)})
    assert resent.status_code == 302
    assert answers(made.meetings, made.agency)[2:] == ["attending", "attending"]


def test_only_those_invited_see_the_series_and_answer(app, login_as):
    made = termly_series(to_come=2)
    first = made.meetings[2]
    stranger = factories.user("practitioner")
    coordinator = factories.user("coordinator")
    one_date = factories.user("practitioner", name="Omar One-Date")
    factories.invitation(first, made.fay, representative=one_date)
    db.session.commit()

    for user in (stranger, coordinator):
        browser = signed_in(app, user)
        assert browser.get(made.url).status_code == 404
        assert browser.submit(made.url, {"answer": "attending"}, page="/").status_code == 404
    organiser = signed_in(app, made.meetings[0].organiser)
    own = organiser.get(made.url)
    assert own.status_code == 200 and "Can you come to these meetings?" not in page_text(own)
    assert organiser.submit(made.url, {"answer": "attending"}).status_code == 403

    # Invited by name to one date: sees and answers that date only.
    omar = signed_in(app, one_date)
    page = omar.get(made.url)
    assert first.reference in page_text(page)
    assert made.meetings[3].reference not in page_text(page)
    assert (
        omar.submit(made.url, {"answer": "attending", "version": shown_token(page)}).status_code
        == 302
    )
    db.session.expire_all()
    named = db.session.scalar(select(Invitation).where(Invitation.representative_id == one_date.id))
    assert named.answer == "attending"
    assert answers(made.meetings, made.agency)[2:] == ["awaiting", "awaiting"]


def test_the_series_page_runs_the_same_queries_for_2_or_10_dates(app, count_queries):
    counted = []
    for size in (2, 10):
        made = termly_series(to_come=size)
        fay = signed_in(app, made.fay)
        fay.submit(made.url, {"answer": "attending", "version": shown_token(fay.get(made.url))})
        with count_queries() as statements:
            page = fay.get(made.url)
        assert page.status_code == 200
        assert page_text(page).count("Attending") >= size
        counted.append(len(statements))

    assert counted[0] == counted[1]
