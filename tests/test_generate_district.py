"""`flask generate-district`: benchmark data shaped like a district (issue 14), made in bulk on
an empty database, that every page can show and every account can sign in to."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tas.benchmark import district
from tas.benchmark.records import CHILDREN, nhs_start
from tas.children.models import Child
from tas.demo.data.children import nhs_numbers
from tas.demo.data.partnership import DEMO_PASSWORD
from tas.extensions import db
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import School, User
from tas.plans.models import AgencyInvolvement, OutcomeScore, SharedPlan
from tas.reminders.models import Reminder
from tests import factories
from tests.conftest import Visitor

SCALE = 0.2  # a fifth of a district: 30 schools, 600 children


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def signed_in(app, role: str, *where) -> Visitor:
    email = db.session.scalar(
        select(User.email).where(User.role == role, *where).order_by(User.id).limit(1)
    )
    browser = Visitor(app.test_client())
    assert browser.sign_in(email, DEMO_PASSWORD).status_code == 302, email
    return browser


def test_a_fifth_of_a_district_has_its_shape_and_every_page_shows_it(app):
    made = district.generate(SCALE, seed=7)

    assert made["schools"] == count(School) == 30
    assert made["children"] == count(Child) == 600
    assert made["open plans"] == count(SharedPlan) == 240
    assert made["meetings"] == count(Meeting) == 130
    assert count(Invitation) == 130 * 5
    assert made["reminders"] == count(Reminder) > 0
    # Outcomes scored when each plan started and at its reviews since, so that only some
    # plans show no progress (the drift flag), as in life.
    assert made["outcome scores"] == count(OutcomeScore) > 2 * 240
    # Caseloads as in life: a link worker covers 10 schools; an agency's busiest practitioner
    # is named on up to 40 children.
    workers = db.session.scalars(select(User).where(User.role == "link_worker")).all()
    assert [len(worker.linked_schools) for worker in workers] == [10, 10, 10]
    busiest = db.session.scalar(
        select(func.count())
        .select_from(AgencyInvolvement)
        .group_by(AgencyInvolvement.practitioner_id)
        .where(AgencyInvolvement.practitioner_id.is_not(None))
        .order_by(func.count().desc())
        .limit(1)
    )
    assert busiest == 40

    link_worker = signed_in(app, "link_worker")
    listing = link_worker.get("/children")
    assert listing.status_code == 200
    shown = re.search(r"(\d+) children", listing.get_data(as_text=True))
    assert shown and int(shown.group(1)) == 200  # the 10 schools' 20 children each
    for role, where, pages in (
        ("link_worker", (), ("/", "/meetings", "/requests", "/reviews")),
        ("practitioner", (User.is_safeguarding_lead.is_(False),), ("/", "/children", "/meetings")),
        ("coordinator", (User.district_wide.is_(True),), ("/", "/meetings", "/reviews")),
        ("dsl", (), ("/", "/children", "/meetings")),
    ):
        browser = signed_in(app, role, *where)
        for page in pages:
            assert browser.get(page).status_code == 200, (role, page)


def test_nothing_in_it_is_anyones_real_details(app):
    district.generate(0.1, seed=11)
    numbers = db.session.scalars(select(Child.nhs_number)).all()
    assert len(set(numbers)) == 300
    for number in numbers:  # NHS test range (999), with a valid check digit
        digits = [int(d) for d in number]
        check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
        assert number.startswith("999") and check % 11 == digits[9]
    emails = db.session.scalars(select(User.email)).all()
    assert all(email.endswith("@example.org") for email in emails)
    last_names = set(db.session.scalars(select(Child.last_name)))
    for subject in db.session.scalars(select(Reminder.subject)):
        assert not any(name in subject for name in last_names), subject


def test_a_regions_districts_get_nhs_numbers_of_their_own_in_the_test_range():
    for number in (1, 10, 170):
        first, *_, last = nhs_numbers(CHILDREN, start=nhs_start(number))
        assert len(first) == len(last) == 10 and last.startswith("999")
        assert int(last[:9]) < nhs_start(number + 1)


def test_it_is_refused_in_production_and_on_a_database_in_use(app):
    app.config["ENV"] = "production"
    refused = app.test_cli_runner().invoke(args=["generate-district", "--scale", "0.1"])
    assert refused.exit_code != 0 and "never made when TAS_ENV=production" in refused.output
    app.config["ENV"] = "development"
    factories.user(role="admin")
    db.session.commit()
    in_use = app.test_cli_runner().invoke(args=["generate-district", "--scale", "0.1"])
    assert in_use.exit_code != 0 and "already has people" in in_use.output
    assert count(School) == 0


def test_the_command_says_what_it_made(app):
    result = app.test_cli_runner().invoke(args=["generate-district", "--scale", "0.1"])
    assert result.exit_code == 0, result.output
    assert "Made 18 schools" in result.output and "300 children" in result.output
    assert f"Password for every account: {DEMO_PASSWORD}" in result.output
