"""403 and 404 refusals of signed-in people on record URLs are logged (user id, route, record id,
never names or the query string) and counted; repeated refusals reach the audit log and a page
for administrators and district-wide coordinators (issue 11, section 3; docs/security.md G30)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tas.audit.models import AccessRefusal, AuditEvent
from tas.audit.refusals import page_name
from tas.config import Defaults
from tas.extensions import db
from tas.jobs import run_pass
from tests import factories
from tests.conftest import Visitor
from tests.pages import page_text

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PAGE = "/audit/refusals"
CHILD = {"first_name": "Zebedee", "last_name": "Quartermaine"}


def _refusals() -> list[AccessRefusal]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessRefusal).order_by(AccessRefusal.id)))


def _repeated() -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == "repeated_refusals")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def _other_schools_child():
    child = factories.child(**CHILD)
    db.session.commit()
    return child


def _refused_n_times(browser, child_id: int, times: int) -> None:
    for n in range(times):
        path = f"/children/{child_id}" if n % 2 else f"/children/{child_id}/family"
        assert browser.get(path).status_code in (403, 404), path


def test_the_repeated_refusals_limits_are_settings():
    assert Defaults.REPEATED_REFUSALS == 10
    assert Defaults.REPEATED_REFUSALS_WINDOW_MINUTES == 60


def test_refusals_on_record_urls_are_logged_without_names_or_the_query_string(
    app, login_as, caplog
):
    child = _other_schools_child()
    dsl = login_as("dsl")
    with caplog.at_level(logging.WARNING, logger="tas"):
        response = dsl.get(f"/children/{child.id}?search=Quartermaine&token=s3cret")
    assert response.status_code in (403, 404)
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Refused")]
    assert (
        line
        == f"Refused {response.status_code}: user {dsl.user.id}, children.child child_id {child.id}"
    )
    [row] = _refusals()
    assert (row.user_id, row.endpoint, row.record_ids, row.status) == (
        dsl.user.id,
        "children.child",
        {"child_id": child.id},
        response.status_code,
    )
    logged = caplog.text + repr(row.record_ids)
    for secret in ("Zebedee", "Quartermaine", "s3cret", "search="):
        assert secret not in logged


def test_403_refusals_are_counted_too(app, login_as):
    dsl = login_as("dsl")
    target = factories.user(role="dsl")
    db.session.commit()
    assert dsl.get(f"/admin/users/{target.id}").status_code == 403
    [row] = _refusals()
    assert (row.status, row.endpoint, row.record_ids) == (
        403,
        "organisations.user_change",
        {"user_id": target.id},
    )


def test_unknown_urls_pages_without_a_record_and_signed_out_visitors_are_not_counted(
    app, login_as, client
):
    child = _other_schools_child()
    dsl = login_as("dsl")
    assert dsl.get("/no-such-page/12").status_code == 404  # no URL rule
    assert dsl.get("/admin/users").status_code == 403  # a list, not a record
    assert client.get(f"/children/{child.id}").status_code == 302  # signed out
    assert dsl.get(f"/children/{2**40}").status_code == 404  # no rule takes such a number
    assert _refusals() == []


def test_repeated_refusals_reach_the_audit_log_once_per_window(app, login_as):
    child = _other_schools_child()
    with time_machine.travel(T0, tick=False) as clock:
        dsl = login_as("dsl")
        _refused_n_times(dsl, child.id, 9)
        assert _repeated() == []
        _refused_n_times(dsl, child.id, 1)
        [entry] = _repeated()
        assert entry.actor_id == dsl.user.id
        assert entry.detail == {
            "count": 10,
            "window_minutes": 60,
            "endpoints": {"children.child": 4, "children.family": 6},
        }
        assert entry.target_id is None and "Zebedee" not in repr(entry.detail)
        _refused_n_times(dsl, child.id, 10)  # still at it: the entry stands for the hour
        assert len(_repeated()) == 1
        clock.shift(timedelta(minutes=61))
        dsl = login_as("dsl", email="again@example.org")
        _refused_n_times(dsl, child.id, 10)
        assert len(_repeated()) == 2


def test_repeated_refusals_is_a_setting(make_app):
    app = make_app(REPEATED_REFUSALS=3)
    with app.app_context():
        child = _other_schools_child()
        someone = factories.user(role="dsl")
        db.session.commit()
        browser = Visitor(app.test_client())
        assert browser.sign_in(someone.email).status_code == 302
        _refused_n_times(browser, child.id, 3)
        assert [e.detail["count"] for e in _repeated()] == [3]


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_repeated_refusals_page_lists_people_for_district_coordinators_and_admins(
    app, login_as, role
):
    child = _other_schools_child()
    with time_machine.travel(T0, tick=False):
        snooper = login_as("practitioner", name="Sam Snooper")
        _refused_n_times(snooper, child.id, 10)
        viewer = login_as(role)  # a coordinator from the factory covers the whole district
        home = page_text(viewer.get("/"))
        assert "People refused access again and again" in home
        response = viewer.get(PAGE)
    assert response.status_code == 200
    text = page_text(response)
    assert "People refused access again and again" in text
    assert "Sam Snooper" in text and "Practitioner" in text
    assert snooper.user.agency.name in text
    assert "Child's record (5)" in text and "Child's record: family (5)" in text
    assert "children.child" not in text
    assert "2 March 2026" in text
    for secret in ("Zebedee", "Quartermaine", f"/children/{child.id}"):
        assert secret not in response.get_data(as_text=True)


def test_repeated_refusals_page_says_when_there_are_none(app, login_as):
    text = page_text(login_as("admin").get(PAGE))
    assert "Nobody has been refused again and again" in text


@pytest.mark.parametrize(
    "person",
    [
        {"role": "coordinator", "clusters": "yes"},
        {"role": "dsl"},
        {"role": "school_staff"},
        {"role": "link_worker"},
        {"role": "practitioner"},
        {"role": "gp"},
    ],
)
def test_repeated_refusals_page_is_refused_to_everyone_else(app, login_as, person):
    fields = {"clusters": [factories.cluster()]} if person.get("clusters") else {}
    browser = login_as(person["role"], **fields)
    assert browser.get(PAGE).status_code == 404
    assert "People refused access again and again" not in page_text(browser.get("/"))


def test_repeated_refusals_page_runs_the_same_queries_for_2_or_30(app, login_as, count_queries):
    child = _other_schools_child()
    counted = []
    with time_machine.travel(T0, tick=False) as clock:
        admin = login_as("admin")
        for size in (2, 30):
            for n in range(size):
                snooper = login_as(
                    "dsl" if n % 2 else "practitioner", email=f"s{size}-{n}@example.org"
                )
                _refused_n_times(snooper, child.id, 10)
            clock.shift(timedelta(minutes=1))
            admin.get("/")
            with count_queries() as statements:
                response = admin.get(PAGE)
            assert response.status_code == 200
            counted.append(len(statements))
        second = page_text(admin.get(f"{PAGE}?page=2"))
    assert counted[0] == counted[1]
    assert "32 times someone was refused again and again: page 1 of 2" in page_text(response)
    assert second.count("Child's record (5)") == 7


def test_a_row_counts_every_refusal_while_it_stood_once_the_hour_has_passed(app, login_as):
    child = _other_schools_child()
    with time_machine.travel(T0, tick=False) as clock:
        snooper = login_as("dsl", name="Sam Snooper")
        _refused_n_times(snooper, child.id, 10)
        clock.shift(timedelta(minutes=20))
        _refused_n_times(snooper, child.id, 15)
        assert snooper.get("/meetings/999999/calendar.ics").status_code == 404
        viewer = login_as("admin")
        while_it_stands = viewer.get(PAGE)
        clock.shift(timedelta(minutes=45))
        run_pass()
        afterwards = login_as("admin", email="later@example.org").get(PAGE)
        run_pass()  # added up once
    [entry] = _repeated()
    assert entry.detail["count"] == 10  # as it was when it was noticed
    for response in (while_it_stands, afterwards):
        text = page_text(response)
        assert "Sam Snooper" in text
        assert 'govuk-table__cell--numeric">26</td>' in response.get_data(as_text=True)
        assert "Child's record (12)" in text and "Child's record: family (13)" in text
        assert "Meeting: calendar file (1)" in text
    ended = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "repeated_refusals_ended")
    ).all()
    assert [(e.target_id, e.detail["count"]) for e in ended] == [(entry.id, 26)]


def test_refusals_going_on_past_one_window_are_counted_once(app, login_as):
    """Refused 10 times (an entry), 5 more half an hour on, then 5 more just after the hour,
    which with those 5 reach the limit again (a second entry): each refusal is counted in one
    row only, so the rows add up to what happened (20), never more (the 5 in the middle were
    counted in both)."""
    child = _other_schools_child()
    with time_machine.travel(T0, tick=False) as clock:
        snooper = login_as("dsl", name="Sam Snooper")
        _refused_n_times(snooper, child.id, 10)
        for minutes in (20, 10):  # kept signed in: half an hour on
            clock.shift(timedelta(minutes=minutes))
            assert snooper.get("/").status_code == 200
        _refused_n_times(snooper, child.id, 5)
        for minutes in (20, 11):  # an hour and a minute on
            clock.shift(timedelta(minutes=minutes))
            assert snooper.get("/").status_code == 200
        _refused_n_times(snooper, child.id, 5)
        assert len(_repeated()) == 2
        clock.shift(timedelta(minutes=61))
        run_pass()
    counts = sorted(
        e.detail["count"]
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "repeated_refusals_ended")
        )
    )
    assert sum(counts) == 20 and counts == [5, 15]


def test_page_names_say_what_the_page_is_about():
    assert page_name("/children/<int:child_id>") == "Child's record"
    assert page_name("/children/<int:child_id>/family/lives-with") == (
        "Child's record: family, lives with"
    )
    assert page_name("/meetings/<int:meeting_id>/calendar.ics") == "Meeting: calendar file"
    assert page_name("/emails/<int:message_id>/try-again") == "Email: try again"
    assert page_name("/meetings/<int:meeting_id>/agenda/<int:item_id>/minutes") == (
        "Meeting: agenda, minutes"
    )
