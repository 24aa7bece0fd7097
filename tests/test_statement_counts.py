"""No page runs more SQL statements as the data grows (issue 13).

Every GET route in the URL map is visited with the demo partnership loaded once (scale 1) and
then twice over (scale 2: a copy of every table with distinct names, tas.demo.copies, so every
list the demo accounts see doubles), and the day's reminders sent (the notifications pages),
signed in as a demo account that may see the page; the statements it runs are counted at each
size. A page whose count grows with the data runs a query per row it shows: load the rows it
lists in one query (joinedload, selectinload) instead. (A page that did extra work on its first
visit would count more at scale 1, hiding as much growth; none does today: the counts of a first
and a second visit are the same.)

A new GET route fails this test until it is walked here (ROUTES) or listed, with why it cannot
be reached with the demo data (UNREACHABLE)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import time_machine
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tas.children.models import Child, FamilyMember, LawfulBasis
from tas.core.clock import utcnow
from tas.demo import loading as demo
from tas.demo.children import children_of
from tas.extensions import db
from tas.ical.feeds import make_link
from tas.meetings.models import AgendaItem, Invitation, Meeting, TasRequest, Term
from tas.organisations.models import Agency, Cluster, School, User
from tas.plans.models import Action, AgencyInvolvement, GpNotification, Outcome, SharedPlan
from tas.reminders.services import run_pass
from tas.reviews.models import IfdReferral, Review

SMALL, LARGE = 1, 2
MOMENT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # a Friday in term: reminders go out
ACCOUNTS = {
    "admin": "admin@demo.tas.test",
    "coordinator": "coordinator@demo.tas.test",
    "dsl": "dsl@oakfield.demo.tas.test",
    "link worker": "linkworker@demo.tas.test",
    "practitioner": "fim@demo.tas.test",
    "gp": "gp@demo.tas.test",
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Visit:
    """Who visits the page ("anyone": signed out; a list page shows each role its own rows, so
    several may visit), which demo rows fill its URL variables where they differ from DEFAULTS
    (a variable -> a row of DemoRows), and the status it answers."""

    who: str | tuple[str, ...]
    rows: dict[str, str] = field(default_factory=dict)
    status: int = 200

    @property
    def visitors(self) -> tuple[str, ...]:
        return (self.who,) if isinstance(self.who, str) else self.who


# The demo rows a URL variable names unless the route says otherwise: Mia Hughes (Oakfield) and
# her plan, and the first held Oakfield meeting.
DEFAULTS = {
    "child_id": "mia",
    "plan_id": "mia_plan",
    "action_id": "mia_action",
    "involvement_id": "mia_involvement",
    "outcome_id": "mia_outcome",
    "member_id": "mia_parent",
    "meeting_id": "held_meeting",
    "item_id": "held_item",
    "school_id": "oakfield",
    "agency_id": "agency",
    "cluster_id": "cluster",
    "user_id": "link_worker",
    "term_id": "term",
    "request_id": "request",
    "review_id": "review",
    "basis_id": "lawful_basis",
    "notification_id": "gp_notification",
    "token": "feed_token",
}
LEO_REFERRAL = {"child_id": "leo", "referral_id": "leo_referral"}  # awaiting the IFD's decision
RUBY_REFERRAL = {"child_id": "ruby", "referral_id": "ruby_referral"}  # decided
OVERDUE = {"meeting_id": "overdue_meeting", "item_id": "overdue_item"}  # minutes still to write
UPCOMING = {"meeting_id": "upcoming_meeting", "invitation_id": "upcoming_invitation"}

ROUTES = {
    "pages.home": Visit("link worker"),
    "pages.accessibility": Visit("anyone"),
    "pages.cookies": Visit("anyone"),
    "pages.privacy": Visit("anyone"),
    "pages.healthz": Visit("anyone"),
    "auth.sign_in": Visit("anyone"),
    "auth.password_reset": Visit("anyone"),
    "auth.password_reset_sent": Visit("anyone"),
    "auth.account": Visit("link worker"),
    "auth.reminders": Visit("link worker"),
    "organisations.agencies": Visit("admin"),
    "organisations.agency_change": Visit("admin"),
    "organisations.agency_add": Visit("admin"),
    "organisations.clusters": Visit("admin"),
    "organisations.cluster_change": Visit("admin"),
    "organisations.cluster_add": Visit("admin"),
    "organisations.schools": Visit("admin"),
    "organisations.school_change": Visit("admin"),
    "organisations.school_add": Visit("admin"),
    "organisations.users": Visit("admin"),
    "organisations.user_change": Visit("admin"),
    "organisations.user_add": Visit("admin"),
    "audit.repeated_refusals": Visit("coordinator"),
    "emails.failed": Visit("coordinator"),
    "work.people": Visit("dsl"),
    "work.reassign": Visit("admin"),
    "calendar.feed": Visit("anyone"),
    "calendar.export": Visit("coordinator"),
    "calendar.meeting_ics": Visit("link worker"),
    "children.children": Visit(("dsl", "link worker", "gp")),
    "children.add": Visit("link worker"),
    "children.record_checks": Visit("coordinator"),
    "children.child": Visit("link worker"),
    "children.reason": Visit("coordinator"),
    "children.change": Visit("link worker"),
    "children.move": Visit("link worker"),
    "children.staff": Visit("dsl"),
    "children.agreement": Visit("link worker"),
    "children.agreement_new": Visit("link worker"),
    "children.agreement_withdraw": Visit("link worker"),
    "children.sharing_decisions": Visit("link worker"),
    "children.sharing_decision_new": Visit("link worker"),
    "children.family": Visit("link worker"),
    "children.member_change": Visit("link worker"),
    "children.member_add": Visit("link worker"),
    "children.lives_with": Visit("link worker"),
    "children.siblings": Visit("link worker"),
    "levels.level": Visit("link worker"),
    "levels.handover": Visit("link worker", {"child_id": "ruby"}),
    "levels.refer": Visit("link worker"),
    "levels.decision": Visit("dsl", LEO_REFERRAL),
    "levels.disagreement": Visit("dsl", RUBY_REFERRAL),
    "levels.social_worker": Visit("link worker"),
    "levels.step_up": Visit("link worker"),
    "levels.step_down": Visit("link worker"),
    "plans.start": Visit("link worker"),
    "plans.plan": Visit("link worker"),
    "plans.change": Visit("link worker"),
    "plans.close": Visit("link worker"),
    "plans.closure_letter": Visit(
        "link worker", {"child_id": "ellie", "plan_id": "ellie_closed_plan"}
    ),
    "plans.action": Visit("link worker"),
    "plans.action_add": Visit("link worker"),
    "plans.action_change": Visit("link worker"),
    "plans.involvement": Visit("link worker"),
    "plans.involvement_add": Visit("link worker"),
    "plans.involvement_change": Visit("link worker"),
    "plans.outcome_add": Visit("link worker"),
    "plans.score_add": Visit("link worker"),
    "plans.gp_notification": Visit("link worker"),
    # The form is sent from the notification page: a GET goes back there.
    "plans.gp_notification_record": Visit(
        "link worker", {"child_id": "ruby", "plan_id": "ruby_plan"}, status=302
    ),
    "gp.missing": Visit(("dsl", "link worker", "coordinator")),
    "gp.notifications": Visit("gp"),
    "gp.reply": Visit("gp"),
    "meetings.meetings": Visit(("dsl", "link worker", "practitioner", "coordinator")),
    "meetings.new_meeting": Visit("link worker"),
    "meetings.new_series": Visit("link worker"),
    "meetings.saved_rooms": Visit("dsl"),
    "meetings.default_agencies": Visit("dsl"),
    "meetings.term_dates": Visit("coordinator"),
    "meetings.term_add": Visit("coordinator"),
    "meetings.term_change": Visit("coordinator"),
    "meetings.meeting": Visit("link worker"),
    "meetings.move_meeting": Visit("dsl", UPCOMING),
    "meetings.cancel_meeting": Visit("dsl", UPCOMING),
    "meetings.agenda_manage": Visit("dsl", UPCOMING),
    "meetings.agenda_add_child": Visit("dsl", UPCOMING),
    "meetings.agenda_remove": Visit("dsl", {**UPCOMING, "item_id": "upcoming_item"}),
    "meetings.agenda_slot": Visit("dsl", {**UPCOMING, "item_id": "upcoming_item"}),
    "meetings.invitation_add": Visit("dsl", UPCOMING),
    "meetings.invitation_remove": Visit("dsl", UPCOMING),
    "meetings.invitation_answer": Visit("practitioner", UPCOMING),
    "meetings.present": Visit("link worker", OVERDUE),
    "meetings.attendance": Visit("link worker", OVERDUE),
    "meetings.uninvited_add": Visit("link worker", OVERDUE),
    "meetings.minutes": Visit("link worker"),
    "meetings.minutes_action_add": Visit("link worker", OVERDUE),
    "meetings.minutes_complete": Visit("link worker", OVERDUE),
    "meetings.family_version": Visit("link worker"),
    "requests.requests": Visit("link worker"),
    "requests.new": Visit("dsl"),
    "requests.consultation_new": Visit("dsl"),
    "requests.ifd": Visit("dsl"),
    "requests.request_page": Visit("link worker"),
    "requests.withdraw": Visit("dsl"),
    "reviews.reviews": Visit(("dsl", "link worker", "coordinator")),
    "reviews.review": Visit("link worker"),
    "reviews.complete": Visit("link worker"),
    "reviews.rules": Visit("coordinator"),
    "sharing.lawful_bases": Visit("coordinator"),
    "sharing.lawful_basis_add": Visit("coordinator"),
    "sharing.lawful_basis_change": Visit("coordinator"),
    "notifications.notifications": Visit("link worker"),
}
UNREACHABLE = {
    "static": "a file from the static folder: no database",
    "auth.password_link": "its token is emailed once and only its hash is kept",
    "children.record_check": "no demo child has a record check (none asked to check numbers)",
    "meetings.series": "the demo books no series of meetings",
    "meetings.close_decision": (
        "the demo has no open decision: its minutes are history (tas.demo.meeting_day)"
    ),
    "meetings.minutes_plan_start": "every child on a demo agenda has an open plan already",
}


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

    def count(*_args) -> None:
        statements.append(1)

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


def test_every_get_route_is_walked_or_says_why_not(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}

    assert sorted(routes - ROUTES.keys() - UNREACHABLE.keys()) == []  # walk it, or say why not
    assert sorted((ROUTES.keys() | UNREACHABLE.keys()) - routes) == []  # gone: take it out
    assert sorted(ROUTES.keys() & UNREACHABLE.keys()) == []
