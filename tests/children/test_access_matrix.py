"""Every child route, walked from the URL map, for people who must not see the child (issue 3,
docs/security.md C13, C14): 403 or 404, no name, no NHS number, nothing else of the record, nothing
changed. Routes added later are covered without touching this file.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import NamedTuple

import pytest
from sqlalchemy import func, or_, select

from tas.children.models import (
    Agreement,
    Child,
    CoordinatorAccess,
    FamilyMember,
    FileTransfer,
    LawfulBasis,
    SchoolMove,
    SharingDecision,
    SiblingLink,
    StaffGrant,
)
from tas.core.clock import utcnow
from tas.extensions import db
from tas.organisations.models import User
from tas.plans.models import (
    Action,
    ActionEvent,
    AgencyInvolvement,
    EngagementUpdate,
    GpNotification,
    Outcome,
    OutcomeScore,
    SharedPlan,
)
from tests import factories
from tests.conftest import Visitor

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

PARAM = re.compile(r"<(?:(\w+)(?:\([^>]*\))?:)?(\w+)>")
DENIED = {403, 404}
NOT_ALLOWED = 405
# A coordinator records a reason *before* they may see the record: such a page may answer them.
REASON_ROUTE = re.compile(r"reason|coordinator", re.I)
# Which row of the child's record an id parameter names, by a word in the parameter's name.
ROW_KINDS = (
    ("sibling", "sibling"),
    ("involvement", "involvement"),
    ("engagement", "engagement_update"),
    ("update", "engagement_update"),
    ("event", "action_event"),
    ("action", "action"),
    ("score", "score"),
    ("outcome", "outcome"),
    ("plan", "plan"),
    ("agreement", "agreement"),
    ("consent", "agreement"),
    ("decision", "sharing_decision"),
    ("sharing", "sharing_decision"),
    ("notification", "gp_notification"),
    ("transfer", "transfer"),
    ("move", "move"),
    ("grant", "grant"),
    ("access", "coordinator_access"),
    ("member", "family_member"),
    ("family", "family_member"),
    ("parent", "family_member"),
    ("carer", "family_member"),
    ("person", "family_member"),
)


class Known(NamedTuple):
    """A child's rows by kind, and the words only their record contains."""

    rows: dict[str, int]
    names: list[str]  # first and last name (and a sibling's first name)
    details: list[str]  # NHS number, written both ways, and the word in every other row

    @property
    def secrets(self) -> list[str]:
        return self.names + self.details


def nhs_number(first_nine: str) -> str:
    """A valid NHS number: the nine digits and their modulus-11 check digit."""
    total = sum(int(digit) * (10 - i) for i, digit in enumerate(first_nine))
    check = (11 - total % 11) % 11
    assert check != 10, first_nine
    return first_nine + str(check)


