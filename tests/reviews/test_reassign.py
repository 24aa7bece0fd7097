"""Reassigning a leaver's open work in one step: an administrator for anyone, an agency's
safeguarding lead for their agency's staff, a DSL for their school's staff. The page shows counts
only, never a child; one POST moves every open review, action, plan and involvement, audited
with ids; work that changed while the page was open is shown again rather than moved unseen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tas.auth.models import UserSession
from tas.children.models import StaffGrant
from tas.extensions import db
from tas.organisations.models import Agency, User
from tas.plans.models import Action, ActionEvent, AgencyInvolvement, SharedPlan
from tas.reviews.models import Review
from tests import factories
from tests.conftest import Visitor
from tests.pages import audit_events, error_summary, field_value, page_text, saved
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


@dataclass
class Leaver:
    agency: Agency
    lead: User  # the agency's safeguarding lead
    leaver: User
    colleague: User
    plan: SharedPlan
    review: Review
    action: Action
    involvement: AgencyInvolvement
    done: list  # work that is finished and must stay where it is


def a_leaver() -> Leaver:
    """A practitioner who leads a plan, owns its open review and an open action, and is the
    named practitioner on an involvement; some finished work of theirs; two colleagues."""
    agency = factories.agency(name="Future in Mind")
    lead = factories.user("practitioner", agency=agency, is_safeguarding_lead=True)
    leaver = factories.user("practitioner", agency=agency, name="Lee Leaver")
    colleague = factories.user("practitioner", agency=agency, name="Sam Patel")
    school = factories.school()
    child = child_at(school, first_name="Ignatius", last_name="Quill")
    plan = factories.plan(child, lead_practitioner=leaver, next_review_on=date(2026, 12, 4))
    db.session.flush()
    other_child = child_at(school, first_name="Octavia", last_name="Brisk")
    closed = factories.plan(other_child, lead_practitioner=leaver, status="closed")
    db.session.flush()
    review = factories.review(child, plan_id=plan.id, owner_id=leaver.id)
    involvement = factories.involvement(plan, agency=agency, practitioner=leaver, status="active")
    db.session.flush()
    action = factories.action(
        plan, owner_kind="person", owner_user_id=leaver.id, status="in_progress"
    )
    done = [
        closed,
        factories.review(child, plan_id=plan.id, owner_id=leaver.id, status="completed"),
        factories.action(plan, owner_kind="person", owner_user_id=leaver.id, status="done"),
        factories.involvement(plan, agency=agency, practitioner=leaver, status="ended"),
    ]
    db.session.commit()
    return Leaver(agency, lead, leaver, colleague, plan, review, action, involvement, done)


def url(user: User) -> str:
    return f"/work/reassign/{user.id}"


def form_of(response) -> dict[str, str]:
    """The hidden fields the page's form carries (the leaver's version, what the page showed)."""
    return {name: field_value(response, name) or "" for name in ("version", "work", "seen")}


def sign_in(app, user: User) -> Visitor:
    """The user signed in through the real sign-in form."""
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    browser.user = user
    return browser


def counts_on(response) -> dict[str, str]:
    text = page_text(response)
    found = {}
    for label in (
        "Reviews they own",
        "Actions they own",
        "Shared plans they lead",
        "Involvements they are the named practitioner on",
    ):
        match = re.search(re.escape(label) + r" (\d+)", text)
        found[label.split()[0]] = match.group(1) if match else None
    return found


def test_the_safeguarding_lead_sees_counts_only_and_moves_everything_in_one_step(app):
    setting = a_leaver()
    lead = sign_in(app, setting.lead)
    versions = {
        "review": setting.review.version,
        "action": setting.action.version,
        "plan": setting.plan.version,
        "involvement": setting.involvement.version,
    }

    page = lead.get(url(setting.leaver))

    assert page.status_code == 200
    text = page_text(page)
    assert "Reassign Lee Leaver's work" in text
    assert counts_on(page) == {"Reviews": "1", "Actions": "1", "Shared": "1", "Involvements": "1"}
    for secret in ("Ignatius", "Quill", "Octavia", "Brisk", setting.plan.reference):
        assert secret not in text
    assert "Sam Patel (Practitioner, Future in Mind)" in text

    sent = lead.submit(
        url(setting.leaver),
        {**form_of(page), "to_user": str(setting.colleague.id), "account": "keep"},
    )

    assert sent.status_code == 302 and sent.headers["Location"] == "/work"
    assert "1 review, 1 action, 1 plan and 1 involvement moved to Sam Patel." in page_text(
        lead.get("/work")
    )
    db.session.expire_all()
    colleague = setting.colleague.id
    assert db.session.get(Review, setting.review.id).owner_id == colleague
    assert db.session.get(Action, setting.action.id).owner_user_id == colleague
    assert db.session.get(SharedPlan, setting.plan.id).lead_practitioner_id == colleague
    assert db.session.get(AgencyInvolvement, setting.involvement.id).practitioner_id == colleague
    # Each record moved through the ORM: its version counter moved too.
    assert db.session.get(Review, setting.review.id).version == versions["review"] + 1
    assert db.session.get(Action, setting.action.id).version == versions["action"] + 1
    assert db.session.get(SharedPlan, setting.plan.id).version == versions["plan"] + 1
    involvement = db.session.get(AgencyInvolvement, setting.involvement.id)
    assert involvement.version == versions["involvement"] + 1
    # Finished work stays with the leaver.
    closed, completed, done_action, ended = setting.done
    assert db.session.get(SharedPlan, closed.id).lead_practitioner_id == setting.leaver.id
    assert db.session.get(Review, completed.id).owner_id == setting.leaver.id
    assert db.session.get(Action, done_action.id).owner_user_id == setting.leaver.id
    assert db.session.get(AgencyInvolvement, ended.id).practitioner_id == setting.leaver.id
    # The action's own history says who it moved from and to, and by whom.
    [history] = db.session.scalars(
        select(ActionEvent).where(ActionEvent.action_id == setting.action.id)
    ).all()
    assert history.changes == {"owner_user_id": [setting.leaver.id, colleague]}
    assert history.by_id == setting.lead.id
    [event] = audit_events("work_reassigned")
    assert event.target_id == setting.leaver.id and event.actor_id == setting.lead.id
    assert event.detail == {
        "to_user_id": colleague,
        "review_ids": [setting.review.id],
        "action_ids": [setting.action.id],
        "plan_ids": [setting.plan.id],
        "involvement_ids": [setting.involvement.id],
        "account": "keep",
    }
    assert saved(User, setting.leaver.id).active is True
    assert counts_on(lead.get(url(setting.leaver)))["Reviews"] == "0"


def test_the_leaver_can_be_marked_away_or_deactivated_in_the_same_step(app):
    """A safeguarding lead may mark a leaver away; deactivating an account is for an
    administrator (docs/security.md, Roles), who may do it in the same step."""
    setting = a_leaver()
    leaver_browser = sign_in(app, setting.leaver)
    lead = sign_in(app, setting.lead)
    page = lead.get(url(setting.leaver))
    assert "Deactivate their account" not in page_text(page)

    refused = lead.submit(
        url(setting.leaver),
        {**form_of(page), "to_user": str(setting.colleague.id), "account": "deactivate"},
    )

    assert refused.status_code == 200
    assert saved(User, setting.leaver.id).active is True
    administrator = factories.user("admin")
    db.session.commit()
    admin = sign_in(app, administrator)
    page = admin.get(url(setting.leaver))
    sent = admin.submit(
        url(setting.leaver),
        {**form_of(page), "to_user": str(setting.colleague.id), "account": "deactivate"},
    )

    assert sent.status_code == 302
    text = page_text(admin.get(sent.headers["Location"]))
    assert "Lee Leaver's account has been deactivated." in text
    leaver = saved(User, setting.leaver.id)
    assert leaver.active is False
    assert leaver_browser.get("/").status_code == 302  # signed out everywhere
    assert (
        db.session.scalar(
            select(UserSession.id).where(
                UserSession.user_id == setting.leaver.id, UserSession.ended_at.is_(None)
            )
        )
        is None
    )
    assert [e.target_id for e in audit_events("user_deactivated")] == [setting.leaver.id]

    other = factories.user("practitioner", agency=setting.agency, name="Ada Away")
    db.session.commit()
    page = lead.get(url(other))
    assert "has no open work to move" in page_text(page)
    marked = lead.submit(url(other), {**form_of(page), "account": "away"})
    assert marked.status_code == 302
    assert "Ada Away is marked away" in page_text(lead.get("/work"))
    assert saved(User, other.id).away is True
    assert [e.target_id for e in audit_events("user_marked_away")] == [other.id]


@pytest.mark.parametrize(
    "outsider",
    ["other_agency_lead", "practitioner", "coordinator", "dsl", "link_worker", "gp"],
)
def test_outsiders_can_neither_open_nor_send_the_page(app, outsider):
    setting = a_leaver()
    person = {
        "other_agency_lead": lambda: factories.user("practitioner", is_safeguarding_lead=True),
        "practitioner": lambda: factories.user("practitioner", agency=setting.agency),
        "coordinator": lambda: factories.user("coordinator"),
        "dsl": lambda: factories.user("dsl", school=setting.plan.child.school),
        "link_worker": lambda: factories.user("link_worker", agency=setting.agency),
        "gp": lambda: factories.user("gp"),
    }[outsider]()
    db.session.commit()
    browser = sign_in(app, person)

    assert browser.get(url(setting.leaver)).status_code == 404
    people = browser.get("/work")  # their own people's list, if they have one
    if outsider in ("other_agency_lead", "dsl"):
        assert people.status_code == 200 and "Lee Leaver" not in page_text(people)
    else:
        assert people.status_code == 404
    sent = browser.submit(
        url(setting.leaver),
        {"to_user": str(setting.colleague.id), "account": "deactivate", "version": "1"},
        page="/",
    )
    assert sent.status_code == 404
    db.session.expire_all()
    assert db.session.get(Review, setting.review.id).owner_id == setting.leaver.id
    assert saved(User, setting.leaver.id).active is True
    assert audit_events("work_reassigned") == []


def test_a_dsl_reassigns_their_schools_staff_only(app):
    school = factories.school(name="Oakfield Primary")
    dsl = factories.user("dsl", school=school)
    leaving = factories.user("school_staff", school=school, name="Pat Pastoral")
    deputy = factories.user("dsl", school=school, name="Dee Deputy")
    elsewhere = factories.user("school_staff", name="Other School")
    link_worker = factories.user("link_worker", linked_schools=[school])
    child = child_at(school)
    plan = factories.plan(child, lead_practitioner=link_worker)
    db.session.flush()
    action = factories.action(plan, owner_kind="person", owner_user_id=leaving.id)
    db.session.commit()
    browser = sign_in(app, dsl)

    assert browser.get(url(elsewhere)).status_code == 404
    assert browser.get(url(link_worker)).status_code == 404
    people = page_text(browser.get("/work"))
    assert "Oakfield Primary: people and their open work" in people
    assert "Pat Pastoral" in people and "Other School" not in people
    page = browser.get(url(leaving))
    assert "Other School" not in page_text(page)
    sent = browser.submit(url(leaving), {**form_of(page), "to_user": str(deputy.id)})

    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).owner_user_id == deputy.id


def test_someone_not_offered_is_refused_and_nothing_moves(app):
    setting = a_leaver()
    stranger = factories.user("practitioner", name="Stranger Danger")  # another agency
    db.session.commit()
    lead = sign_in(app, setting.lead)
    page = lead.get(url(setting.leaver))
    assert "Stranger Danger" not in page_text(page)

    for chosen in (str(stranger.id), "", "not-a-number", str(setting.leaver.id)):
        response = lead.submit(url(setting.leaver), {**form_of(page), "to_user": chosen})
        assert response.status_code == 200, chosen
        assert error_summary(response) == {
            "to_user": "Select who takes over the work from the list"
        }, chosen

    db.session.expire_all()
    assert db.session.get(Review, setting.review.id).owner_id == setting.leaver.id
    assert audit_events("work_reassigned") == []


def test_an_admin_chooses_among_the_leavers_colleagues_only(app):
    """Work stays within the leaver's agency (or school), whoever moves it: someone elsewhere
    could not open the children's records it is about."""
    setting = a_leaver()
    elsewhere = factories.user("practitioner", name="Elsa Elsewhere")
    admin = factories.user("admin")
    db.session.commit()
    browser = sign_in(app, admin)
    page = browser.get(url(setting.leaver))
    text = page_text(page)
    assert "Sam Patel" in text and "Elsa Elsewhere" not in text and "Ignatius" not in text

    refused = browser.submit(url(setting.leaver), {**form_of(page), "to_user": str(elsewhere.id)})

    assert refused.status_code == 200
    assert error_summary(refused) == {"to_user": "Select who takes over the work from the list"}
    moved = browser.submit(
        url(setting.leaver), {**form_of(page), "to_user": str(setting.colleague.id)}
    )
    assert moved.status_code == 302
    assert moved.headers["Location"] == f"/admin/users/{setting.leaver.id}"
    user_page = page_text(browser.get(moved.headers["Location"]))
    assert "moved to Sam Patel" in user_page and "Reassign their open work" in user_page


