"""An audit log the application cannot erase (docs/security.md G29, issue 11 section 4): on
PostgreSQL the migrations run as the owner and grant the application's role (a setting) only
SELECT and INSERT on audit rows; the database itself refuses the rest, and check-deploy says
when the application connects with more."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from flask_migrate import downgrade, upgrade
from psycopg import errors
from sqlalchemy import select

from tas import create_app
from tas.audit.models import AuditEvent
from tas.core.database import audit_role_problems
from tas.extensions import db
from tests import factories
from tests.conftest import PG_ADMIN, OwnContextClient, Visitor, test_config
from tests.production import production_environment

# One worker runs them all, in order, on one database migrated once.
pytestmark = pytest.mark.xdist_group("audit_role")

REFUSED = {
    "update": "UPDATE audit_event SET action = 'nothing_happened'",
    "delete": "DELETE FROM audit_event",
    "truncate": "TRUNCATE audit_event",
    "alter table": "ALTER TABLE audit_event ADD COLUMN note text",
    "disable trigger": "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
    "drop trigger": "DROP TRIGGER audit_event_append_only ON audit_event",
    "drop function": "DROP FUNCTION audit_event_append_only() CASCADE",
    "drop table": "DROP TABLE audit_event",
    "take ownership": "ALTER TABLE audit_event OWNER TO CURRENT_USER",
}


@dataclass
class Roles:
    role: str
    owner_uri: str  # postgres: ran the migrations, owns every table
    app_uri: str  # the application's role

    def psycopg(self, uri: str) -> str:
        return uri.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="module")
def roles(tmp_path_factory) -> Iterator[Roles]:
    """A role and a database of this test run's own (roles are cluster-wide, so the name is
    unique), migrated as postgres with TAS_DATABASE_APP_ROLE naming the role; both dropped."""
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            pass
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    suffix = uuid.uuid4().hex[:8]
    role, name = f"tas_app_{suffix}", f"tas_roles_{suffix}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'CREATE DATABASE "{name}"')
    base = "postgresql+psycopg://{}@127.0.0.1:5432/" + name
    found = Roles(role, base.format("postgres"), base.format(role))
    try:
        app = create_app(
            test_config(found.owner_uri, tmp_path_factory.mktemp("roles"), DATABASE_APP_ROLE=role)
        )
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield found
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def as_app(roles) -> Iterator[psycopg.Connection]:
    with psycopg.connect(roles.psycopg(roles.app_uri)) as connection:
        yield connection


@pytest.fixture(autouse=True)
def _postgresql(request):
    request.node.user_properties.append(("database", "postgresql"))


def test_the_application_role_adds_and_reads_audit_rows(roles, as_app):
    as_app.execute("INSERT INTO audit_event (at, action, detail) VALUES (now(), 'probe', '{}')")
    as_app.commit()
    count = as_app.execute("SELECT count(*) FROM audit_event WHERE action = 'probe'").fetchone()
    assert count == (1,)


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_application_role_cannot_change_or_erase_the_audit_log(roles, as_app, statement):
    with pytest.raises(errors.InsufficientPrivilege):
        as_app.execute(statement)
    as_app.rollback()
    trigger = as_app.execute(
        "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_event_append_only'"
    ).fetchone()
    assert trigger == ("O",)  # still there, still on


def test_the_application_role_cannot_grant_itself_more(roles, as_app):
    # PostgreSQL answers a grant without the right to grant with a warning, and grants nothing.
    as_app.execute("GRANT UPDATE, DELETE, TRUNCATE ON audit_event TO CURRENT_USER")
    as_app.commit()
    rights = as_app.execute(
        "SELECT has_table_privilege('audit_event', 'UPDATE'),"
        " has_table_privilege('audit_event', 'DELETE'),"
        " has_table_privilege('audit_event', 'TRUNCATE')"
    ).fetchone()
    assert rights == (False, False, False)


def test_the_application_works_as_its_role(roles, tmp_path):
    # Every other table stays the application's to read and write: signing in and out writes
    # a session, changes it, and adds audit rows.
    app = create_app(test_config(roles.app_uri, tmp_path))
    app.test_client_class = OwnContextClient
    with app.app_context():
        user = factories.user(role="dsl")
        db.session.commit()
        visitor = Visitor(app.test_client())
        assert visitor.sign_in(user.email).status_code == 302
        assert visitor.submit("/sign-out", page="/").status_code == 302
        db.session.expire_all()
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == user.id)
        ).all()
        assert actions == ["sign_in", "sign_out"]
        db.session.remove()
        db.engine.dispose()


def test_check_deploy_accepts_the_application_role(roles, tmp_path):
    app = create_app(test_config(roles.app_uri, tmp_path))
    with app.app_context(), db.engine.connect() as connection:
        assert audit_role_problems(connection) == []
    with app.app_context():
        db.engine.dispose()


def test_check_deploy_passes_a_safe_configuration(roles, tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TAS_", "FLASK_"))}
    environment.update(
        production_environment(
            TAS_INSTANCE_PATH=str(tmp_path), TAS_SQLALCHEMY_DATABASE_URI=roles.app_uri
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tas", "check-deploy"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERROR" not in result.stdout


def test_check_deploy_flags_a_connection_as_the_owner(roles, tmp_path):
    app = create_app(test_config(roles.owner_uri, tmp_path))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["check-deploy"])
        db.engine.dispose()
    assert result.exit_code == 1
    assert "ERROR: The application connects as postgres, which owns the audit table" in (
        result.output
    )
    assert "a superuser, which can erase the audit log" in result.output


def test_check_deploy_flags_an_application_role_that_may_change_audit_rows(roles, tmp_path):
    with psycopg.connect(roles.psycopg(roles.owner_uri), autocommit=True) as owner:
        owner.execute(f'GRANT UPDATE, TRUNCATE ON audit_event TO "{roles.role}"')
        try:
            app = create_app(test_config(roles.app_uri, tmp_path))
            with app.app_context():
                result = app.test_cli_runner().invoke(args=["check-deploy"])
                db.engine.dispose()
        finally:
            owner.execute(f'REVOKE UPDATE, TRUNCATE ON audit_event FROM "{roles.role}"')
    assert result.exit_code == 1
    assert f"role {roles.role} may UPDATE, TRUNCATE audit rows" in result.output


def test_the_grants_go_down_and_up_with_the_migrations(roles, tmp_path, as_app):
    app = create_app(test_config(roles.owner_uri, tmp_path, DATABASE_APP_ROLE=roles.role))
    with app.app_context():
        downgrade(revision="0007_sign_in_protection")
        with pytest.raises(errors.InsufficientPrivilege):
            as_app.execute("SELECT count(*) FROM audit_event")
        as_app.rollback()
        upgrade()
        db.engine.dispose()
    assert as_app.execute("SELECT count(*) FROM user_account").fetchone()[0] >= 0
    with pytest.raises(errors.InsufficientPrivilege):
        as_app.execute("DELETE FROM audit_event")
