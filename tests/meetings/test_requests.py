"""TAS requests: a school asks for a child to be discussed (with the family's agreement), the
list of requests each person sees, reading one, and withdrawing it before triage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tas.children.models import StaffGrant
from tas.extensions import db
from tas.meetings.models import TasRequest
from tas.meetings.requests import services
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, error_summary, page_text, queued_emails, saved
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

TYPED = {
    "reason": "Low mood since the summer, withdrawn in class",
    "already_tried": "Weekly check-ins with the learning mentor",
    "child_views": "Says she feels sad most mornings",
}


def asking_about(whom, **fields) -> dict:
    return {"child": str(whom.id), **TYPED, **fields}


def requests_of(child_id: int) -> list[TasRequest]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(TasRequest).where(TasRequest.child_id == child_id).order_by(TasRequest.id)
        )
    )


def signed_in(visitor, user):
    assert visitor.sign_in(user.email).status_code == 302
    return visitor


# ---------------------------------------------------------------- asking


def test_a_dsl_asks_for_a_child_to_be_discussed_linked_to_the_agreement(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Amara", last_name="Okafor")
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    form = dsl.get(f"/requests/new?child={child.id}")
    assert form.status_code == 200
    assert f'<option value="{child.id}" selected>' in form.get_data(as_text=True)
    response = dsl.submit("/requests/new", asking_about(child))

    assert response.status_code == 302
    [made] = requests_of(child.id)
    assert response.headers["Location"] == f"/requests/{made.id}"
    assert "Amara" not in response.headers["Location"]
    assert (made.status, made.school_id, made.requested_by_id) == (
        "awaiting_triage",
        setting.school.id,
        setting.dsl.id,
    )
    assert made.agreement_id == services.current_agreement(child.id).id
    assert (made.reason, made.already_tried, made.child_views) == tuple(TYPED.values())
    [event] = audit_events("tas_request_made")
    assert event.target_id == made.id
    assert event.detail == {
        "child_id": child.id,
        "agreement_id": made.agreement_id,
        "fields": ["already_tried", "child_views", "reason"],
    }
    page = page_text(dsl.get(response.headers["Location"]))
    assert "Your request has been sent to the school's link worker for triage" in page
    assert "TAS request: Amara Okafor" in page
    assert "Status: Awaiting triage" in page
    assert TYPED["child_views"] in page


def test_the_schools_link_workers_are_told_at_once_without_the_childs_name(visitor, app):
    """A request waits for the link worker's triage: each link worker of the school (not
    another school's, not a deactivated one) gets an email and a notification naming the
    school, never the child, that leads to the request and says when it no longer waits."""
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Amara", last_name="Okafor")
    elsewhere = factories.user("link_worker", linked_schools=[factories.school()])
    gone = factories.user("link_worker", linked_schools=[setting.school], active=False)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    made = dsl.submit("/requests/new", asking_about(child))

    [request_row] = requests_of(child.id)
    [message] = queued_emails()
    subject = f"A request to discuss a child at {setting.school.name} is waiting for your triage"
    assert (message.recipients, message.subject) == (setting.link_worker.email, subject)
    raw = message.raw.decode()
    assert f"/requests/{request_row.id}" in raw
    assert "Amara" not in raw and "Okafor" not in raw
    assert elsewhere.email not in raw and gone.email not in raw
    assert made.status_code == 302
    link_worker = Visitor(app.test_client())
    assert link_worker.sign_in(setting.link_worker.email).status_code == 302
    listed = link_worker.get("/notifications").get_data(as_text=True)
    assert f'href="/requests/{request_row.id}"' in listed and subject in listed
    assert ">Nothing to do now</strong>" not in listed
    request_row.status = "advice_given"  # triaged since
    db.session.commit()
    assert ">Nothing to do now</strong>" in link_worker.get("/notifications").get_data(as_text=True)


def test_without_the_familys_agreement_the_request_is_refused_with_what_to_do(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school, agreed=False)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    response = dsl.submit("/requests/new", asking_about(child))

    assert response.status_code == 200
    assert error_summary(response) == {"child": services.NO_AGREEMENT_FOR_REQUEST}
    body = response.get_data(as_text=True)
    assert f">{TYPED['reason']}</textarea>" in body
    assert f">{TYPED['child_views']}</textarea>" in body
    assert f'href="/children/{child.id}/agreement"' in body
    assert 'href="/requests/ifd"' in body
    assert "If a child is at immediate risk, call 999" in page_text(response)
    assert requests_of(child.id) == []
    ifd = page_text(dsl.get("/requests/ifd"))
    assert "If a child is at immediate risk, call 999" in ifd
    assert "phones the Integrated Front Door (IFD) now" in ifd


def test_a_withdrawn_agreement_refuses_the_request_the_same_way(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school)
    services.current_agreement(child.id).withdrawn_on = date(2026, 11, 20)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    page = dsl.get(f"/requests/new?child={child.id}")
    assert "(no current agreement)" in page_text(page)
    assert f'href="/children/{child.id}/agreement"' in page.get_data(as_text=True)
    response = dsl.submit("/requests/new", asking_about(child))

    assert error_summary(response) == {"child": services.NO_AGREEMENT_FOR_REQUEST}
    assert requests_of(child.id) == []


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("reason", "Enter why you want the child discussed at TAS"),
        ("already_tried", "Enter what the school has already tried"),
        ("child_views", "Enter the child's own views"),
        ("child", "Select the child you want discussed"),
    ],
)
def test_a_missing_answer_is_asked_for_and_the_rest_kept(visitor, missing, message):
    setting = school_with_meeting()
    child = child_at(setting.school)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    response = dsl.submit("/requests/new", asking_about(child, **{missing: " "}))

    assert response.status_code == 200
    assert error_summary(response) == {missing: message}
    body = response.get_data(as_text=True)
    for name, text in TYPED.items():
        if name != missing:
            assert f">{text}</textarea>" in body
    assert requests_of(child.id) == []


def test_too_long_or_unusable_text_is_refused_not_a_500(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    long = dsl.submit("/requests/new", asking_about(child, reason="x" * 4001))
    odd = dsl.submit("/requests/new", asking_about(child, child_views="bad \x00 byte"))
    huge = dsl.submit("/requests/new", asking_about(child, child=str(2**40)))
    words = dsl.submit("/requests/new", asking_about(child, child="Amara"))
    superscript = dsl.get("/requests/new?child=\u00b2")  # a digit to str.isdigit, not to int()

    assert error_summary(long) == {
        "reason": "Why you want the child discussed must be 4,000 characters or fewer"
    }
    assert "child_views" in error_summary(odd)
    assert (huge.status_code, words.status_code, superscript.status_code) == (404, 404, 404)
    assert requests_of(child.id) == []


def test_a_second_open_request_for_the_same_child_is_refused(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school)
    waiting = factories.tas_request(child, setting.dsl)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    # Said as the form opens from the child's page, before anything is typed.
    opened = dsl.get(f"/requests/new?child={child.id}")
    assert "is already waiting for the link worker to triage it" in page_text(opened)
    assert f'href="/requests/{waiting.id}"' in opened.get_data(as_text=True)
    response = dsl.submit("/requests/new", asking_about(child))

    assert error_summary(response) == {"child": services.ALREADY_OPEN}
    assert len(requests_of(child.id)) == 1


def test_a_second_request_and_empty_answers_are_shown_at_once(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school)
    factories.tas_request(child, setting.dsl)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)

    response = dsl.submit(
        "/requests/new",
        {**asking_about(child), "reason": "", "already_tried": "", "child_views": ""},
    )

    summary = error_summary(response)
    assert summary["child"] == services.ALREADY_OPEN
    assert set(summary) == {"child", "reason", "already_tried", "child_views"}
    assert len(requests_of(child.id)) == 1


def test_school_staff_ask_only_about_children_a_dsl_granted_them(login_as):
    setting = school_with_meeting()
    granted = child_at(setting.school, first_name="Granted")
    not_granted = child_at(setting.school, first_name="Hidden")
    staff = login_as("school_staff", school=setting.school)
    db.session.add(
        StaffGrant(child_id=granted.id, user_id=staff.user.id, granted_by_id=setting.dsl.id)
    )
    db.session.commit()

    form = staff.get("/requests/new")
    assert "Granted" in page_text(form) and "Hidden" not in page_text(form)
    assert staff.get(f"/requests/new?child={not_granted.id}").status_code == 404
    refused = staff.submit("/requests/new", asking_about(not_granted))
    made = staff.submit("/requests/new", asking_about(granted))

    assert refused.status_code == 404
    assert made.status_code == 302
    assert requests_of(not_granted.id) == []
    [request] = requests_of(granted.id)
    assert request.requested_by_id == staff.user.id
    listed = page_text(staff.get("/requests"))
    assert "Granted" in listed


def test_staff_without_any_grant_cannot_ask(login_as):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Nobody")
    staff = login_as("school_staff", school=setting.school)

    page = staff.get("/requests/new")
    response = staff.submit("/requests/new", asking_about(child))

    assert "There are no children you can ask about" in page_text(page)
    assert "Nobody" not in page_text(page)
    assert response.status_code == 404
    assert requests_of(child.id) == []


@pytest.mark.parametrize("role", ["link_worker", "practitioner", "coordinator", "gp", "admin"])
def test_only_school_staff_ask_for_a_discussion(login_as, role):
    browser = login_as(role)
    assert browser.get("/requests/new").status_code == 403


def test_a_dsl_of_another_school_sees_nothing_of_the_request(login_as):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Zebedee")
    request = factories.tas_request(child, setting.dsl)
    db.session.commit()
    other = login_as("dsl")

    for response in (
        other.get(f"/requests/{request.id}"),
        other.get(f"/requests/{request.id}/withdraw"),
        other.submit(f"/requests/{request.id}/withdraw", {"version": "1"}, page="/requests"),
        other.get(f"/requests/new?child={child.id}"),
        other.submit("/requests/new", asking_about(child)),
    ):
        assert response.status_code == 404
        assert "Zebedee" not in response.get_data(as_text=True)
    assert "Zebedee" not in page_text(other.get("/requests"))
    assert saved(TasRequest, request.id).status == "awaiting_triage"


def test_the_childs_page_offers_a_request_to_those_who_may_ask(login_as):
    setting = school_with_meeting()
    child = child_at(setting.school)
    dsl = login_as("dsl", school=setting.school)
    link_worker = login_as("link_worker", linked_schools=[setting.school])

    assert f'href="/requests/new?child={child.id}"' in dsl.get(f"/children/{child.id}").text
    assert "Ask for this child to be discussed at TAS" in page_text(
        dsl.get(f"/children/{child.id}")
    )
    assert "Ask for this child" not in page_text(link_worker.get(f"/children/{child.id}"))


# ---------------------------------------------------------------- the list


def requests_at(school, requester, count: int, **fields) -> list[TasRequest]:
    made = []
    for n in range(count):
        child = child_at(school, first_name=f"Pupil{n:03d}")
        made.append(
            factories.tas_request(
                child,
                requester,
                requested_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC) + timedelta(hours=n),
                **fields,
            )
        )
    db.session.flush()
    return made


def test_each_dsl_lists_their_own_schools_requests_with_status(login_as):
    setting = school_with_meeting()
    [mine] = requests_at(setting.school, setting.dsl, 1, status="advice_given")
    other = school_with_meeting()
    theirs = child_at(other.school, first_name="Elsewhere")
    factories.tas_request(theirs, other.dsl)
    db.session.commit()
    dsl = login_as("dsl", school=setting.school)

    response = dsl.get("/requests")

    text = page_text(response)
    assert "Pupil000" in text and "Advice given" in text
    assert "Elsewhere" not in text
    assert f'href="/requests/{mine.id}"' in response.get_data(as_text=True)
    [event] = audit_events("tas_requests_listed")
    assert event.detail == {"request_ids": [mine.id], "page": 1}


def test_a_link_worker_sees_requests_to_triage_at_linked_schools_first(login_as):
    setting = school_with_meeting()
    done = requests_at(setting.school, setting.dsl, 2, status="accepted")
    waiting = child_at(setting.school, first_name="Waiting")
    factories.tas_request(
        waiting, setting.dsl, requested_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    )
    db.session.commit()
    link_worker = login_as("link_worker", linked_schools=[setting.school])

    text = page_text(link_worker.get("/requests"))

    assert text.index("Waiting") < text.index("Pupil001") < text.index("Pupil000")
    assert "Awaiting triage To triage" in text
    assert text.count("To triage") == 1
    assert len(done) == 2


def test_the_list_is_paged_and_its_query_count_is_fixed(app, login_as, count_queries):
    app.config["PAGE_SIZE"] = 5
    counts = []
    for size in (2, 30):
        setting = school_with_meeting()
        requests_at(setting.school, setting.dsl, size)
        db.session.commit()
        link_worker = login_as("link_worker", linked_schools=[setting.school])
        link_worker.get("/")
        with count_queries() as statements:
            response = link_worker.get("/requests")
        assert response.status_code == 200
        counts.append(len(statements))

    assert counts[0] == counts[1]
    text = page_text(response)
    assert "Requests: 30, page 1 of 6" in text
    assert "Pupil029" in text and "Pupil024" not in text
    second = page_text(link_worker.get("/requests?page=2"))
    assert "Pupil024" in second and "Pupil029" not in second
    assert "Pupil000" in page_text(link_worker.get("/requests?page=99"))  # the last page


@pytest.mark.parametrize("role", ["practitioner", "coordinator", "gp", "admin"])
def test_people_who_neither_ask_nor_triage_have_no_list(login_as, role):
    assert login_as(role).get("/requests").status_code == 403


# ---------------------------------------------------------------- reading and withdrawing


def test_reading_a_request_is_audited(login_as):
    setting = school_with_meeting()
    child = child_at(setting.school)
    request = factories.tas_request(child, setting.dsl)
    db.session.commit()
    dsl = login_as("dsl", school=setting.school)

    assert dsl.get(f"/requests/{request.id}").status_code == 200

    [event] = audit_events("tas_request_viewed")
    assert (event.target_type, event.target_id, event.detail) == (
        "TasRequest",
        request.id,
        {"child_id": child.id},
    )


def test_the_requester_withdraws_a_request_awaiting_triage(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school)
    request = factories.tas_request(child, setting.dsl)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)
    url = f"/requests/{request.id}/withdraw"

    assert "Withdraw this request" in page_text(dsl.get(f"/requests/{request.id}"))
    response = dsl.submit(url, {"version": "1"})

    assert response.status_code == 302
    assert saved(TasRequest, request.id).status == "withdrawn"
    [event] = audit_events("tas_request_withdrawn")
    assert event.target_id == request.id and event.detail == {"child_id": child.id}
    page = page_text(dsl.get(f"/requests/{request.id}"))
    assert "Status: Withdrawn" in page and "Withdraw this request" not in page


def test_only_the_requester_may_withdraw(login_as):
    setting = school_with_meeting()
    child = child_at(setting.school)
    request = factories.tas_request(child, setting.dsl)
    db.session.commit()
    colleague = login_as("dsl", school=setting.school)

    assert "Withdraw this request" not in page_text(colleague.get(f"/requests/{request.id}"))
    response = colleague.submit(
        f"/requests/{request.id}/withdraw", {"version": "1"}, page=f"/requests/{request.id}"
    )

    assert response.status_code == 403
    assert saved(TasRequest, request.id).status == "awaiting_triage"


def test_a_request_triaged_meanwhile_cannot_be_withdrawn(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school)
    request = factories.tas_request(child, setting.dsl)
    db.session.commit()
    dsl = signed_in(visitor, setting.dsl)
    url = f"/requests/{request.id}/withdraw"
    dsl.get(url)
    triaged = db.session.get(TasRequest, request.id)
    triaged.status, triaged.advice = "advice_given", "Try a nurture group"
    db.session.commit()

    response = dsl.submit(url, {"version": "1"})

    assert response.status_code == 409
    assert "This request was changed after you opened this page: advice given" in page_text(
        response
    )
    assert saved(TasRequest, request.id).status == "advice_given"
    assert audit_events("tas_request_withdrawn") == []