def test_work_goes_only_to_someone_who_can_see_the_children_it_is_about(app):
    """A DSL's review and action move to school staff only when a DSL has granted them the
    child: nobody is reminded of work they cannot open."""
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    leaver = factories.user("dsl", school=school, name="Lee Leaver")
    staff = factories.user("school_staff", school=school, name="Tia Teacher")
    child = child_at(school, first_name="Ignatius", last_name="Quill")
    plan = factories.plan(child, next_review_on=date(2026, 12, 4))
    db.session.flush()
    review = factories.review(child, plan_id=plan.id, owner_id=leaver.id)
    db.session.commit()
    browser = sign_in(app, dsl)
    page = browser.get(url(leaver))

    refused = browser.submit(url(leaver), {**form_of(page), "to_user": str(staff.id)})

    assert refused.status_code == 200
    assert error_summary(refused) == {
        "to_user": "Tia Teacher cannot see the records of 1 of the children this work is about: "
        "choose someone who works with them, or ask a DSL to grant access"
    }
    assert saved(Review, review.id).owner_id == leaver.id
    assert audit_events("work_reassigned") == []

    db.session.add(StaffGrant(child_id=child.id, user_id=staff.id, granted_by_id=dsl.id))
    db.session.commit()
    page = browser.get(url(leaver))
    moved = browser.submit(url(leaver), {**form_of(page), "to_user": str(staff.id)})

    assert moved.status_code == 302
    assert saved(Review, review.id).owner_id == staff.id