def child_record(tag, *, school, gp, agency, practitioner, lead, asked_by, basis, nhs, names):
    """A child with every kind of row a route may name, each carrying a word unique to them."""
    first, last = names
    child = factories.child(
        first_name=first, last_name=last, school=school, gp_practice=gp, nhs_number=nhs
    )
    db.session.flush()
    parent = factories.family_member(child, name=f"{tag}mother {last}", contact=f"{tag}@x.test")
    factories.family_member(
        child,
        name=f"{tag}father",
        relationship_to_child="Father",
        parental_responsibility=False,
        safe_contact_warning=f"{tag} do not contact",
    )
    db.session.flush()
    agreement = factories.agreement(child, asked_by, agreed_by=parent, agencies=[agency])
    decision = SharingDecision(
        child_id=child.id,
        shared=True,
        lawful_basis=basis,
        reasons=f"{tag} reasons",
        decided_by_id=asked_by.id,
    )
    plan = factories.plan(child, lead_practitioner=lead)
    db.session.add(decision)
    db.session.flush()
    outcome = Outcome(plan_id=plan.id, statement=f"{tag} outcome")
    involvement = factories.involvement(
        plan, agency=agency, practitioner=practitioner, summary=f"{tag} summary"
    )
    db.session.add(outcome)
    db.session.flush()
    action = factories.action(
        plan, description=f"{tag} action", owner_agency_id=agency.id, involvement_id=involvement.id
    )
    factories.action(
        plan, description=f"{tag} parent", owner_kind="family_member", owner_family_member=parent
    )
    former = factories.school()
    move = SchoolMove(
        child_id=child.id,
        from_school=former,
        to_school=school,
        read_only_until=utcnow() - timedelta(days=400),
    )
    score = OutcomeScore(
        outcome_id=outcome.id, score=4, scored_on=date(2026, 9, 20), recorded_by_id=lead.id
    )
    db.session.add_all([move, score])
    db.session.flush()
    rows = {
        "child": child.id,
        "agreement": agreement.id,
        "sharing_decision": decision.id,
        "plan": plan.id,
        "outcome": outcome.id,
        "score": score.id,
        "involvement": involvement.id,
        "action": action.id,
        "family_member": parent.id,
        "move": move.id,
    }
    extra = {
        "engagement_update": EngagementUpdate(
            involvement_id=involvement.id,
            recorded_on=date(2026, 9, 20),
            child_engagement="good",
            parent_engagement="partial",
            note=f"{tag} engagement",
            recorded_by_id=asked_by.id,
        ),
        "action_event": ActionEvent(action_id=action.id, by_id=asked_by.id, changes={"s": tag}),
        "gp_notification": GpNotification(
            plan_id=plan.id, gp_practice_id=gp.id, due_on=date(2026, 9, 15), sent_at=utcnow()
        ),
        "transfer": FileTransfer(move_id=move.id, due_on=date(2026, 9, 1)),
    }
    db.session.add_all(extra.values())
    db.session.flush()
    rows.update({kind: row.id for kind, row in extra.items()})
    return Known(rows, [first, last], [nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", tag])


@pytest.fixture
def world(app):
    """Zebedee and Ottoline (withdrawn) at Home school, Alder at Other school, and the people."""
    home_cluster, other_cluster = factories.cluster(), factories.cluster()
    home = factories.school(cluster=home_cluster)
    other = factories.school(cluster=other_cluster)
    fim = factories.agency(service_type="future_in_mind")
    people = {
        "home_dsl": factories.user(role="dsl", school=home),
        "lead": factories.user(role="link_worker", linked_schools=[home]),
        "named": factories.user(role="practitioner", agency=fim),
        "withdrawn_practitioner": factories.user(role="practitioner", agency=fim),
        "gp": factories.user(role="gp"),
        "other_dsl": factories.user(role="dsl", school=other),
        "staff": factories.user(role="school_staff", school=home),
        "revoked_staff": factories.user(role="school_staff", school=home),
        "other_link_worker": factories.user(role="link_worker", linked_schools=[other]),
        "colleague": factories.user(role="practitioner", agency=fim),
        "fim_lead": factories.user(role="practitioner", agency=fim, is_safeguarding_lead=True),
        "other_gp": factories.user(role="gp"),
        "coordinator": factories.user(role="coordinator", district_wide=True),
        "cluster_coordinator": factories.user(role="coordinator", clusters=[other_cluster]),
        "admin": factories.user(role="admin"),
    }
    basis = LawfulBasis(name="Public task")
    db.session.add(basis)
    db.session.flush()
    common = {"agency": fim, "lead": people["lead"], "asked_by": people["home_dsl"], "basis": basis}
    zebedee = child_record(
        "Xanthippe",
        school=home,
        gp=people["gp"].agency,
        practitioner=people["named"],
        nhs=nhs_number("999000001"),
        names=("Zebedee", "Quartermaine"),
        **common,
    )
    ottoline = child_record(
        "Yarrowby",
        school=home,
        gp=people["gp"].agency,
        practitioner=people["withdrawn_practitioner"],
        nhs=nhs_number("999000002"),
        names=("Ottoline", "Fairweather-Brisk"),
        **common,
    )
    alder = child_record(
        "Alderney",
        school=other,
        gp=people["other_gp"].agency,
        practitioner=people["colleague"],
        nhs=nhs_number("999000003"),
        names=("Alder", "Ombudsley"),
        **{**common, "asked_by": people["other_dsl"]},
    )
    sibling = factories.child(first_name="Marigold", last_name="Quartermaine", school=home)
    db.session.flush()
    db.session.add_all(
        [
            SiblingLink(child_id=zebedee.rows["child"], sibling_id=sibling.id),
            StaffGrant(
                child_id=zebedee.rows["child"],
                user=people["revoked_staff"],
                granted_by_id=people["home_dsl"].id,
                revoked_at=utcnow(),
            ),
            CoordinatorAccess(
                child_id=zebedee.rows["child"],
                user_id=people["cluster_coordinator"].id,
                reason="Outside my clusters",
                expires_at=utcnow() + timedelta(hours=8),
            ),
        ]
    )
    db.session.flush()
    zebedee.names.append("Marigold")
    zebedee.rows.update(
        sibling=sibling.id,
        grant=db.session.scalar(
            select(StaffGrant.id).where(StaffGrant.child_id == zebedee.rows["child"])
        ),
        coordinator_access=db.session.scalar(select(CoordinatorAccess.id)),
    )
    db.session.add(  # before the withdrawal, the DSL granted the staff member Ottoline's record
        StaffGrant(
            child_id=ottoline.rows["child"],
            user=people["staff"],
            granted_by_id=people["home_dsl"].id,
        )
    )
    ottoline_agreement = db.session.get(Agreement, ottoline.rows["agreement"])
    ottoline_agreement.withdrawn_on = date(2026, 10, 1)
    ottoline_agreement.withdrawn_recorded_at = utcnow()
    db.session.commit()
    return {
        "people": people,
        "zebedee": zebedee,
        "ottoline": ottoline,
        "alder": alder,
        "other_school_id": other.id,
    }


def child_rules(app):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "<int:child_id>" in rule.rule or rule.rule.startswith("/children")
    ]
    assert any(rule.rule == "/children/<int:child_id>" for rule in rules)
    return rules


def build(rule, child_id, rows) -> str:
    """The rule's URL for the child, other ids filled with that child's rows (1 if unknown)."""

    def fill(match):
        converter, name = match.group(1), match.group(2)
        if name == "child_id":
            return str(child_id)
        if converter != "int":
            return "1"
        kind = next((kind for word, kind in ROW_KINDS if word in name), None)
        return str(rows.get(kind, 1))

    return PARAM.sub(fill, rule.rule)


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def footprint(child_id: int) -> dict[str, list]:
    """Every row that belongs to the child, in every table that points at a child or its plan."""
    db.session.rollback()

    def ids(model, *where):
        return set(db.session.scalars(select(model.id).where(*where)))

    plans = ids(SharedPlan, SharedPlan.child_id == child_id)
    keys = {
        "child_id": {child_id},
        "sibling_id": {child_id},
        "plan_id": plans,
        "involvement_id": ids(AgencyInvolvement, AgencyInvolvement.plan_id.in_(plans)),
        "action_id": ids(Action, Action.plan_id.in_(plans)),
        "outcome_id": ids(Outcome, Outcome.plan_id.in_(plans)),
        "move_id": ids(SchoolMove, SchoolMove.child_id == child_id),
        "agreement_id": ids(Agreement, Agreement.child_id == child_id),
        "family_member_id": ids(FamilyMember, FamilyMember.child_id == child_id),
    }
    rows = {}
    for table in db.metadata.sorted_tables:
        where = [table.c[key].in_(values) for key, values in keys.items() if key in table.c]
        if table.name == "child":
            where.append(table.c.id == child_id)
        if where:
            found = db.session.execute(select(table).where(or_(*where)))
            rows[table.name] = sorted(tuple(map(repr, row)) for row in found)
    return rows


def assert_hidden(response, secrets, url, allowed=DENIED | {NOT_ALLOWED}):
    assert response.status_code in allowed, (url, response.status_code)
    body = response.get_data(as_text=True)
    location = response.headers.get("Location", "")
    for secret in secrets:
        assert secret not in body, (url, secret)
        assert secret not in location, (url, secret)


HIDDEN_FROM = {
    "dsl of another school": ("other_dsl", "zebedee"),
    "school staff without a grant": ("staff", "zebedee"),
    "school staff whose grant was revoked": ("revoked_staff", "zebedee"),
    "link worker of other schools": ("other_link_worker", "zebedee"),
    "practitioner of the agency, not the named one": ("colleague", "zebedee"),
    "gp of another practice": ("other_gp", "zebedee"),
    "named practitioner after withdrawal": ("withdrawn_practitioner", "ottoline"),
    "coordinator without a reason": ("coordinator", "zebedee"),
    "coordinator, school outside their clusters": ("cluster_coordinator", "zebedee"),
    "admin": ("admin", "zebedee"),
    # Issue 11, 2: after the family withdrew agreement only the DSL and the lead practitioner
    # keep the record (read-only). Each role whose access the agreement gave loses it (roles
    # that never had it are the cases above); a coordinator's reason is the test below.
    "school staff granted the child, after withdrawal": ("staff", "ottoline"),
    "agency safeguarding lead, after withdrawal": ("fim_lead", "ottoline"),
    "gp of the child's practice, after withdrawal": ("gp", "ottoline"),
    "coordinator without a reason, after withdrawal": ("coordinator", "ottoline"),
}


@pytest.mark.parametrize("who", HIDDEN_FROM)
def test_no_child_route_shows_or_changes_a_child_the_user_may_not_see(app, world, who):
    person, target = HIDDEN_FROM[who]
    user = world["people"][person]
    known = world[target]
    rows, secrets = known.rows, known.secrets
    nhs, last_name = known.details[0], known.names[1]
    coordinator = user.role == "coordinator"
    # A coordinator covering the school is asked for a reason (and may find the child by
    # search to give one): names on those pages are test_a_coordinator_without_a_reason_*'s.
    asked_for_reason = person == "coordinator"
    before = footprint(rows["child"])
    browser = signed_in(app, user)
    token = browser.token("/account")
    posted = {"csrf_token": token, "child_id": str(rows["child"]), "role": "admin"}

    for rule in child_rules(app):
        url = build(rule, rows["child"], rows)
        if "child_id" not in rule.arguments:  # lists and searches: open, but never this child
            assert_hidden(browser.get(url), secrets, url, allowed=range(200, 500))
            by_name = {key: last_name for key in ("q", "query", "search", "name", "last_name")}
            by_number = {key: nhs for key in ("q", "query", "search", "nhs_number")}
            for search in (by_name, by_number):
                sent = browser.client.post(url, data={"csrf_token": token, **search})
                shown = known.details if asked_for_reason else secrets
                shown = [secret for secret in shown if secret not in search.values()]
                assert_hidden(sent, shown, url, allowed=range(200, 500))
            continue
        for response in (browser.get(url), browser.client.post(url, data=posted)):
            to_reason = REASON_ROUTE.search(response.headers.get("Location", ""))
            if asked_for_reason and (REASON_ROUTE.search(rule.rule) or to_reason):
                assert_hidden(response, known.details, url, allowed=range(200, 500))
            else:
                assert_hidden(response, secrets, url)

    after = footprint(rows["child"])
    if coordinator:
        before.pop("coordinator_access", None)
        after.pop("coordinator_access", None)
    assert after == before


@pytest.mark.parametrize("person", ["home_dsl", "named", "gp", "coordinator", "admin"])
def test_a_guessed_child_id_answers_404(app, world, person):
    known = world["zebedee"]
    browser = signed_in(app, world["people"][person])
    token = browser.token("/account")
    guessed = db.session.scalar(select(func.max(Child.id))) + 1000

    for rule in child_rules(app):
        if "child_id" in rule.arguments:
            url = build(rule, guessed, known.rows)
            for response in (
                browser.get(url),
                browser.client.post(url, data={"csrf_token": token}),
            ):
                assert_hidden(response, known.secrets, url, {404, NOT_ALLOWED})


def test_records_of_a_hidden_child_cannot_be_reached_through_a_visible_one(app, world):
    """/children/<a child I see>/involvements/<an involvement of a child I do not see>."""
    rules = [rule for rule in child_rules(app) if set(rule.arguments) - {"child_id"}]
    if not rules:
        pytest.skip("no child route takes a second id yet")
    hidden, alder = world["zebedee"], world["alder"]
    before = footprint(hidden.rows["child"])
    browser = signed_in(app, world["people"]["other_dsl"])
    token = browser.token("/account")

    for rule in rules:
        url = build(rule, alder.rows["child"], hidden.rows)
        for response in (browser.get(url), browser.client.post(url, data={"csrf_token": token})):
            assert_hidden(response, hidden.secrets, url)
    assert footprint(hidden.rows["child"]) == before


def test_the_child_pages_show_the_child_to_those_who_may_see_them(app, world):
    """The control for the tests above: the same page does show these names when allowed."""
    for person, target in (("home_dsl", "zebedee"), ("named", "zebedee"), ("other_dsl", "alder")):
        known = world[target]
        page = signed_in(app, world["people"][person]).get(f"/children/{known.rows['child']}")
        assert page.status_code == 200
        assert known.names[0] in page.get_data(as_text=True)


def test_a_coordinator_without_a_reason_learns_no_name_by_walking_ids(app, world):
    known = world["zebedee"]
    browser = signed_in(app, world["people"]["coordinator"])
    page = browser.get(f"/children/{known.rows['child']}", follow_redirects=True)
    assert page.status_code in (200, 403, 404)
    for name in known.names:
        assert name not in page.get_data(as_text=True)


def test_a_coordinator_without_a_reason_finds_no_child_by_searching(app, world):
    known = world["zebedee"]
    browser = signed_in(app, world["people"]["coordinator"])
    sent = browser.submit("/children", {"name": known.names[1]}, page="/children")
    assert sent.status_code == 200
    for first_name in ("Zebedee", "Marigold"):
        assert first_name not in sent.get_data(as_text=True)


class Form(NamedTuple):
    method: str
    action: str
    fields: dict[str, list[str]]  # what a browser sends untouched
    choices: dict[str, str]  # the first real option of each select and radio group


class Forms(HTMLParser):
    """The forms on a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._first_option = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("method", "get").lower(), a.get("action", ""), {}, {}))
            return
        if not self.forms:
            return
        form, name = self.forms[-1], a.get("name")
        if tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option or "selected" in a:  # the first option, unless one is chosen
                form.fields[self._select] = [value]
            if value:
                form.choices.setdefault(self._select, value)
            self._first_option = False
        elif not name:
            return
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                form.fields.setdefault(name, []).append(a.get("value", "on"))
            if a.get("type") == "radio":
                form.choices.setdefault(name, a.get("value", "on"))
        elif tag == "input" and a.get("type") not in ("submit", "button", "image"):
            form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select":
            self._select, self._first_option = name, True
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = [""]

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def filled_in(form: Form) -> dict[str, list[str]]:
    """The form as someone might send it: blanks filled with something likely to be accepted."""
    today = date.today()
    data = {name: [form.choices[name]] for name in form.choices if name not in form.fields}
    for name, values in form.fields.items():
        if any(values) or "nhs" in name or "upn" in name:
            data[name] = values
        elif name in form.choices:
            data[name] = [form.choices[name]]
        elif len(values) == 3:  # a GOV.UK date: day, month, year
            data[name] = [str(today.day), str(today.month), str(today.year)]
        elif "score" in name:
            data[name] = ["5"]
        else:
            data[name] = ["Sent by the extra fields test"]
    return data


# Forms whose success takes the record (or part of it) away from the DSL go last, in this order.
LAST = ("unlink", "revoke", "close", "school", "withdraw")


def last(url: str) -> int:
    return next((i for i, word in enumerate(LAST) if word in url), -1)


def test_extra_posted_fields_are_ignored(app, world):
    """school_id, child_id, plan_id and role added to each child form change nothing they name."""
    rows, alder = world["zebedee"].rows, world["alder"].rows
    dsl = world["people"]["home_dsl"]
    home_school = dsl.school_id
    browser = signed_in(app, dsl)
    forms: dict[str, Form] = {}
    for rule in child_rules(app):
        if "child_id" not in rule.arguments or "GET" not in rule.methods:
            continue
        url = build(rule, rows["child"], rows)
        page = browser.get(url)
        if page.status_code != 200:
            continue
        parser = Forms()
        parser.feed(page.get_data(as_text=True))
        for form in parser.forms:
            target = (form.action or url).split("?")[0]
            if form.method == "post" and target.startswith("/children"):
                forms.setdefault(target, form)
    if not forms:
        pytest.skip("no child page has a form yet")
    extras = {
        "school_id": str(world["other_school_id"]),
        "child_id": str(alder["child"]),
        "plan_id": str(alder["plan"]),
        "role": "admin",
    }
    alders = footprint(alder["child"])

    for target in sorted(forms, key=last):
        data = filled_in(forms[target])
        sent = browser.client.post(target, data={**extras, **data})
        assert sent.status_code < 500, target
        db.session.expire_all()
        if not any("school" in name for name in data):
            assert db.session.get(Child, rows["child"]).school_id == home_school, target
        me = db.session.get(User, dsl.id)
        assert (me.role, me.school_id) == ("dsl", home_school), target
        assert footprint(alder["child"]) == alders, target


def test_after_a_withdrawal_a_coordinators_reason_opens_only_who_holds_the_record(app, world):
    """Issue 11, 2: with a recorded reason, the child's page says only that the record exists,
    when agreement was withdrawn and who holds it; every other route gives nothing."""
    known = world["ottoline"]
    rows = known.rows
    coordinator = world["people"]["coordinator"]
    db.session.add(
        CoordinatorAccess(
            child_id=rows["child"],
            user_id=coordinator.id,
            reason="Checking the cluster's escalations",
            expires_at=utcnow() + timedelta(hours=8),
        )
    )
    db.session.commit()
    before = footprint(rows["child"])
    browser = signed_in(app, coordinator)
    token = browser.token("/account")
    posted = {"csrf_token": token, "child_id": str(rows["child"]), "role": "admin"}

    for rule in child_rules(app):
        if "child_id" not in rule.arguments:
            continue
        url = build(rule, rows["child"], rows)
        for response in (browser.get(url), browser.client.post(url, data=posted)):
            if rule.rule == "/children/<int:child_id>" and response.status_code == 200:
                assert "The family withdrew agreement" in response.get_data(as_text=True)
                assert_hidden(response, known.secrets, url, allowed={200})
            elif REASON_ROUTE.search(rule.rule):  # giving another reason changes nothing shown
                assert_hidden(response, known.secrets, url, allowed=range(200, 500))
            else:
                assert_hidden(response, known.secrets, url)

    after = footprint(rows["child"])
    before.pop("coordinator_access", None)
    after.pop("coordinator_access", None)
    assert after == before
