"""The list of meetings: my meetings (upcoming and recent), a school's meetings, a coordinator's
cluster view; filters from the query string; paginated; no child named; a fixed query count.

"Now" is Friday 27 November 2026, 09:30 in London (tests/meetings/conftest.py)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tas.core import choices
from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.pages import audit_events, error_summary, options_of, page_text
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

LIST = "/meetings"
NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def at(days: float, hour: int = 9) -> dict:
    """A meeting `days` from now, starting at `hour` UTC, lasting 90 minutes."""
    day = (NOW + timedelta(days=days)).date()
    starts = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)
    return {"starts_at": starts, "ends_at": starts + timedelta(minutes=90)}


def table(response, element_id: str) -> str:
    """The words of one table on the page ("" when the page has no such table)."""
    body = response.get_data(as_text=True)
    start = body.find(f'id="{element_id}"')
    if start == -1:
        return ""
    end = body.find("</table>", start)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body[start:end])).split())


def references(response) -> list[str]:
    """The meeting references listed, in page order."""
    return re.findall(r"MTG-\d{4}", page_text(response))


def ref(meeting) -> str:
    return meeting.reference


# ---------------------------------------------------------------- who sees which meetings


def test_a_dsl_sees_their_schools_upcoming_and_recent_meetings_in_order(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    chair = factories.user("link_worker", linked_schools=[school], name="Lee Walker")
    soon = factories.meeting(school, dsl.user, chair=chair, **at(5))
    later = factories.meeting(school, dsl.user, kind="keeping_in_touch", **at(12))
    recent = factories.meeting(school, dsl.user, status="held", **at(-6))
    last_week = factories.meeting(school, dsl.user, status="cancelled", **at(-8))
    old = factories.meeting(school, dsl.user, status="held", **at(-45))
    elsewhere = factories.meeting(factories.school(), factories.user("dsl"), **at(3))
    db.session.commit()

    response = dsl.get(LIST)

    assert response.status_code == 200
    upcoming, past = table(response, "upcoming-meetings"), table(response, "past-meetings")
    assert references(response) == [ref(soon), ref(later), ref(recent), ref(last_week)]
    assert ref(soon) in upcoming and ref(later) in upcoming and ref(recent) in past
    assert "Wednesday 2 December 2026" in upcoming and "9:00am to 10:30am" in upcoming
    assert "Lee Walker" in upcoming and "Keeping-in-touch meeting" in upcoming
    assert "No chair yet" in upcoming
    assert "Held" in past and ref(last_week) in table(response, "cancelled-meetings")
    assert ref(old) not in page_text(response) and ref(elsewhere) not in page_text(response)
    assert f'href="/meetings/{soon.id}"' in response.get_data(as_text=True)
    assert "4 meetings" in page_text(response)


def test_any_date_shows_older_meetings_too(login_as):
    dsl = login_as("dsl")
    old = factories.meeting(dsl.user.school, dsl.user, status="held", **at(-45))
    db.session.commit()

    assert ref(old) not in page_text(dsl.get(LIST))
    assert ref(old) in table(dsl.get(LIST + "?term=all"), "past-meetings")


def test_local_time_is_shown_across_the_clock_change(login_as):
    dsl = login_as("dsl")
    summer = datetime(2027, 6, 9, 8, 0, tzinfo=UTC)  # 9:00am in London (BST)
    factories.meeting(
        dsl.user.school, dsl.user, starts_at=summer, ends_at=summer + timedelta(hours=1)
    )
    db.session.commit()

    text = table(dsl.get(LIST), "upcoming-meetings")

    assert "Wednesday 9 June 2027" in text and "9:00am to 10:00am" in text


def test_an_invited_practitioner_sees_that_meeting_and_their_answer_only(login_as):
    farah = login_as("practitioner")
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    invited = factories.meeting(school, dsl, **at(5))
    by_name = factories.meeting(school, dsl, **at(7))
    not_invited = factories.meeting(school, dsl, **at(6))
    removed = factories.meeting(school, dsl, **at(8))
    long_ago = factories.meeting(school, dsl, status="held", **at(-40))
    factories.invitation(invited, dsl, agency=farah.user.agency, answer="apologies_with_update")
    factories.invitation(by_name, dsl, representative=farah.user, answer="attending")
    factories.invitation(removed, dsl, agency=farah.user.agency, removed_at=NOW)
    factories.invitation(long_ago, dsl, agency=farah.user.agency)
    db.session.commit()

    response = farah.get(LIST + "?term=all")

    assert references(response) == [ref(invited), ref(by_name)]
    upcoming = table(response, "upcoming-meetings")
    assert "Your answer" in upcoming
    assert "Apologies with a written update" in upcoming and "Attending" in upcoming
    assert ref(not_invited) not in page_text(response)
    assert "Book a meeting" not in page_text(response)


def test_a_cancelled_meeting_is_listed_under_cancelled_never_upcoming_as_attending(login_as):
    farah = login_as("practitioner")
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    going = factories.meeting(school, dsl, **at(5))
    called_off = factories.meeting(school, dsl, status="cancelled", **at(6))
    factories.invitation(going, dsl, agency=farah.user.agency, answer="attending")
    factories.invitation(called_off, dsl, agency=farah.user.agency, answer="attending")
    db.session.commit()

    response = farah.get(LIST)

    upcoming = table(response, "upcoming-meetings")
    cancelled = table(response, "cancelled-meetings")
    assert ref(going) in upcoming and "Attending" in upcoming
    assert ref(called_off) not in upcoming
    assert cancelled.startswith('id="cancelled-meetings"> Cancelled Date')
    assert ref(called_off) in cancelled
    assert "Attending" not in cancelled and "Your answer" not in cancelled
    assert references(response) == [ref(going), ref(called_off)]


def test_cancelled_meetings_come_after_upcoming_and_past_ones_across_pages(app, login_as):
    app.config["PAGE_SIZE"] = 2
    dsl = login_as("dsl")
    school = dsl.user.school
    past = factories.meeting(school, dsl.user, status="held", **at(-3))
    soon = factories.meeting(school, dsl.user, **at(3))
    off_soon = factories.meeting(school, dsl.user, status="cancelled", **at(2))
    off_before = factories.meeting(school, dsl.user, status="cancelled", **at(-2))
    db.session.commit()

    first, second = dsl.get(LIST), dsl.get(LIST + "?page=2")

    assert references(first) == [ref(soon), ref(past)]
    assert references(second) == [ref(off_soon), ref(off_before)]
    assert table(second, "upcoming-meetings") == ""
    assert ref(off_soon) in table(second, "cancelled-meetings")


def test_a_gp_practice_sees_meetings_it_is_invited_to(login_as):
    gp = login_as("gp")
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    invited = factories.meeting(school, dsl, **at(5))
    other = factories.meeting(school, dsl, **at(6))
    factories.invitation(invited, dsl, agency=gp.user.agency)
    db.session.commit()

    response = gp.get(LIST)

    assert references(response) == [ref(invited)]
    assert ref(other) not in page_text(response)


def test_a_coordinator_sees_arrangements_and_counts_for_their_clusters_never_names(login_as):
    north = factories.cluster(name="North")
    mine = factories.school(name="Oak Primary", cluster=north)
    theirs = factories.school(name="Elm Primary")
    coordinator = login_as("coordinator", clusters=[north], district_wide=False)
    dsl = factories.user("dsl", school=mine)
    meeting = factories.meeting(mine, dsl, **at(5))
    elsewhere = factories.meeting(theirs, factories.user("dsl", school=theirs), **at(5))
    child = child_at(mine, first_name="Mabel", last_name="Secret")
    factories.agenda_item(meeting, child, dsl, reason="Mabel's low mood")
    factories.agenda_item(meeting, None, dsl, reason="A situation", position=2)
    factories.invitation(meeting, dsl, answer="attending")
    factories.invitation(meeting, dsl, answer="apologies")
    factories.invitation(meeting, dsl)
    factories.invitation(meeting, dsl, answer="attending", removed_at=NOW)
    db.session.commit()

    response = coordinator.get(LIST)

    row = table(response, "upcoming-meetings")
    assert ref(meeting) in row and ref(elsewhere) not in page_text(response)
    assert "2 items" in row
    assert "3 invited" in row and "2 answered" in row
    body = response.get_data(as_text=True)
    assert "Mabel" not in body and "Secret" not in body and "low mood" not in body
    assert "in your clusters" in page_text(response)
    assert "Book a meeting" not in page_text(response)
    assert 'href="/meetings/terms"' in body


def test_a_withdrawn_childs_item_is_not_counted_on_a_meeting_to_come(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    meeting = factories.meeting(school, dsl.user, **at(5))
    stays = child_at(school)
    leaves = child_at(school)
    db.session.flush()
    from tas.children.models import Agreement

    factories.agenda_item(meeting, stays, dsl.user)
    factories.agenda_item(meeting, leaves, dsl.user, position=2)
    db.session.flush()
    for agreement in db.session.query(Agreement).filter_by(child_id=leaves.id):
        agreement.withdrawn_on = NOW.date()
    db.session.commit()

    assert "1 item" in table(dsl.get(LIST), "upcoming-meetings")


def test_held_meetings_count_who_attended(login_as):
    dsl = login_as("dsl")
    held = factories.meeting(dsl.user.school, dsl.user, status="held", **at(-3))
    factories.invitation(held, dsl.user, answer="attending", attendance="attended")
    factories.invitation(held, dsl.user, answer="apologies", attendance="apologies")
    factories.invitation(held, dsl.user, answer="attending", attendance="attended")
    db.session.commit()

    row = table(dsl.get(LIST), "past-meetings")

    assert "3 invited" in row and "2 attended" in row


def test_minutes_still_missing_two_working_days_on_are_tagged_overdue(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    tuesday = factories.meeting(school, dsl.user, **at(-3))  # due Thursday: overdue today
    wednesday = factories.meeting(school, dsl.user, **at(-2))  # due today: not yet
    held = factories.meeting(school, dsl.user, status="held", **at(-10))
    long_ago = factories.meeting(school, dsl.user, **at(-60))  # older, but still owed
    db.session.commit()

    response = dsl.get(LIST)

    def row(meeting) -> str:
        body = response.get_data(as_text=True)
        start = body.find(f'id="meeting-{meeting.id}"')
        assert start != -1, meeting.reference
        return body[start : body.find("</tr>", start)]

    assert "Minutes overdue" in row(tuesday) and "Minutes overdue" in row(long_ago)
    assert "Minutes overdue" not in row(wednesday) and "Minutes overdue" not in row(held)


def test_a_meeting_that_has_ended_waits_for_its_minutes_until_they_are_complete(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    ended = factories.meeting(school, dsl.user, **at(-2))  # minutes due today: not overdue
    this_morning = factories.meeting(school, dsl.user, **at(-0.1, hour=7))
    coming = factories.meeting(school, dsl.user, **at(2))
    held = factories.meeting(school, dsl.user, status="held", **at(-10))
    cancelled = factories.meeting(school, dsl.user, status="cancelled", **at(-1))
    db.session.commit()

    response = dsl.get(LIST)
    body = response.get_data(as_text=True)

    def tag(meeting) -> str:
        start = body.find(f'id="meeting-{meeting.id}"')
        found = re.search(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', body[start:])
        return found.group(1)

    assert tag(ended) == tag(this_morning) == "Awaiting minutes"
    assert tag(coming) == "Scheduled"
    assert tag(held) == "Held" and tag(cancelled) == "Cancelled"
    page = page_text(dsl.get(f"/meetings/{ended.id}"))
    assert "Status Awaiting minutes Type TAS meeting" in page
    assert "Status Awaiting minutes Minutes due by" in page


@pytest.mark.parametrize("role", ["dsl", "link_worker"])
def test_organisers_are_offered_booking_and_term_dates(login_as, role):
    browser = login_as(role)
    body = browser.get(LIST).get_data(as_text=True)

    assert 'href="/meetings/new"' in body and "Book a meeting" in body
    assert 'href="/meetings/terms"' in body


def test_a_link_worker_sees_their_linked_schools_and_meetings_they_chair(login_as):
    school = factories.school()
    lee = login_as("link_worker", linked_schools=[school])
    dsl = factories.user("dsl", school=school)
    linked = factories.meeting(school, dsl, **at(2))
    other_school = factories.school()
    chaired = factories.meeting(
        other_school, factories.user("dsl", school=other_school), chair=lee.user, **at(3)
    )
    unrelated = factories.meeting(other_school, dsl, **at(4))
    db.session.commit()

    response = lee.get(LIST)

    assert references(response) == [ref(linked), ref(chaired)]
    assert ref(unrelated) not in page_text(response)


@pytest.mark.parametrize("role", ["admin", "school_staff"])
def test_roles_without_meetings_are_refused(login_as, role):
    assert login_as(role).get(LIST).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# ---------------------------------------------------------------- filters


def test_filters_by_term_school_type_and_agency(login_as):
    school = factories.school(name="Oak Primary")
    other = factories.school(name="Elm Primary")
    lee = login_as("link_worker", linked_schools=[school, other])
    autumn = factories.term()
    spring = factories.term(
        name="spring",
        starts_on=NOW.date().replace(year=2027, month=1, day=4),
        ends_on=NOW.date().replace(year=2027, month=3, day=26),
    )
    fim = factories.agency(name="Future in Mind")
    in_autumn = factories.meeting(school, lee.user, **at(5))
    in_spring = factories.meeting(
        school,
        lee.user,
        starts_at=datetime(2027, 1, 13, 9, tzinfo=UTC),
        ends_at=datetime(2027, 1, 13, 10, tzinfo=UTC),
    )
    at_elm = factories.meeting(other, lee.user, kind="keeping_in_touch", **at(6))
    factories.invitation(at_elm, lee.user, agency=fim)
    db.session.commit()

    def listed(query: str) -> list[str]:
        response = lee.get(f"{LIST}?{query}")
        assert response.status_code == 200, query
        return references(response)

    assert listed("") == [ref(in_autumn), ref(at_elm), ref(in_spring)]
    assert listed(f"term={autumn.id}") == [ref(in_autumn), ref(at_elm)]
    assert listed(f"term={spring.id}") == [ref(in_spring)]
    assert listed(f"school={other.id}") == [ref(at_elm)]
    assert listed("type=keeping_in_touch") == [ref(at_elm)]
    assert listed("type=tas") == [ref(in_autumn), ref(in_spring)]
    assert listed(f"agency={fim.id}") == [ref(at_elm)]
    assert listed(f"term={autumn.id}&school={school.id}&type=tas") == [ref(in_autumn)]
    assert listed(f"term={spring.id}&school={other.id}") == []
    assert "No meetings match these filters" in page_text(
        lee.get(f"{LIST}?term={spring.id}&school={other.id}")
    )
    # The filters offer the terms, the schools and the invited agency, and keep the choice.
    page = lee.get(f"{LIST}?school={other.id}").get_data(as_text=True)
    assert f'<option value="{other.id}" selected>Elm Primary</option>' in page
    assert "Autumn term 2026 to 2027" in page and "Spring term 2026 to 2027" in page
    assert f'<option value="{fim.id}">Future in Mind</option>' in page


def test_a_term_runs_from_its_first_local_midnight_to_the_end_of_its_last_day(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    term = factories.term(
        starts_on=datetime(2026, 9, 3).date(), ends_on=datetime(2026, 12, 18).date()
    )
    # 00:30 on 3 September in London is 23:30 UTC on 2 September (BST).
    first = factories.meeting(
        school,
        dsl.user,
        status="held",
        starts_at=datetime(2026, 9, 2, 23, 30, tzinfo=UTC),
        ends_at=datetime(2026, 9, 3, 0, 30, tzinfo=UTC),
    )
    before = factories.meeting(
        school,
        dsl.user,
        status="held",
        starts_at=datetime(2026, 9, 2, 22, 30, tzinfo=UTC),
        ends_at=datetime(2026, 9, 2, 22, 50, tzinfo=UTC),
    )
    last = factories.meeting(
        school,
        dsl.user,
        starts_at=datetime(2026, 12, 18, 23, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 18, 23, 30, tzinfo=UTC),
    )
    db.session.commit()

    listed = references(dsl.get(f"{LIST}?term={term.id}"))

    assert listed == [ref(last), ref(first)]
    assert ref(before) not in listed


def test_a_coordinator_filters_by_cluster(login_as):
    north, south = factories.cluster(name="North"), factories.cluster(name="South")
    coordinator = login_as("coordinator")  # district-wide
    oak = factories.school(cluster=north)
    elm = factories.school(cluster=south)
    at_oak = factories.meeting(oak, factories.user("dsl", school=oak), **at(3))
    at_elm = factories.meeting(elm, factories.user("dsl", school=elm), **at(4))
    db.session.commit()

    assert references(coordinator.get(LIST)) == [ref(at_oak), ref(at_elm)]
    assert references(coordinator.get(f"{LIST}?cluster={south.id}")) == [ref(at_elm)]
    assert "across the district" in page_text(coordinator.get(LIST))


def test_a_coordinator_may_choose_a_school_with_no_meetings_booked(login_as):
    """Which covered schools have no meetings is a coordinator's to see: every school and
    cluster they cover is offered, booked or not (the list then says there are none)."""
    north, south = factories.cluster(name="North"), factories.cluster(name="South")
    coordinator = login_as("coordinator")  # district-wide
    oak = factories.school(cluster=north, name="Oak Primary")
    elm = factories.school(cluster=south, name="Elm Primary")
    factories.meeting(oak, factories.user("dsl", school=oak), **at(3))
    db.session.commit()

    page = coordinator.get(LIST)
    empty = coordinator.get(f"{LIST}?school={elm.id}")

    assert f'<option value="{elm.id}">Elm Primary</option>' in page.get_data(as_text=True)
    assert f'<option value="{south.id}">South' in page.get_data(as_text=True)
    assert empty.status_code == 200 and references(empty) == []
    assert "Elm Primary" in page_text(coordinator.get("/meetings/export"))


def test_a_region_wide_coordinator_chooses_a_cluster_then_one_of_its_schools(login_as, monkeypatch):
    """Past SCHOOLS_AT_ONCE schools (a region's 1,600), the school filter lists the schools of
    the cluster chosen, and says so, rather than every school of the region."""
    monkeypatch.setattr(choices, "SCHOOLS_AT_ONCE", 1)
    north, south = factories.cluster(name="North"), factories.cluster(name="South")
    coordinator = login_as("coordinator")  # district-wide
    oak = factories.school(name="Oak Primary", cluster=north)
    elm = factories.school(name="Elm Academy", cluster=south)
    factories.meeting(oak, factories.user("dsl", school=oak), **at(3))
    at_elm = factories.meeting(elm, factories.user("dsl", school=elm), **at(4))
    db.session.commit()

    first = coordinator.get(LIST)
    in_south = coordinator.get(f"{LIST}?cluster={south.id}")
    chosen = coordinator.get(f"{LIST}?cluster={south.id}&school={elm.id}")
    school_alone = coordinator.get(f"{LIST}?school={elm.id}")
    elsewhere = coordinator.get(f"{LIST}?cluster={north.id}&school={elm.id}")

    assert options_of(first, "school") == ["All schools"]
    assert "Choose a cluster first: its schools are then listed here" in page_text(first)
    assert options_of(in_south, "school") == ["All schools", "Elm Academy"]
    assert references(chosen) == [ref(at_elm)]
    assert options_of(school_alone, "school") == ["All schools", "Elm Academy"]
    assert references(school_alone) == [ref(at_elm)]
    assert elsewhere.status_code == 400
    assert error_summary(elsewhere) == {"school": "Select a school from the list"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("school=abc", "school", "Select a school from the list"),
        ("school=99999999999999999999999", "school", "Select a school from the list"),
        ("school=-1", "school", "Select a school from the list"),
        ("type=party", "type", "Select a type of meeting from the list"),
        ("agency=12.5", "agency", "Select an agency from the list"),
        (
            "term=1%00",
            "term",
            "When contains characters that cannot be used: retype it rather than pasting it",
        ),
        ("term=9999", "term", "Select a term, or when the meetings are, from the list"),
        ("cluster=1", "cluster", None),  # only coordinators filter by cluster: ignored
    ],
)
def test_bad_filter_values_are_a_clear_error_not_a_500(login_as, query, field, message):
    dsl = login_as("dsl")
    other = factories.school()
    factories.meeting(other, factories.user("dsl", school=other), **at(2))
    db.session.commit()

    response = dsl.get(f"{LIST}?{query}")

    if message is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert error_summary(response) == {field: message}
    assert "Error: Meetings" in page_text(response)
    assert "Check the filters" in page_text(response)
    assert not audit_events("meetings_listed")


def test_a_school_the_user_may_not_see_is_not_offered_nor_accepted(login_as):
    dsl = login_as("dsl")
    other = factories.school()
    hidden = factories.meeting(other, factories.user("dsl", school=other), **at(2))
    db.session.commit()

    response = dsl.get(f"{LIST}?school={other.id}")

    assert response.status_code == 400
    assert ref(hidden) not in page_text(response)


# ---------------------------------------------------------------- pages and audit


def test_the_list_is_paginated_and_keeps_the_filters(app, login_as):
    app.config["PAGE_SIZE"] = 2
    dsl = login_as("dsl")
    made = [factories.meeting(dsl.user.school, dsl.user, **at(n + 1)) for n in range(5)]
    db.session.commit()

    first = dsl.get(f"{LIST}?type=tas")
    third = dsl.get(f"{LIST}?type=tas&page=3")

    assert references(first) == [ref(made[0]), ref(made[1])]
    assert "5 meetings: page 1 of 3" in page_text(first)
    assert 'href="/meetings?page=2&amp;type=tas"' in first.get_data(as_text=True)
    assert references(third) == [ref(made[4])]
    assert references(dsl.get(f"{LIST}?type=tas&page=99999999999999999999")) == references(first)
    assert references(dsl.get(f"{LIST}?type=tas&page=abc")) == references(first)
    assert references(dsl.get(f"{LIST}?type=tas&page=%C2%B2")) == references(first)  # ²
    assert references(dsl.get(f"{LIST}?type=tas&page=40")) == references(third)


def test_upcoming_come_before_past_across_pages(app, login_as):
    app.config["PAGE_SIZE"] = 2
    dsl = login_as("dsl")
    school = dsl.user.school
    past = [factories.meeting(school, dsl.user, status="held", **at(-n)) for n in (2, 9)]
    coming = factories.meeting(school, dsl.user, **at(3))
    db.session.commit()

    assert references(dsl.get(LIST)) == [ref(coming), ref(past[0])]
    assert references(dsl.get(f"{LIST}?page=2")) == [ref(past[1])]


def test_the_list_read_is_audited_with_ids_only(login_as):
    school = factories.school()
    lee = login_as("link_worker", linked_schools=[school])
    fim = factories.agency()
    meeting = factories.meeting(school, lee.user, **at(3))
    factories.invitation(meeting, lee.user, agency=fim)
    db.session.commit()

    lee.get(f"{LIST}?school={school.id}&agency={fim.id}&type=tas&term=all&page=2")

    [event] = audit_events("meetings_listed")
    assert event.actor_id == lee.user.id
    assert event.detail == {
        "term_id": None,
        "any_date": True,
        "school_id": school.id,
        "kind": "tas",
        "agency_id": fim.id,
        "cluster_id": None,
        "page": 2,
        "found": 1,
    }


@pytest.mark.parametrize("role", ["dsl", "practitioner", "coordinator"])
def test_the_list_runs_the_same_queries_for_2_or_30_meetings(login_as, count_queries, role):
    counted = []
    for size in (2, 30):
        school = factories.school()
        fields = {
            "dsl": {"school": school},
            "practitioner": {},
            "coordinator": {"clusters": [school.cluster], "district_wide": False},
        }[role]
        browser = login_as(role, **fields)
        dsl = factories.user("dsl", school=school)
        chair = factories.user("link_worker", linked_schools=[school])
        child = child_at(school)
        for n in range(size):
            meeting = factories.meeting(school, dsl, chair=chair, **at(n % 20 - 5))
            factories.agenda_item(meeting, child, dsl)
            agency = browser.user.agency if role == "practitioner" else None
            factories.invitation(meeting, dsl, **({"agency": agency} if agency else {}))
            if n % 3 == 0:
                meeting.status = "cancelled"  # listed in a table of their own
        factories.term(academic_year=2020 + size)
        db.session.commit()
        browser.get("/")
        with count_queries() as statements:
            response = browser.get(f"{LIST}?term=all")
        assert response.status_code == 200
        assert len(references(response)) == min(size, 25)
        counted.append(len(statements))

    assert counted[0] == counted[1]


# ---------------------------------------------------------------- home page links


@pytest.mark.parametrize(
    ("role", "meetings", "requests"),
    [
        ("dsl", True, True),
        ("link_worker", True, True),
        ("practitioner", True, False),
        ("gp", True, False),
        ("coordinator", True, False),
        ("school_staff", False, True),
        ("admin", False, False),
    ],
)
def test_the_home_page_links_to_meetings_and_requests_for_roles_that_have_them(
    login_as, role, meetings, requests
):
    body = login_as(role).get("/").get_data(as_text=True)
    main = body[body.find("<main") :]

    assert ('href="/meetings">Meetings</a>' in main) is meetings
    assert ('href="/requests">Requests to discuss a child</a>' in main) is requests
    if meetings:
        assert login_as(role).get(LIST).status_code == 200


def test_any_query_string_gives_the_list_or_a_clear_error(login_as):
    """Garbage in every filter (NUL, lone surrogates sent as invalid UTF-8, huge numbers)."""
    coordinator = login_as("coordinator")
    factories.meeting(factories.school(), factories.user("dsl"), **at(2))
    db.session.commit()
    garbage = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        value=garbage, name=st.sampled_from(["term", "school", "cluster", "type", "agency", "page"])
    )
    @example(value="\ud800", name="school")
    @example(value="99999999999999999999999999", name="page")
    def fuzz(value, name):
        query = urlencode([(name, value.encode("utf-8", "surrogatepass"))])
        response = coordinator.get(f"{LIST}?{query}")
        assert response.status_code in (200, 400)

    fuzz()


def test_a_link_worker_is_not_shown_a_colleagues_answer_as_their_own(app):
    from tests.meetings.helpers import school_with_meeting

    setting = school_with_meeting()
    colleague = factories.user("link_worker", agency=setting.link_worker.agency)
    factories.invitation(
        setting.meeting,
        setting.dsl,
        agency=setting.link_worker.agency,
        representative=colleague,
        answer="apologies",
    )
    db.session.commit()
    browser = Visitor(app.test_client())
    assert browser.sign_in(setting.link_worker.email).status_code == 302

    listed = page_text(browser.get("/meetings"))

    assert "Apologies" not in listed