def test_work_that_changed_while_the_page_was_open_is_shown_again_not_moved(app):
    setting = a_leaver()
    lead = sign_in(app, setting.lead)
    page = lead.get(url(setting.leaver))
    late = factories.review(setting.plan.child, owner_id=setting.leaver.id, kind="handover_meeting")
    db.session.commit()

    stale = lead.submit(
        url(setting.leaver), {**form_of(page), "to_user": str(setting.colleague.id)}
    )

    assert stale.status_code == 409
    text = page_text(stale)
    assert "Their work changed while you had this page open" in text
    assert "Reviews they own 1 2 Different" in text
    assert error_summary(stale) == {
        "saved-version": "Lee Leaver's work or account changed while you had this page open: "
        "check it and send again"
    }
    db.session.expire_all()
    assert db.session.get(Review, setting.review.id).owner_id == setting.leaver.id
    assert audit_events("work_reassigned") == []

    again = lead.submit(
        url(setting.leaver), {**form_of(stale), "to_user": str(setting.colleague.id)}
    )
    assert again.status_code == 302
    assert "2 reviews, 1 action, 1 plan and 1 involvement moved" in page_text(lead.get("/work"))
    db.session.expire_all()
    assert db.session.get(Review, late.id).owner_id == setting.colleague.id


