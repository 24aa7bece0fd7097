"""The demo partnership: named accounts that sign in, loaded once, never in production."""

import pytest
from sqlalchemy import func, select

from tas.auth.factors import services as second_factors
from tas.demo import loading as demo
from tas.demo.data.partnership import WAIVER
from tas.extensions import db
from tas.organisations.models import Agency, Cluster, School, User

ACCOUNTS = {
    "admin@demo.tas.test": "admin",
    "coordinator@demo.tas.test": "coordinator",
    "dsl@oakfield.demo.tas.test": "dsl",
    "linkworker@demo.tas.test": "link_worker",
    "fim@demo.tas.test": "practitioner",
    "nurse@demo.tas.test": "practitioner",
    "gp@demo.tas.test": "gp",
}


def _counts():
    return [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Cluster, School, Agency, User)
    ]


def test_demo_data_creates_the_partnership_and_is_idempotent(app):
    demo.load()
    first = _counts()
    demo.load()
    assert _counts() == first == [2, 4, 7, 7]
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert {email: u.role for email, u in users.items()} == ACCOUNTS
    assert users["dsl@oakfield.demo.tas.test"].school.name == "Oakfield Primary"
    assert {s.name for s in users["linkworker@demo.tas.test"].linked_schools} == {
        "Oakfield Primary",
        "Castle Academy",
    }
    assert users["coordinator@demo.tas.test"].district_wide
    assert users["nurse@demo.tas.test"].is_safeguarding_lead
    assert users["nurse@demo.tas.test"].agency.name == "0-19 Service"
    assert users["gp@demo.tas.test"].agency.name == "Westgate Surgery"
    assert users["gp@demo.tas.test"].agency.is_gp_practice


@pytest.mark.demo
@pytest.mark.parametrize("email", sorted(ACCOUNTS))
def test_every_demo_account_signs_in_with_the_demo_password(app, visitor, email):
    response = visitor.sign_in(email, demo.DEMO_PASSWORD)
    assert response.status_code == 302
    assert visitor.get("/").status_code == 200


def test_demo_data_is_refused_in_production(app):
    app.config["ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "never loaded when TAS_ENV=production" in result.output
    assert _counts() == [0, 0, 0, 0]


def test_if_empty_leaves_a_database_with_users_alone(app):
    from tests import factories

    factories.user(role="admin")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(School)) == 0


def test_the_demo_waives_second_factors_even_when_it_was_loaded_before_they_came(app):
    """A demo database from before issue 16 gets the waiver when make run starts it again; a
    database of real people does not (test above)."""
    from tests import factories

    factories.user(role="admin", email="admin@demo.tas.test")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert "now sign in without a second factor" in result.output
    assert second_factors.waiver() == WAIVER
    again = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert "second factor" not in again.output


def test_a_database_of_real_people_keeps_the_requirement(app):
    from tests import factories

    factories.user(role="admin")
    db.session.commit()
    app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert second_factors.waiver() is None
