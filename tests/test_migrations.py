"""Migrations build exactly the models' schema, on SQLite and PostgreSQL, and go down and up."""

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tas import create_app
from tas.extensions import db, migrate
from tests.conftest import PG_ADMIN, test_config


def _differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


@pytest.mark.commits  # alembic compares on a connection of its own
def test_autogenerate_finds_nothing_to_change(app):
    assert _differences(app) == []


def test_there_is_one_head(app):
    config = migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def _down_and_up(uri, tmp_path):
    app = create_app(test_config(uri, tmp_path))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_migrations_go_down_and_up_again_on_sqlite(tmp_path):
    _down_and_up(f"sqlite:///{tmp_path / 'cycle.sqlite3'}", tmp_path)


def test_migrations_go_down_and_up_again_on_postgresql(tmp_path, request):
    request.getfixturevalue("postgres_database")  # skips when PostgreSQL is not there
    request.node.user_properties.append(("database", "postgresql"))
    name = f"tas_cycle_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _down_and_up(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", tmp_path)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
