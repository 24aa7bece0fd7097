"""Coordinators export the meetings of a school, a cluster or the district as a calendar file
and as a spreadsheet: arrangements only, never who was discussed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
import vobject
from icalendar import Calendar

from tas.extensions import db
from tas.ical import exports
from tests import factories
from tests.conftest import Visitor
from tests.pages import error_summary
from tests.plans.helpers import child_at

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
RANGE = {"starts_on": ["1", "11", "2026"], "ends_on": ["31", "12", "2026"]}


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def district(app):
    north, south = factories.cluster(name="North"), factories.cluster(name="South")
    oak = factories.school(name='=HYPERLINK("http://evil")', cluster=north)
    ash = factories.school(name="Ash Primary", cluster=north)
    elm = factories.school(name="Elm Academy", cluster=south)
    dsl = factories.user("dsl", school=oak)
    meetings = [factories.meeting(school, dsl) for school in (oak, ash, elm)]
    child = child_at(oak, first_name="Zebedee", last_name="Quartermaine", upn="A123456789012")
    factories.agenda_item(meetings[0], child, dsl, reason="Xanthippe worries")
    factories.invitation(meetings[0], dsl, attendance="attended")
    factories.meeting(  # outside the range
        ash,
        dsl,
        starts_at=datetime(2027, 2, 1, 9, 0, tzinfo=UTC),
        ends_at=datetime(2027, 2, 1, 10, 0, tzinfo=UTC),
    )
    db.session.commit()
    return {"north": north, "south": south, "meetings": meetings, "oak": oak}


def coordinator(app, **fields):
    user = factories.user("coordinator", **fields)
    db.session.commit()
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


SECRETS = ("Zebedee", "Quartermaine", "A123456789012", "Xanthippe")


def test_the_district_exports_a_calendar_file_every_program_reads(app, district):
    browser = coordinator(app, district_wide=True)

    response = browser.get("/meetings/export", query_string={**RANGE, "ics": "1"}, buffered=True)

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert (
        'filename="tas-meetings-2026-11-01-to-2026-12-31.ics"'
        in (response.headers["Content-Disposition"])
    )
    body = response.get_data()
    events = Calendar.from_ical(body).events
    assert sorted(str(event["UID"]).split("@")[0] for event in events) == sorted(
        f"tas-meeting-{meeting.id}" for meeting in district["meetings"]
    )
    assert len(list(vobject.readOne(body.decode()).vevent_list)) == 3
    for secret in SECRETS:
        assert secret.encode() not in body


def test_a_cluster_export_is_a_spreadsheet_safe_to_open(app, district):
    browser = coordinator(app, district_wide=True)
    query = {**RANGE, "cluster": str(district["north"].id), "spreadsheet": "1"}

    response = browser.get("/meetings/export", query_string=query, buffered=True)

    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Reference"] for row in rows] == [
        district["meetings"][0].reference,
        district["meetings"][1].reference,
    ]
    first = rows[0]
    assert first["School"] == '\'=HYPERLINK("http://evil")'  # never run as a formula
    assert (first["Date"], first["Starts"], first["Ends"]) == ("2026-12-02", "09:00", "10:30")
    assert (first["Invited"], first["Attended"]) == ("1", "1")
    assert first["Status"] == "Scheduled"
    for secret in SECRETS:
        assert secret not in text


def test_a_meeting_that_has_ended_is_exported_as_awaiting_minutes(app, district):
    ended = factories.meeting(
        district["oak"],
        factories.user("dsl", school=district["oak"]),
        starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 26, 10, 0, tzinfo=UTC),
    )
    db.session.commit()
    browser = coordinator(app, district_wide=True)
    query = {**RANGE, "cluster": str(district["north"].id), "spreadsheet": "1"}

    response = browser.get("/meetings/export", query_string=query, buffered=True)

    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    statuses = {row["Reference"]: row["Status"] for row in rows}
    assert statuses[ended.reference] == "Awaiting minutes"
    assert statuses[district["meetings"][0].reference] == "Scheduled"


def test_a_cluster_coordinator_exports_only_their_clusters(app, district):
    browser = coordinator(app, clusters=[district["south"]])

    response = browser.get("/meetings/export", query_string={**RANGE, "ics": "1"}, buffered=True)
    events = Calendar.from_ical(response.get_data()).events
    assert [str(e["UID"]).split("@")[0] for e in events] == [
        f"tas-meeting-{district['meetings'][2].id}"
    ]
    asked_for_other = browser.get(
        "/meetings/export", query_string={**RANGE, "school": str(district["oak"].id), "ics": "1"}
    )
    assert asked_for_other.mimetype == "text/html"
    assert error_summary(asked_for_other) == {"school": "Select a school from the list"}


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"ends_on": ["", "", ""]}, "ends_on"),
        ({"starts_on": ["31", "2", "2026"]}, "starts_on"),
        ({"ends_on": ["31", "12", "2025"]}, "ends_on"),
        ({"ends_on": ["31", "12", "2029"]}, "ends_on"),
        ({"starts_on": ["1", "11", "99999999999999999999"]}, "starts_on"),
        # The calendar's last day has no next day to export up to: once a 500.
        ({"starts_on": ["31", "12", "9999"], "ends_on": ["31", "12", "9999"]}, "ends_on"),
    ],
)
def test_bad_dates_are_explained_beside_the_field(app, district, dates, field):
    browser = coordinator(app, district_wide=True)

    response = browser.get("/meetings/export", query_string={**RANGE, **dates, "ics": "1"})

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert field in error_summary(response)


def test_both_files_stream_every_meeting_a_batch_at_a_time_with_its_counts(
    app, district, monkeypatch
):
    # Batches of two: the three meetings take two reads, and none is lost or repeated.
    monkeypatch.setattr(exports, "BATCH", 2)
    first = district["meetings"][0]
    dsl = factories.user("dsl", school=district["oak"])
    db.session.flush()
    factories.invitation(first, dsl, attendance="did_not_attend")
    factories.invitation(first, dsl, removed_at=datetime(2026, 11, 20, tzinfo=UTC))
    db.session.commit()
    browser = coordinator(app, district_wide=True)

    sheet = browser.get(
        "/meetings/export", query_string={**RANGE, "spreadsheet": "1"}, buffered=True
    )
    ics = browser.get("/meetings/export", query_string={**RANGE, "ics": "1"}, buffered=True)

    for response in (sheet, ics):
        assert response.status_code == 200
        assert "Content-Length" not in response.headers  # sent while it is written
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["Reference"] for row in rows] == [m.reference for m in district["meetings"]]
    # The removed invitation is not counted; one of the two standing ones attended.
    counts = [(row["Invited"], row["Attended"]) for row in rows]
    assert counts == [("2", "1"), ("0", "0"), ("0", "0")]
    events = Calendar.from_ical(ics.get_data()).events
    assert len(events) == 3 and len({str(event["UID"]) for event in events}) == 3


def test_only_coordinators_export(app, district, login_as):
    for role in ("dsl", "link_worker", "practitioner", "gp", "admin"):
        assert login_as(role).get("/meetings/export").status_code == 403, role


def test_the_export_costs_the_same_queries_for_few_or_many_meetings(app, district, count_queries):
    browser = coordinator(app, district_wide=True)
    query = {**RANGE, "ics": "1"}
    with count_queries() as few:
        browser.get("/meetings/export", query_string=query, buffered=True)
    oak = district["oak"]
    dsl = factories.user("dsl", school=oak)
    db.session.flush()
    for _ in range(10):
        meeting = factories.meeting(oak, dsl, chair=factories.user("link_worker"))
        factories.invitation(meeting, dsl)
    db.session.commit()
    with count_queries() as many:
        browser.get("/meetings/export", query_string=query, buffered=True)
    assert len(many) == len(few)


def test_a_second_export_shows_what_changed_since_the_first(app, district):
    """Each event's text is kept once built (tas.ical.build.event_text): a meeting moved to a
    new room, or a school renamed, reads as it is now in the next export, never as it was."""
    browser = coordinator(app, district_wide=True)
    query = {**RANGE, "ics": "1"}
    first = browser.get("/meetings/export", query_string=query, buffered=True).get_data()
    meeting = district["meetings"][1]
    meeting.location = "The new library"
    meeting.sequence += 1
    meeting.school.name = "Ash Primary and Nursery"
    db.session.commit()

    again = browser.get("/meetings/export", query_string=query, buffered=True).get_data()

    events = {str(event["UID"]): event for event in Calendar.from_ical(again).events}
    moved = events[f"tas-meeting-{meeting.id}@{app.config['CALENDAR_UID_DOMAIN']}"]
    assert str(moved["LOCATION"]) == "The new library"
    assert moved["SEQUENCE"] == meeting.sequence
    assert "Ash Primary and Nursery" in str(moved["SUMMARY"])
    assert b"The new library" not in first
    # The meetings that did not change read exactly as before.
    unchanged = district["meetings"][2]
    uid = f"tas-meeting-{unchanged.id}@".encode()
    assert _event_of(first, uid) == _event_of(again, uid)


def _event_of(body: bytes, uid: bytes) -> bytes:
    """The VEVENT text holding this UID."""
    events = body.split(b"BEGIN:VEVENT")[1:]
    return next(b"BEGIN:VEVENT" + event for event in events if uid in event)
