"""Every route of the levels, reviews, notifications, work and emails blueprints, walked from the
URL map, for people who must not see the child or change its record (issue 6, docs/security.md C13,
C14): 403 or 404 on every page about one child, review, referral, reminder, email or person; a
signed-out visitor is sent to sign in; lists may open but never show the child; nothing changes
and no change is audited. Routes added later are covered without touching this file.

Who may read what is tas.reviews.access: a GP practice has no review pages and no level page
(its access to a child is the GP summary, below READ), so nothing here is the GP's to read but
their own notifications. An administrator may see undelivered emails and reassign anyone's work
(tas.outbox.failed.may_see, access.may_reassign): for them only the child routes are walked, and
the others are opened (GET only) to check they name no child.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from itertools import product

import pytest
from sqlalchemy import func, select

from tas.audit.models import AuditEvent
from tas.children.models import Child
from tas.extensions import db
from tas.levels.models import IfdReferral, StepChange
from tas.organisations.models import User
from tas.outbox import services as outbox
from tas.outbox.models import OutboxMessage
from tas.plans.models import Action, AgencyInvolvement, SharedPlan
from tas.reminders.models import Reminder
from tas.reviews.models import Review, ReviewRule
from tests import factories
from tests.conftest import Visitor
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

PARAM = re.compile(r"<(?:(\w+)(?:\([^>]*\))?:)?(\w+)>")
BLUEPRINTS = ("levels.", "reviews.", "reminders.", "work.", "outbox.")
DENIED = {403, 404}
NAMES = ["Zebedee", "Quartermaine"]
SECRETS = [*NAMES, "Xanthippe"]  # the child's names, and a word only their record holds
# Audit events an outsider's list page may leave: it was read, nothing was changed.
READ_EVENT = re.compile(r"_(viewed|listed|opened|searched)$")
# Someone refused record after record is noted once in the audit log (tas/audit/refusals.py):
# a note about them, not a change to anything.
REFUSALS_NOTED = "repeated_refusals"
# Routes a person is entitled to (by endpoint prefix): opened with GET only, names checked.
ENTITLED = {"admin": ("outbox.", "work.")}
SENT = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    """Zebedee Quartermaine at Home school with an open plan, two referrals (one awaiting the
    IFD's decision, one decided), a step change, three open reviews, a ReviewRule override, a
    reminder sent to the DSL, a failed email, two leavers; and the outsiders."""
    home_cluster, other_cluster = factories.cluster(), factories.cluster()
    home = factories.school(cluster=home_cluster)
    other = factories.school(cluster=other_cluster)
    fim = factories.agency(service_type="future_in_mind")
    own_gp = factories.user("gp")
    dsl = factories.user("dsl", school=home)
    lead = factories.user("link_worker", linked_schools=[home])
    leaver = factories.user("practitioner", agency=fim)
    school_leaver = factories.user("school_staff", school=home)
    coordinator = factories.user("coordinator")
    people = {
        "other_dsl": factories.user("dsl", school=other),
        "staff": factories.user("school_staff", school=home),
        "practitioner": factories.user("practitioner", agency=fim),
        "other_link_worker": factories.user("link_worker", linked_schools=[other]),
        "gp": own_gp,
        "cluster_coordinator": factories.user("coordinator", clusters=[other_cluster]),
        "admin": factories.user("admin"),
    }
    db.session.flush()
    child = child_at(
        home,
        first_name="Zebedee",
        last_name="Quartermaine",
        level_of_need="early_help",
        gp_practice_id=own_gp.agency_id,
    )
    plan = factories.plan(
        child, lead_practitioner=lead, next_review_on=date(2026, 12, 4), level_of_need="early_help"
    )
    db.session.flush()
    factories.involvement(plan, agency=fim, practitioner=leaver)
    factories.action(
        plan, description="Xanthippe action", owner_kind="person", owner_user_id=leaver.id
    )
    awaiting = factories.referral(child, dsl, plan_id=plan.id)
    decided = factories.referral(
        child,
        dsl,
        marf_reference="M-2",
        status="decided",
        decision="no_further_action",
        decided_on=date(2026, 11, 24),
        feedback="Xanthippe feedback",
    )
    step = factories.step_change(child, dsl, plan_id=plan.id, reason="Xanthippe reason")
    db.session.flush()
    plan_review = factories.review(child, plan_id=plan.id, owner_id=leaver.id)
    decision_review = factories.review(
        child, kind="ifd_decision", referral_id=awaiting.id, due_on=date(2026, 11, 24)
    )
    handover = factories.review(
        child,
        kind="handover_meeting",
        step_change_id=step.id,
        due_on=date(2026, 12, 7),
        owner_id=school_leaver.id,
    )
    db.session.add(
        ReviewRule(event="plan_review", amount=4, unit="weeks", changed_by_id=coordinator.id)
    )
    db.session.flush()
    reminder = Reminder(
        target_kind="review",
        target_id=plan_review.id,
        recipient_id=dsl.id,
        kind="before_5",
        send_on=date(2026, 11, 27),
        due_on=date(2026, 12, 4),
        status="sent",
        reference="TAS-0001",
        subject="Reminder: plan review for TAS-0001 is due 4 December",
        link=f"/reviews/{plan_review.id}",
        sent_at=SENT,
    )
    message = outbox.queue([(dsl.email, "")], "Overdue: plan review for TAS-0001", "See the app.")
    message.status, message.attempts, message.last_error = "failed", 5, "550 No such user"
    db.session.add(reminder)
    db.session.commit()
    ids = {
        "child_id": [child.id],
        "referral_id": [awaiting.id, decided.id],
        "review_id": [plan_review.id, decision_review.id, handover.id],
        "reminder_id": [reminder.id],
        "message_id": [message.id],
        "user_id": [leaver.id, school_leaver.id],
    }
    insiders = {"dsl": dsl, "admin": people["admin"], "coordinator": coordinator}
    return {"people": people, "ids": ids, "insiders": insiders}


def walked_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(BLUEPRINTS)]
    endpoints = {rule.endpoint for rule in rules}
    assert {"levels.level", "reviews.review", "work.reassign", "outbox.try_again"} <= endpoints
    return sorted(rules, key=lambda rule: rule.rule)


def urls(rule, ids) -> list[str]:
    """The rule's URL for every combination of the world's ids its variables name."""
    names, choices = [], []
    for converter, name in PARAM.findall(rule.rule):
        if converter not in ("", "int") or name not in ids:
            pytest.fail(f"{rule.rule}: no id for <{converter}:{name}>: add it to the world")
        names.append(name)
        choices.append(ids[name])
    found = []
    for values in product(*choices):
        chosen = dict(zip(names, values, strict=True))
        found.append(PARAM.sub(lambda match, chosen=chosen: str(chosen[match[2]]), rule.rule))
    return found


def footprint() -> dict[str, list]:
    """Every row this domain may change, as it is now (and people's away, active, version)."""
    db.session.rollback()
    found = {}
    for model in (
        Review,
        IfdReferral,
        StepChange,
        ReviewRule,
        Reminder,
        OutboxMessage,
        Child,
        SharedPlan,
        AgencyInvolvement,
        Action,
    ):
        table = model.__table__
        rows = db.session.execute(select(table).order_by(table.c.id))
        found[table.name] = [tuple(map(repr, row)) for row in rows]
    people = db.session.execute(
        select(User.id, User.active, User.away, User.version, User.role).order_by(User.id)
    )
    found["user_account"] = [tuple(row) for row in people]
    return found


def last_event() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


def events_after(event_id: int) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.id > event_id).order_by(AuditEvent.id)
        )
    )


