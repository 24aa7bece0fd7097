"""Adding, changing, deactivating and reactivating the people who sign in."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tas.auth.models import PasswordToken, UserSession
from tas.extensions import db
from tas.organisations.models import User
from tests import factories
from tests.pages import (
    audit_events,
    emails,
    error_summary,
    field_value,
    page_text,
    queued_emails,
    saved,
)
from tests.plans.helpers import child_at

NEW_PASSWORD = "violet harbour sandwich telescope"
LINK = re.compile(r"https://tas\.example\.org/password/\S+")


def user_form(**fields) -> dict:
    return {"name": "Dana Shah", "email": "dana.shah@oakfield.example", "role": "dsl", **fields}


def user_by_email(address: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == address))


def test_every_problem_with_a_new_user_shows_at_once(login_as):
    """The school a DSL needs is asked for with the missing name and email, not after them."""
    admin = login_as("admin")
    factories.school()
    db.session.commit()

    response = admin.submit("/admin/users/new", user_form(name="", email=""))

    assert response.status_code == 200
    assert error_summary(response) == {
        "name": "Enter the person's full name",
        "email": "Enter the person's email address",
        "school": "Select the school this person works at",
    }


@pytest.mark.parametrize("chosen", ["3000000000", "99999999999999999999", "x"])
def test_a_chosen_school_that_is_no_record_is_refused_beside_the_other_problems(login_as, chosen):
    admin = login_as("admin")
    factories.school()
    db.session.commit()

    response = admin.submit(
        "/admin/users/new", user_form(name="", role="link_worker", linked_schools=[chosen])
    )

    assert response.status_code == 200
    problems = error_summary(response)
    assert problems["name"] == "Enter the person's full name"
    assert "linked_schools" in problems


def test_a_new_user_is_emailed_a_link_to_choose_a_password_then_signs_in(login_as, visitor):
    admin = login_as("admin")
    school = factories.school(name="Oakfield Primary")
    db.session.commit()

    response = admin.submit(
        "/admin/users/new",
        user_form(email="  Dana.Shah@Oakfield.EXAMPLE ", school=school.id),
    )
    response.close()  # as a web server does: the queued email goes out then

    assert response.status_code == 302
    assert "Dana Shah has been added and emailed a link" in page_text(admin.get("/admin/users"))
    dana = user_by_email("dana.shah@oakfield.example")
    assert (dana.role, dana.school_id, dana.password_hash) == ("dsl", school.id, None)
    assert visitor.sign_in(dana.email, NEW_PASSWORD).status_code == 200  # no password yet

    [message] = emails()
    assert message["To"].addresses[0].addr_spec == "dana.shah@oakfield.example"
    link = LINK.search(message.get_body(("plain",)).get_content()).group(0)
    path = link.removeprefix("https://tas.example.org")
    assert visitor.get(path).status_code == 200
    chosen = visitor.submit(path, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert chosen.status_code == 302
    signed_in = visitor.sign_in("dana.shah@oakfield.example", NEW_PASSWORD)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"

    [event] = audit_events("user_added")
    assert event.actor_id == admin.user.id and event.target_id == dana.id
    assert event.detail["email"] == "dana.shah@oakfield.example"
    assert not any("password" in key or "token" in key for key in event.detail)


@pytest.mark.parametrize(
    ("role", "field", "message"),
    [
        ("dsl", "school", "Select the school this person works at"),
        ("practitioner", "agency", "Select the agency this person works for"),
        ("gp", "agency", "A GP practice account must belong to a GP practice"),
        (
            "link_worker",
            "linked_schools",
            "Select at least one school this link worker is linked to",
        ),
        (
            "coordinator",
            "clusters",
            "Select the clusters this coordinator covers, or the whole district",
        ),
    ],
)
def test_each_role_must_belong_where_it_works(login_as, role, field, message):
    admin = login_as("admin")
    not_a_gp = factories.agency(name="CAMHS", service_type="camhs")
    db.session.commit()
    fields = {"agency": not_a_gp.id} if role in ("gp", "link_worker") else {}

    response = admin.submit("/admin/users/new", user_form(role=role, **fields))

    assert response.status_code == 200
    assert error_summary(response) == {field: message}
    assert field_value(response, "name") == "Dana Shah"
    assert user_by_email("dana.shah@oakfield.example") is None
    assert queued_emails() == []


def test_answers_that_do_not_apply_to_the_role_are_not_kept(login_as):
    admin = login_as("admin")
    school = factories.school()
    agency = factories.agency()
    cluster = factories.cluster()
    db.session.commit()

    response = admin.submit(
        "/admin/users/new",
        user_form(
            school=school.id,
            agency=agency.id,
            linked_schools=[school.id],
            clusters=[cluster.id],
            district_wide="yes",
            is_safeguarding_lead="y",
        ),
    )

    assert response.status_code == 302
    dana = user_by_email("dana.shah@oakfield.example")
    assert (dana.school_id, dana.agency_id, dana.linked_schools, dana.clusters) == (
        school.id,
        None,
        [],
        [],
    )
    assert (dana.district_wide, dana.is_safeguarding_lead) == (False, False)


def test_a_practitioner_becomes_a_coordinator_for_some_clusters(login_as):
    admin = login_as("admin")
    nurse = factories.user(role="practitioner", is_safeguarding_lead=True)
    north, south = factories.cluster(name="North"), factories.cluster(name="South")
    db.session.commit()
    page = admin.get(f"/admin/users/{nurse.id}")
    assert 'name="is_safeguarding_lead" type="checkbox" value="y" checked' in page.get_data(
        as_text=True
    )

    response = admin.submit(
        f"/admin/users/{nurse.id}",
        {
            "name": nurse.name,
            "email": nurse.email,
            "role": "coordinator",
            "agency": nurse.agency_id,
            "is_safeguarding_lead": "y",
            "district_wide": "no",
            "clusters": [north.id, south.id],
            "version": field_value(page, "version"),
        },
    )

    assert response.status_code == 302
    nurse = saved(User, nurse.id)
    assert nurse.role == "coordinator" and nurse.agency is not None
    assert [c.name for c in nurse.clusters] == ["North", "South"]
    assert nurse.is_safeguarding_lead is False
    [event] = audit_events("user_changed")
    assert event.detail["role"] == ["practitioner", "coordinator"]
    assert event.detail["clusters"] == [[], sorted([north.id, south.id])]


def test_a_full_name_is_kept_without_hidden_characters_or_doubled_spaces(login_as):
    admin = login_as("admin")

    added = admin.submit(
        "/admin/users/new", user_form(role="admin", name=" Zero\u200bWidth  Jones\ufeff")
    )

    assert added.status_code == 302
    assert user_by_email("dana.shah@oakfield.example").name == "ZeroWidth Jones"


def test_an_email_address_is_kept_in_lower_case_and_used_once(login_as):
    admin = login_as("admin")
    factories.user(role="admin", email="sam.jones@example.org")
    db.session.commit()

    response = admin.submit(
        "/admin/users/new", user_form(role="admin", email="Sam.Jones@Example.org")
    )

    assert error_summary(response) == {
        "email": "A user with the email address sam.jones@example.org already exists"
    }


def test_deactivating_a_signed_in_user_ends_their_session_at_once(login_as):
    admin = login_as("admin")
    dsl = login_as("dsl")
    assert dsl.get("/").status_code == 200

    response = admin.submit(
        f"/admin/users/{dsl.user.id}/deactivate", page=f"/admin/users/{dsl.user.id}"
    )

    assert response.status_code == 302
    assert "has been deactivated and signed out everywhere" in page_text(
        admin.get(response.headers["Location"])
    )
    after = dsl.get("/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/sign-in")
    assert dsl.sign_in(dsl.user.email).status_code == 200  # the right password no longer works
    assert saved(User, dsl.user.id).active is False
    ended = db.session.scalars(select(UserSession).where(UserSession.user_id == dsl.user.id))
    assert {row.end_reason for row in ended} == {"deactivated"}
    [event] = audit_events("user_deactivated")
    assert event.target_id == dsl.user.id
    assert "open_work" not in event.detail  # they held none: nothing was asked


def give_open_work(worker: User, times: int = 1) -> None:
    """Give a link worker, the only one linked to their first school, `times` of each kind of
    open work: a review and an action they own, a plan they lead, an involvement they are named
    on, a meeting they chair and one they organise with no chair, and a request waiting for
    their triage; and work that is not open, or that another link worker can triage."""
    school = worker.linked_schools[0]
    dsl = factories.user("dsl", school=school)
    for _ in range(times):
        child = child_at(school, first_name="Ignatius", last_name="Quill")
        plan = factories.plan(child, lead_practitioner=worker)
        db.session.flush()
        factories.review(child, plan_id=plan.id, owner_id=worker.id)
        factories.action(plan, owner_kind="person", owner_user_id=worker.id, status="in_progress")
        factories.involvement(plan, agency=worker.agency, practitioner=worker)
        factories.meeting(school, dsl, chair=worker)
        factories.meeting(school, worker)
        factories.tas_request(child, dsl)
    # Not open: finished, closed, cancelled, held, triaged.
    child = child_at(school, first_name="Octavia", last_name="Brisk")
    closed = factories.plan(child, lead_practitioner=worker, status="closed")
    db.session.flush()
    factories.review(child, plan_id=closed.id, owner_id=worker.id, status="completed")
    factories.action(closed, owner_kind="person", owner_user_id=worker.id, status="done")
    factories.involvement(closed, agency=worker.agency, practitioner=worker, status="ended")
    factories.meeting(school, dsl, chair=worker, status="held")
    cancelled_at = datetime(2026, 11, 2, tzinfo=UTC)
    factories.meeting(school, dsl, chair=worker, status="cancelled", cancelled_at=cancelled_at)
    factories.tas_request(child, dsl, status="accepted")
    # Another active link worker of this school may triage its requests.
    shared = factories.school()
    worker.linked_schools.append(shared)
    factories.user("link_worker", linked_schools=[shared])
    factories.tas_request(child_at(shared), dsl)
    db.session.commit()


def open_work_on(response) -> dict[str, int]:
    """The numbers of open work a page shows, by what it calls each kind."""
    text = page_text(response)
    found = {}
    for label in (
        "Reviews they own",
        "Actions they own",
        "Shared plans they lead",
        "Involvements they are the named practitioner on",
        "Meetings they chair or organise, still to be held or minuted",
        "Requests waiting for triage at schools where they are the only link worker",
    ):
        number = re.search(re.escape(label) + r":? (\d+)", text)
        if number:
            found[label.split()[0]] = int(number.group(1))
    return found


EACH_ONCE = {
    "Reviews": 1,
    "Actions": 1,
    "Shared": 1,
    "Involvements": 1,
    "Meetings": 2,
    "Requests": 1,
}


def test_the_user_page_shows_how_much_open_work_they_hold_and_no_child(login_as):
    admin = login_as("admin")
    worker = factories.user("link_worker", name="Lee Link")
    idle = factories.user("link_worker", name="Ida Idle")
    db.session.flush()
    give_open_work(worker)

    page = admin.get(f"/admin/users/{worker.id}")

    assert page.status_code == 200
    assert open_work_on(page) == EACH_ONCE
    text = page_text(page)
    assert "Reassign their open work" in text
    assert "Ignatius" not in text and "Quill" not in text and "Octavia" not in text
    assert open_work_on(admin.get(f"/admin/users/{idle.id}")) == {}
    assert "Open work None" in page_text(admin.get(f"/admin/users/{idle.id}"))


def test_deactivating_someone_with_open_work_asks_first_and_changes_nothing(login_as):
    admin = login_as("admin")
    worker = login_as("link_worker", name="Lee Link")
    give_open_work(worker.user)
    url = f"/admin/users/{worker.user.id}"

    asked = admin.submit(f"{url}/deactivate", page=url)

    assert asked.status_code == 200
    text = page_text(asked)
    assert "Deactivate Lee Link's account while they still have open work?" in text
    assert open_work_on(asked) == EACH_ONCE
    assert "Only the numbers are shown here" in text and "Quill" not in text
    body = asked.get_data(as_text=True)
    assert f'href="/work/reassign/{worker.user.id}"' in body
    assert "Reassign their open work first" in text and "Deactivate anyway" in text
    assert saved(User, worker.user.id).active is True
    assert worker.get("/").status_code == 200  # still signed in
    assert audit_events("user_deactivated") == []


def test_deactivating_anyway_deactivates_signs_them_out_and_audits_the_numbers(login_as):
    admin = login_as("admin")
    worker = login_as("link_worker", name="Lee Link")
    give_open_work(worker.user)
    url = f"/admin/users/{worker.user.id}"
    asked = admin.submit(f"{url}/deactivate", page=url)
    confirmed = {"open_work": field_value(asked, "open_work")}

    done = admin.submit(f"{url}/deactivate", confirmed)

    assert done.status_code == 302
    text = page_text(admin.get(done.headers["Location"]))
    assert "Lee Link has been deactivated and signed out everywhere" in text
    assert "Their open work stays theirs until someone reassigns it" in text
    assert saved(User, worker.user.id).active is False
    after = worker.get("/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/sign-in")
    [event] = audit_events("user_deactivated")
    assert event.actor_id == admin.user.id and event.target_id == worker.user.id
    assert event.detail["open_work"] == {
        "reviews": 1,
        "actions": 1,
        "plans": 1,
        "involvements": 1,
        "meetings": 2,
        "requests": 1,
    }
    # The same form sent again changes nothing.
    again = admin.submit(f"{url}/deactivate", confirmed)
    assert "Lee Link was already deactivated: nothing has changed" in page_text(
        admin.get(again.headers["Location"])
    )
    assert len(audit_events("user_deactivated")) == 1


def test_work_that_changed_before_confirming_is_shown_again_not_deactivated(login_as):
    admin = login_as("admin")
    worker = factories.user("link_worker", name="Lee Link")
    db.session.flush()
    give_open_work(worker)
    url = f"/admin/users/{worker.id}"
    asked = admin.submit(f"{url}/deactivate", page=url)
    factories.review(child_at(worker.linked_schools[0]), owner_id=worker.id)
    db.session.commit()

    stale = admin.submit(f"{url}/deactivate", {"open_work": field_value(asked, "open_work")})

    assert stale.status_code == 409
    assert "Their open work changed after this page was shown" in page_text(stale)
    assert open_work_on(stale) == {**EACH_ONCE, "Reviews": 2}
    assert saved(User, worker.id).active is True
    done = admin.submit(f"{url}/deactivate", {"open_work": field_value(stale, "open_work")})
    assert done.status_code == 302
    assert saved(User, worker.id).active is False
    assert audit_events("user_deactivated")[0].detail["open_work"]["reviews"] == 2


def test_work_gone_before_confirming_deactivates_without_asking_again(login_as):
    admin = login_as("admin")
    worker = factories.user("practitioner", name="Pat Practitioner")
    child = child_at(factories.school())
    review = factories.review(child, owner_id=worker.id)
    db.session.commit()
    url = f"/admin/users/{worker.id}"
    asked = admin.submit(f"{url}/deactivate", page=url)
    assert open_work_on(asked) == {"Reviews": 1}
    review.status = "completed"
    db.session.commit()

    done = admin.submit(f"{url}/deactivate", {"open_work": field_value(asked, "open_work")})

    assert done.status_code == 302
    assert "Pat Practitioner has been deactivated and signed out everywhere." in page_text(
        admin.get(done.headers["Location"])
    )
    [event] = audit_events("user_deactivated")
    assert "open_work" not in event.detail


def test_a_reactivated_user_can_sign_in_again(login_as, visitor):
    admin = login_as("admin")
    dsl = factories.user(role="dsl", active=False)
    db.session.commit()

    response = admin.submit(f"/admin/users/{dsl.id}/reactivate", page=f"/admin/users/{dsl.id}")

    assert response.status_code == 302
    assert visitor.sign_in(dsl.email).status_code == 302
    assert [e.action for e in audit_events()][-2:] == ["user_reactivated", "sign_in"]


@pytest.mark.parametrize(
    ("active", "button", "told", "not_told"),
    [
        (True, "reactivate", "was already active: nothing has changed", "has been reactivated"),
        (
            False,
            "deactivate",
            "was already deactivated: nothing has changed",
            "has been deactivated",
        ),
    ],
)
def test_a_second_click_says_nothing_changed(login_as, active, button, told, not_told):
    admin = login_as("admin")
    dsl = factories.user(role="dsl", name="Dee Lead", active=active)
    db.session.commit()
    url = f"/admin/users/{dsl.id}"

    response = admin.submit(f"{url}/{button}", page=url)

    text = page_text(admin.get(response.headers["Location"]))
    assert f"Dee Lead {told}" in text
    assert not_told not in text
    assert audit_events(f"user_{button}d") == []
    assert saved(User, dsl.id).active is active


def test_an_admin_cannot_deactivate_themself_or_remove_their_own_role(login_as):
    admin = login_as("admin")
    me = f"/admin/users/{admin.user.id}"
    page = admin.get(me)
    assert "Deactivate account" not in page.get_data(as_text=True)

    deactivate = admin.submit(f"{me}/deactivate", page=me)
    assert "You cannot deactivate your own account" in page_text(
        admin.get(deactivate.headers["Location"])
    )
    demote = admin.submit(
        me,
        {
            "name": admin.user.name,
            "email": admin.user.email,
            "role": "coordinator",
            "district_wide": "yes",
            "version": field_value(page, "version"),
        },
    )

    assert error_summary(demote) == {"role": "You cannot take away your own administrator role"}
    me_now = saved(User, admin.user.id)
    assert (me_now.active, me_now.role) == (True, "admin")


def test_a_new_link_can_be_sent_and_the_email_says_what_it_is_for(login_as):
    admin = login_as("admin")
    invited = factories.user(role="dsl", password=None)
    settled = factories.user(role="dsl")
    gone = factories.user(role="dsl", password=None, active=False)
    db.session.commit()

    for user in (invited, settled, gone):
        path = f"/admin/users/{user.id}/password-link"
        admin.submit(path, page=f"/admin/users/{user.id}").close()  # the email goes out

    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in emails()}
    assert subjects == {
        invited.email: "Your TAS Coordinator account: set your password",
        settled.email: "Reset your TAS Coordinator password",
    }
    assert sorted(db.session.scalars(select(PasswordToken.user_id))) == [invited.id, settled.id]
    assert [e.detail["purpose"] for e in audit_events("password_link_sent")] == ["setup", "reset"]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("dana", "Enter an email address in the correct format, like name@example.org"),
        (
            "dana@@oakfield.example",
            "Enter an email address in the correct format, like name@example.org",
        ),
        ("", "Enter the person's email address"),
        ("new.dsl@demo.tas.test", None),
    ],
)
def test_an_email_address_must_look_like_one(login_as, typed, problem):
    admin = login_as("admin")

    response = admin.submit("/admin/users/new", user_form(role="admin", email=typed))

    if problem:
        assert error_summary(response) == {"email": problem}
        assert field_value(response, "email") == typed
    else:
        assert response.status_code == 302
        assert user_by_email(typed).role == "admin"


@pytest.mark.parametrize(
    ("required", "shown"),
    [
        ("", "None set up: their role does not need one"),
        ("dsl", "None set up yet: they set one up when they next sign in"),
    ],
)
def test_second_factors_say_whether_the_role_needs_one(make_app, login_as, required, shown):
    make_app().config.update(SECOND_FACTOR_ROLES=required)  # put back after the test
    admin = login_as("admin")
    dsl = factories.user(role="dsl")
    db.session.commit()

    text = page_text(admin.get(f"/admin/users/{dsl.id}"))

    assert f"Second factors {shown}" in text
    assert "Reset their second factors" not in text


def test_with_no_second_factors_there_is_nothing_to_reset(login_as):
    admin = login_as("admin")
    dsl = factories.user(role="dsl", name="Dee Lead")
    db.session.commit()
    url = f"/admin/users/{dsl.id}/second-factors/reset"

    opened = admin.get(url)
    sent = admin.submit(url, {"reason": "Lost phone"})

    assert opened.headers["Location"] == sent.headers["Location"] == f"/admin/users/{dsl.id}"
    text = page_text(admin.get(opened.headers["Location"]))
    assert "Dee Lead has no second factors set up, so there is nothing to reset" in text
    assert audit_events("second_factors_reset") == []
