"""No page runs more SQL statements as the data grows (issue 13).

Every GET route in the URL map is visited with the demo partnership loaded once (scale 1) and
then twice over (scale 2: a copy of every table with distinct names, tas.demo.copies, so every
list the demo accounts see doubles), and the day's reminders sent (the notifications pages),
signed in as a demo account that may see the page; the statements it runs are counted at each
size. A page whose count grows with the data runs a query per row it shows: load the rows it
lists in one query (joinedload, selectinload) instead. (A page that did extra work on its first
visit would count more at scale 1, hiding as much growth; none does today: the counts of a first
and a second visit are the same.)

No page runs more than MOST statements either.

A new GET route fails this test until it is walked (tests/statement_routes.py ROUTES) or listed
there with why the demo data cannot reach it (UNREACHABLE)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tas.auth.feed_links import make_link
from tas.children.models import Child, FamilyMember, LawfulBasis
from tas.core.clock import utcnow
from tas.demo import loading as demo
from tas.demo.children import children_of
from tas.extensions import db
from tas.jobs import run_pass
from tas.levels.models import IfdReferral
from tas.meetings.models import AgendaItem, Invitation, Meeting, TasRequest, Term
from tas.organisations.models import Agency, Cluster, School, User
from tas.plans.models import Action, AgencyInvolvement, GpNotification, Outcome, SharedPlan
from tas.reviews.models import Review
from tas.voice.models import VoiceEntry
from tests.database import SAVEPOINT
from tests.statement_routes import ACCOUNTS, DEFAULTS, ROUTES, UNREACHABLE

SMALL, LARGE = 1, 2
MOST = 20  # statements on any page, at any size (issue 14)
MOMENT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # a Friday in term: reminders go out
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class DemoRows:
    """The demo rows the URLs name (the first copy's), found once the demo is loaded."""

    def __init__(self) -> None:
        children = children_of()
        self.mia, self.leo = children["Mia Hughes"], children["Leo Price"]
        self.ruby, self.ellie = children["Ruby Clarke"], children["Ellie Robinson"]
        self.mia_plan = self._plan(self.mia, "open")
        self.ruby_plan = self._plan(self.ruby, "open")
        self.ellie_closed_plan = self._plan(self.ellie, "closed")
        self.mia_action = self._first(Action, Action.plan_id == self.mia_plan.id)
        self.mia_involvement = self._first(
            AgencyInvolvement, AgencyInvolvement.plan_id == self.mia_plan.id
        )
        self.mia_outcome = self._first(Outcome, Outcome.plan_id == self.mia_plan.id)
        self.mia_parent = self._first(FamilyMember, FamilyMember.child_id == self.mia.id)
        self.leo_referral = self._first(IfdReferral, IfdReferral.child_id == self.leo.id)
        self.ruby_referral = self._first(IfdReferral, IfdReferral.child_id == self.ruby.id)
        oakfield = Meeting.school.has(School.name == "Oakfield Primary")
        self.held_meeting = self._first(Meeting, oakfield, Meeting.status == "held")
        self.held_item = self._item(self.held_meeting)
        now = utcnow()
        overdue = Meeting.held_at.is_(None) & (Meeting.ends_at < now)
        self.overdue_meeting = self._first(Meeting, Meeting.status == "scheduled", overdue)
        self.overdue_item = self._item(self.overdue_meeting)
        upcoming = Meeting.status == "scheduled", Meeting.starts_at > now, oakfield
        self.upcoming_meeting = self._first(Meeting, *upcoming, Meeting.kind == "tas")
        self.upcoming_item = self._item(self.upcoming_meeting)
        self.upcoming_invitation = self._first(
            Invitation, Invitation.meeting_id == self.upcoming_meeting.id
        )
        self.oakfield = self._first(School, School.name == "Oakfield Primary")
        self.agency = self._first(Agency, Agency.name == "Westgate Surgery")
        self.cluster = self._first(Cluster, Cluster.name == "Wakefield North")
        self.link_worker = self._first(User, User.email == ACCOUNTS["link worker"])
        self.term = self._first(Term)
        self.request = self._first(TasRequest, TasRequest.status == "awaiting_triage")
        self.review = self._first(Review, Review.plan_id == self.mia_plan.id)
        self.toolkit_kind = "neglect_toolkit"
        self.mia_concern = self._first(
            VoiceEntry, VoiceEntry.child_id == self.mia.id, VoiceEntry.raises_concern
        )
        self.lawful_basis = self._first(LawfulBasis)
        self.gp_notification = self._first(
            GpNotification, GpNotification.gp_practice_id == self.agency.id
        )
        self.feed_token = make_link(self.link_worker)  # through the account page's use case

    @staticmethod
    def _first(model, *conditions):
        found = db.session.scalars(select(model).where(*conditions).order_by(model.id)).first()
        assert found is not None, f"no demo {model.__name__}"
        return found

    def _plan(self, child: Child, status: str) -> SharedPlan:
        return self._first(SharedPlan, SharedPlan.child_id == child.id, SharedPlan.status == status)

    def _item(self, meeting: Meeting) -> AgendaItem:
        return self._first(
            AgendaItem, AgendaItem.meeting_id == meeting.id, AgendaItem.child_id.is_not(None)
        )

    def value(self, name: str):
        row = getattr(self, name)
        return row if isinstance(row, str) else row.id


def urls(app: Flask, rows: DemoRows) -> dict[str, str]:
    """Each walked route's URL, its variables filled from the demo rows."""
    found = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in ROUTES:
                chosen = {**DEFAULTS, **ROUTES[rule.endpoint].rows}
                values = {name: rows.value(chosen[name]) for name in rule.arguments}
                found[rule.endpoint] = url_for(rule.endpoint, **values)
    return found


def browsers(app: Flask) -> dict[str, FlaskClient]:
    """A client signed in as each demo account, and one signed out ("anyone")."""
    signed_in = {"anyone": app.test_client()}
    for who, email in ACCOUNTS.items():
        client = app.test_client()
        token = CSRF.search(client.get("/sign-in").get_data(as_text=True)).group(1)
        form = {"csrf_token": token, "email": email, "password": demo.DEMO_PASSWORD}
        assert client.post("/sign-in", data=form).status_code == 302, who
        signed_in[who] = client
    return signed_in


def counted(client: FlaskClient, url: str) -> tuple[int, int]:
    """The page's status and how many SQL statements it ran."""
    statements = []

    def count(_conn, _cursor, statement, *_args) -> None:
        # Not the savepoints the test's transaction takes (tests/database.py): the app's own
        # requests begin and end plain transactions.
        if not SAVEPOINT.match(statement.strip()):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        status = client.get(url).status_code
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return status, len(statements)


def walk(clients: dict[str, FlaskClient], pages: dict[str, str]) -> dict[tuple, tuple[int, int]]:
    """Each page's status and statement count, by (endpoint, who visited)."""
    return {
        (endpoint, who): counted(clients[who], url)
        for endpoint, url in pages.items()
        for who in ROUTES[endpoint].visitors
    }


def loaded(scale: int) -> None:
    """The demo at this scale, and the day's reminders of it (the notifications pages)."""
    demo.load(scale=scale)
    run_pass()


def test_no_page_runs_more_statements_when_the_demo_is_twice_as_large(app, monkeypatch):
    monkeypatch.setitem(app.config, "CALENDAR_FEEDS", True)  # the feed is walked too
    # The clock stands still: the same pages on any day, and no session marked as seen again
    # partway (once a minute, tas.auth.services.user_for_session), which is not the data growing.
    with time_machine.travel(MOMENT, tick=False):
        loaded(SMALL)
        pages = urls(app, DemoRows())
        clients = browsers(app)
        small = walk(clients, pages)
        loaded(LARGE)
        large = walk(clients, pages)

    for counts in (small, large):
        statuses = {visit: status for visit, (status, _) in counts.items()}
        assert statuses == {visit: ROUTES[visit[0]].status for visit in small}
    grown = {
        f"{endpoint} as {who}": f"{small[endpoint, who][1]} statements at scale {SMALL}, "
        f"{large[endpoint, who][1]} at {LARGE}"
        for endpoint, who in small
        if large[endpoint, who][1] > small[endpoint, who][1]
    }
    assert grown == {}
    over = {
        f"{endpoint} as {who}": statements
        for (endpoint, who), (_, statements) in large.items()
        if statements > MOST
    }
    assert over == {}


def test_every_get_route_is_walked_or_says_why_not(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}

    assert sorted(routes - ROUTES.keys() - UNREACHABLE.keys()) == []  # walk it, or say why not
    assert sorted((ROUTES.keys() | UNREACHABLE.keys()) - routes) == []  # gone: take it out
    assert sorted(ROUTES.keys() & UNREACHABLE.keys()) == []