def assert_hidden(response, url) -> None:
    body = response.get_data(as_text=True)
    location = response.headers.get("Location", "")
    for secret in SECRETS:
        assert secret not in body, (url, response.status_code, secret)
        assert secret not in location, (url, response.status_code, secret)


def requests_for(browser, rule, url, token):
    """GET where the rule takes it, and POST (with a valid token, nothing else) where it does."""
    if "GET" in rule.methods:
        yield "GET", browser.get(url)
    if "POST" in rule.methods:
        yield "POST", browser.client.post(url, data={"csrf_token": token})


OUTSIDERS = [
    "other_dsl",  # the DSL of another school
    "staff",  # school staff at the child's school, without a grant
    "practitioner",  # of the leaver's agency, not on the plan, not a safeguarding lead
    "other_link_worker",  # linked to another school only
    "gp",  # the child's own GP practice (GP summary only)
    "cluster_coordinator",  # of another cluster, no reason recorded
    "admin",
    "anonymous",
]


@pytest.mark.parametrize("person", OUTSIDERS)
def test_no_route_shows_the_child_or_changes_anything_for_an_outsider(app, world, person):
    browser = Visitor(app.test_client())
    if person == "anonymous":
        token = browser.token("/sign-in")
    else:
        assert browser.sign_in(world["people"][person].email).status_code == 302
        token = browser.token("/account")
    before, since = footprint(), last_event()
    walked = 0

    for rule in walked_rules(app):
        entitled = rule.endpoint.startswith(ENTITLED.get(person, ()))
        for url in urls(rule, world["ids"]):
            if entitled:
                if "GET" in rule.methods:
                    response = browser.get(url)
                    assert response.status_code < 500, (url, response.status_code)
                    assert_hidden(response, url)
                continue
            for method, response in requests_for(browser, rule, url, token):
                walked += 1
                seen = (method, url, response.status_code)
                if person == "anonymous":
                    assert response.status_code == 302, seen
                    assert response.headers["Location"].startswith("/sign-in"), seen
                elif rule.arguments:
                    assert response.status_code in DENIED, seen
                else:  # lists and forms of one's own: may open, never show the child
                    assert response.status_code < 500, seen
                assert_hidden(response, url)
                assert footprint() == before, seen
                events = [e for e in events_after(since) if e != REFUSALS_NOTED]
                if rule.arguments:
                    assert events == [], (seen, events)
                assert [e for e in events if not READ_EVENT.search(e)] == [], (seen, events)
                since = last_event()
    assert walked >= 20


