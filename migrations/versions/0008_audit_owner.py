"""audit log the application cannot erase

On PostgreSQL the role that runs the migrations owns every table. Only an owner (or a
superuser) may TRUNCATE a table without the privilege, ALTER it, or drop or disable its trigger.
So when TAS_DATABASE_APP_ROLE names the role the application connects as, this migration grants
that role what the application needs and no more: reading and writing ordinary tables, but only
reading and adding audit rows (docs/security.md G29). Tables that later migrations create get the
same grants (default privileges of the owner). flask check-deploy verifies the result from the
application's side (tas/core/database.py audit_role_problems).

Without TAS_DATABASE_APP_ROLE this does nothing, and check-deploy will say the application
connects as the owner. SQLite has no roles: whoever can write the file can drop the triggers of
migration 0001, so there the audit log is append-only against the application's code, not
against someone holding the file (which is one reason production refuses SQLite).

Revision ID: 0008_audit_owner
Revises: 0007_sign_in_protection
Create Date: 2026-12-06 09:00:00

"""

from alembic import op
import sqlalchemy as sa
from flask import current_app

import tas.core.database  # noqa: F401


# revision identifiers, used by Alembic.
revision = "0008_audit_owner"
down_revision = "0007_sign_in_protection"
branch_labels = None
depends_on = None

AUDIT_TABLE = "audit_event"
VERSION_TABLE = "alembic_version"


def _app_role():
    """The quoted application role and schema, or None when there is nothing to grant."""
    bind = op.get_bind()
    role = current_app.config.get("DATABASE_APP_ROLE")
    if bind.dialect.name != "postgresql" or not role:
        return None
    owner, schema = bind.execute(sa.text("SELECT current_user, current_schema()")).one()
    if role == owner:
        raise RuntimeError(
            f"TAS_DATABASE_APP_ROLE is {role}, the role running the migrations, which owns "
            "the tables: name the other role, the one the application connects as."
        )
    quote = bind.dialect.identifier_preparer.quote
    return quote(role), quote(schema)


def upgrade():
    names = _app_role()
    if names is None:
        return
    role, schema = names
    for statement in (
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # The audit log: read and add, never change, delete or empty.
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_TABLE} FROM {role}, PUBLIC",
        # Only migrations move the schema version.
        f"REVOKE INSERT, UPDATE, DELETE ON {VERSION_TABLE} FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO {role}",
    ):
        op.execute(statement)


def downgrade():
    names = _app_role()
    if names is None:
        return
    role, schema = names
    for statement in (
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE USAGE ON SCHEMA {schema} FROM {role}",
    ):
        op.execute(statement)
