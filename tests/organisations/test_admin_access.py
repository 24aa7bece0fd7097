"""Only administrators reach the admin screens, and every list page costs the same queries."""

import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from tas.audit.models import AuditEvent
from tas.auth.factors.models import AuthenticatorApp
from tas.core.clock import utcnow
from tas.extensions import db
from tas.organisations.models import User
from tas.organisations.rules import ROLES
from tests import factories
from tests.organisations.test_users import give_open_work, open_work_on
from tests.pages import audit_events, field_value, saved

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

NON_ADMIN_ROLES = [choice.code for choice in ROLES if choice.code != "admin"]


def admin_pages(app) -> list[tuple[str, frozenset[str]]]:
    """Every /admin URL, for one record of each kind, with the methods it answers."""
    school, agency, user = factories.school(), factories.agency(), factories.user(role="dsl")
    db.session.flush()
    # A second factor to reset: with none, the reset page says so and goes back (a redirect).
    db.session.add(AuthenticatorApp(user_id=user.id, sealed_secret="x", confirmed_at=utcnow()))
    db.session.commit()
    ids = {
        "school_id": school.id,
        "cluster_id": school.cluster_id,
        "agency_id": agency.id,
        "user_id": user.id,
    }
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith("/admin"):
                url = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
                pages.append((url, frozenset(rule.methods)))
    assert len(pages) >= 15
    return pages


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_no_other_role_can_open_or_send_any_admin_page(app, login_as, role):
    someone = login_as(role)
    pages = admin_pages(app)
    target = db.session.scalar(select(User).where(User.role == "dsl").order_by(User.id.desc()))
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))

    for url, methods in pages:
        if "GET" in methods:
            assert someone.get(url).status_code == 403, url
        if "POST" in methods:
            sent = someone.submit(url, {"name": "Changed", "role": "admin"}, page="/")
            assert sent.status_code == 403, url

    assert saved(User, target.id).active is True
    assert saved(User, someone.user.id).role == role
    # Nothing is audited but the refusals themselves: someone refused record after record is
    # noted once in the audit log (tas/audit/refusals.py).
    noted = AuditEvent.action == "repeated_refusals"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(~noted)) == events_before
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(noted)) == 1


def test_every_admin_page_has_a_title_and_a_heading(app, login_as):
    admin = login_as("admin")

    for url, methods in admin_pages(app):
        if "GET" not in methods:
            continue
        body = admin.get(url).get_data(as_text=True)
        title = re.search(r"<title>\s*(.*?)\s*</title>", body, re.S).group(1)
        heading = re.search(r'<h1 class="govuk-heading-l">\s*(.*?)\s*</h1>', body, re.S)
        assert heading and title.startswith(heading.group(1)), url
        assert title.endswith("– TAS Coordinator"), url


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_no_other_role_can_ask_or_confirm_deactivating_someone_with_open_work(login_as, role):
    worker = factories.user("link_worker", name="Lee Link")
    db.session.flush()
    give_open_work(worker)
    someone = login_as(role)
    url = f"/admin/users/{worker.id}/deactivate"
    numbers = "reviews:1,actions:1,plans:1,involvements:1,meetings:2,requests:1"

    asked = someone.submit(url, page="/")
    confirmed = someone.submit(url, {"open_work": numbers})

    assert (asked.status_code, confirmed.status_code) == (403, 403)
    assert open_work_on(asked) == {}
    assert saved(User, worker.id).active is True
    assert audit_events("user_deactivated") == []


def test_the_user_page_and_the_question_run_the_same_queries_however_much_work(
    login_as, count_queries
):
    admin = login_as("admin")
    counted = []
    for times in (1, 4):
        worker = factories.user("link_worker")
        db.session.flush()
        give_open_work(worker, times)
        url = f"/admin/users/{worker.id}"
        admin.get("/")
        with count_queries() as page_statements:
            page = admin.get(url)
        token = field_value(page, "csrf_token")
        with count_queries() as question_statements:
            asked = admin.submit(f"{url}/deactivate", {"csrf_token": token})
        assert open_work_on(page)["Reviews"] == open_work_on(asked)["Reviews"] == times
        counted.append((len(page_statements), len(question_statements)))

    assert counted[0] == counted[1]