def test_a_leaver_changed_meanwhile_is_a_stale_page_too(app):
    setting = a_leaver()
    lead = sign_in(app, setting.lead)
    page = lead.get(url(setting.leaver))
    setting.leaver.away = True  # they marked themselves away in the meantime
    db.session.commit()

    stale = lead.submit(
        url(setting.leaver),
        {**form_of(page), "to_user": str(setting.colleague.id), "account": "away"},
    )

    assert stale.status_code == 409
    assert "is marked away" in page_text(stale)
    db.session.expire_all()
    assert db.session.get(Review, setting.review.id).owner_id == setting.leaver.id


def test_the_list_of_people_runs_the_same_queries_for_2_or_12_people(app, count_queries):
    setting = a_leaver()
    lead = sign_in(app, setting.lead)
    counted = []
    for size in (2, 12):
        for _ in range(size):
            factories.user("practitioner", agency=setting.agency)
        db.session.commit()
        lead.get("/")
        with count_queries() as statements:
            response = lead.get("/work")
        assert response.status_code == 200
        counted.append(len(statements))

    assert counted[0] == counted[1]
    body = response.get_data(as_text=True)
    row = body[body.find("Lee Leaver") :]
    assert re.search(r'govuk-table__cell--numeric">4<', row)  # review, action, plan, involvement