def test_insiders_reach_every_route_with_the_same_ids(app, world):
    """The control: the ids the outsiders were refused on are the right ones. The DSL opens
    every child route (and sees the child's name on the level page), marks their reminder read;
    an administrator opens the reassign pages and sends the failed email again."""
    insiders = world["insiders"]
    dsl, admin = Visitor(app.test_client()), Visitor(app.test_client())
    assert dsl.sign_in(insiders["dsl"].email).status_code == 302
    assert admin.sign_in(insiders["admin"].email).status_code == 302
    reminder_id = world["ids"]["reminder_id"][0]
    message_id = world["ids"]["message_id"][0]

    for rule in walked_rules(app):
        if not rule.arguments:
            continue
        browser = admin if rule.endpoint.startswith(("outbox.", "work.")) else dsl
        for url in urls(rule, world["ids"]):
            if "GET" in rule.methods:
                assert browser.get(url).status_code in (200, 302), url
            elif rule.endpoint == "reminders.mark_read":
                assert dsl.submit(url, page="/notifications").status_code == 302
            elif rule.endpoint == "outbox.try_again":
                assert admin.submit(url, page="/emails/failed").status_code == 302
            else:
                pytest.fail(f"{rule.rule}: add a control for this POST-only route")

    page = dsl.get(f"/children/{world['ids']['child_id'][0]}/level")
    assert NAMES[0] in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Reminder, reminder_id).read_at is not None
    assert db.session.get(OutboxMessage, message_id).status == "pending"
