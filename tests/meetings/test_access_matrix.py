"""Every meetings and requests route, walked from the URL map, for people who must not see a
meeting's children or change it (issue 4, docs/security.md C13, C14): 403 or 404 on every page about
one meeting or request, no child's name or minutes anywhere (lists included), nothing changed.
Routes added later are covered without touching this file.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingChange,
    MeetingSeries,
    SchoolRoom,
    TasRequest,
    UninvitedAttendee,
)
from tas.plans.models import Action
from tests import factories
from tests.conftest import Visitor
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

PARAM = re.compile(r"<(?:(\w+)(?:\([^>]*\))?:)?(\w+)>")
DENIED = {403, 404, 405}
# Term dates are the partnership's calendar, not anyone's record: their own tests cover them.
OPEN_TO_ALL = re.compile(r"^/meetings/terms")
ROW_KINDS = (
    ("invitation", "invitation"),
    ("attendee", "attendee"),
    ("item", "item"),
    ("request", "request"),
    ("series", "series"),
    ("room", "room"),
    ("school", "school"),
    ("meeting", "meeting"),
)
SECRETS = ["Zebedee", "Quartermaine", "Xanthippe worries", "Xanthippe reason"]


@pytest.fixture
def world(app):
    home_cluster, other_cluster = factories.cluster(), factories.cluster()
    home = factories.school(cluster=home_cluster)
    other = factories.school(cluster=other_cluster)
    fim = factories.agency(service_type="future_in_mind")
    dsl = factories.user("dsl", school=home)
    people = {
        "other_dsl": factories.user("dsl", school=other),
        "staff": factories.user("school_staff", school=home),
        "other_link_worker": factories.user("link_worker", linked_schools=[other]),
        "uninvited": factories.user("practitioner"),
        "gp": factories.user("gp"),
        "cluster_coordinator": factories.user("coordinator", clusters=[other_cluster]),
        "admin": factories.user("admin"),
        "invited_long_ago": factories.user("practitioner", agency=fim),
    }
    child = child_at(home, first_name="Zebedee", last_name="Quartermaine")
    meeting = factories.meeting(home, dsl)
    item = factories.agenda_item(
        meeting, child, dsl, reason="Xanthippe reason", worries="Xanthippe worries"
    )
    invitation = factories.invitation(meeting, dsl, agency=fim)
    old = factories.meeting(
        home,
        dsl,
        status="held",
        starts_at=datetime(2026, 9, 9, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 9, 9, 10, 0, tzinfo=UTC),
    )
    factories.agenda_item(old, child, dsl, reason="Xanthippe reason", worries="Xanthippe worries")
    factories.invitation(old, dsl, agency=fim)
    db.session.flush()
    series = MeetingSeries(
        school_id=home.id, kind="tas", pattern="every_n_weeks", settings={}, created_by_id=dsl.id
    )
    attendee = UninvitedAttendee(meeting_id=meeting.id, name="Visitor", recorded_by_id=dsl.id)
    room = SchoolRoom(school_id=home.id, name="Quiet room", added_by_id=dsl.id)
    db.session.add_all([series, attendee, room])
    db.session.flush()
    request = factories.tas_request(child, dsl, reason="Xanthippe reason")
    db.session.commit()
    rows = {
        "meeting": meeting.id,
        "item": item.id,
        "invitation": invitation.id,
        "request": request.id,
        "series": series.id,
        "school": home.id,
        "attendee": attendee.id,
        "room": room.id,
    }
    return {"people": people, "rows": rows, "old": old.id}


def meeting_rules(app):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/meetings", "/requests")) and not OPEN_TO_ALL.match(rule.rule)
    ]
    assert any(rule.rule == "/meetings/<int:meeting_id>" for rule in rules)
    return rules


def build(rule, rows, meeting_id) -> str:
    def fill(match):
        converter, name = match.group(1), match.group(2)
        if converter not in (None, "int"):
            return "1"
        if name == "meeting_id":
            return str(meeting_id)
        kind = next((kind for word, kind in ROW_KINDS if word in name), None)
        return str(rows.get(kind, 1))

    return PARAM.sub(fill, rule.rule)


def footprint() -> list:
    """Every meeting-side row and every action, as it is now."""
    db.session.rollback()
    found = []
    for model in (
        Meeting,
        AgendaItem,
        Invitation,
        MeetingChange,
        MeetingSeries,
        TasRequest,
        UninvitedAttendee,
        SchoolRoom,
        Action,
    ):
        table = model.__table__
        found.append(sorted(tuple(map(repr, row)) for row in db.session.execute(select(table))))
    return found


def assert_hidden(response, url, allowed=DENIED):
    assert response.status_code in allowed, (url, response.status_code)
    body = response.get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in body, (url, secret)
        assert secret not in response.headers.get("Location", ""), (url, secret)


@pytest.mark.parametrize(
    "person",
    [
        "other_dsl",
        "staff",
        "other_link_worker",
        "uninvited",
        "gp",
        "cluster_coordinator",
        "admin",
        "invited_long_ago",
    ],
)
def test_no_meeting_route_shows_or_changes_what_the_person_may_not_see(app, world, person):
    user = world["people"][person]
    rows = world["rows"]
    before = footprint()
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    token = browser.token("/account")
    posted = {"csrf_token": token, "meeting": str(rows["meeting"]), "child": "1"}

    for rule in meeting_rules(app):
        if not rule.arguments:  # lists and new-record forms: may open, never show the children
            url = rule.rule
            assert_hidden(browser.get(url), url, allowed=range(200, 500))
            continue
        # The invited-long-ago practitioner is tested on the meeting that ended in September.
        meeting_id = world["old"] if person == "invited_long_ago" else rows["meeting"]
        url = build(rule, rows, meeting_id)
        for response in (browser.get(url), browser.client.post(url, data=posted)):
            assert_hidden(response, url)

    assert footprint() == before


def test_the_invited_practitioner_sees_the_agenda_but_not_the_childs_record(app, world):
    fim = world["people"]["invited_long_ago"].agency
    fim_colleague = factories.user("practitioner", agency=fim)
    db.session.commit()
    browser = Visitor(app.test_client())
    assert browser.sign_in(fim_colleague.email).status_code == 302
    rows = world["rows"]

    page = browser.get(f"/meetings/{rows['meeting']}")
    assert page.status_code == 200
    assert "Zebedee" in page.get_data(as_text=True)
    child_id = db.session.get(AgendaItem, rows["item"]).child_id
    assert browser.get(f"/children/{child_id}").status_code == 404