def test_the_page_never_names_a_child_to_an_admin_even_when_stale(app):
    setting = a_leaver()
    admin = factories.user("admin")
    db.session.commit()
    browser = sign_in(app, admin)

    stale = browser.submit(
        url(setting.leaver),
        {"version": "1", "work": "0" * 32, "seen": "9,9,9,9", "to_user": str(setting.colleague.id)},
    )

    assert stale.status_code == 409
    for secret in ("Ignatius", "Quill", "Octavia", "Brisk"):
        assert secret not in page_text(stale)


def test_garbage_in_any_field_is_never_a_500_and_moves_nothing(app):
    setting = a_leaver()
    lead = sign_in(app, setting.lead)
    token = lead.token(url(setting.leaver))
    garbage = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
    fields = ("version", "work", "seen", "to_user", "account")

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({name: garbage for name in fields}))
    @example(dict.fromkeys(fields, "\x00"))
    @example({"version": "9" * 40, "work": "", "seen": "1,2", "to_user": "-1", "account": "x"})
    def fuzz(values):
        body = urlencode(
            {
                k: v.encode("utf-8", "surrogatepass")
                for k, v in {**values, "csrf_token": token}.items()
            }
        )
        response = lead.client.post(
            url(setting.leaver), data=body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in {200, 400, 409}, response.status_code

    fuzz()
    db.session.expire_all()
    assert db.session.get(Review, setting.review.id).owner_id == setting.leaver.id
    assert audit_events("work_reassigned") == []


def test_with_nobody_to_take_the_work_the_leaver_can_still_be_marked_away(app):
    """A lone practitioner of an agency: nobody could take their work yet, so the page says so,
    offers no empty choice, and marking them away sends their reminders elsewhere meanwhile."""
    agency = factories.agency(name="Youth Justice")
    leaver = factories.user("practitioner", agency=agency, name="Lone Ranger")
    school = factories.school()
    child = child_at(school)
    review = factories.review(child, owner_id=leaver.id)
    administrator = factories.user("admin")
    db.session.commit()
    admin = sign_in(app, administrator)
    page = admin.get(url(leaver))
    text = page_text(page)
    assert "Nobody else could take this work on" in text
    assert 'name="to_user"' not in page.get_data(as_text=True)
    assert "Move the work" not in text

    sent = admin.submit(url(leaver), {**form_of(page), "account": "away"})

    assert sent.status_code == 302
    assert saved(User, leaver.id).away is True
    assert saved(Review, review.id).owner_id == leaver.id  # moves once someone can take it
    banner = page_text(admin.get(sent.headers["Location"]))
    assert (
        "No work was moved: nobody else can take it on yet, so Lone Ranger still has 1 review. "
        "Lone Ranger is marked away" in banner
    )
    assert "moved to ." not in banner
    # Work left with them is shown as something to act on, not a success.
    assert "Success" not in banner.split("No work was moved")[0][-40:]
    # The audit says what happened: the leaver marked away, and nothing reassigned.
    assert [e.target_id for e in audit_events("user_marked_away")] == [leaver.id]
    assert audit_events("work_reassigned") == []


def lone_practitioner_with_work(app) -> tuple[User, Review, Visitor]:
    """A lone practitioner of an agency with an open review, and an administrator signed in:
    nobody else could take the work on."""
    agency = factories.agency(name="Youth Justice")
    leaver = factories.user("practitioner", agency=agency, name="Lone Ranger")
    administrator = factories.user("admin")
    review = factories.review(child_at(factories.school()), owner_id=leaver.id)
    db.session.commit()
    return leaver, review, sign_in(app, administrator)


@pytest.mark.parametrize("account", ["keep", None])
def test_with_nobody_to_take_the_work_leaving_the_account_asks_only_what_the_page_asks(
    app, account
):
    """The page asks no one to take the work over: leaving the account as it is (or choosing
    nothing) is answered beside the account question, never a question not on the page."""
    leaver, review, admin = lone_practitioner_with_work(app)
    page = admin.get(url(leaver))
    assert 'name="to_user"' not in page.get_data(as_text=True)

    sent = admin.submit(url(leaver), {**form_of(page), **({"account": account} if account else {})})

    assert sent.status_code == 200
    problems = error_summary(sent)
    assert list(problems) == ["account"]
    if account == "keep":
        assert problems["account"] == (
            "Nobody else can take their work on yet, so there is nothing to move: choose to "
            "mark them away or deactivate their account, or go back"
        )
    assert 'name="to_user"' not in sent.get_data(as_text=True)
    assert saved(User, leaver.id).away is False
    assert saved(Review, review.id).owner_id == leaver.id
    assert audit_events("work_reassigned") == []
