"""Column types and connection settings shared by every domain's models, and the checks that
the application's database role cannot erase the audit log."""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import TypeDecorator

from tas.core.private_files import private_file


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC, on SQLite (no time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Engines already given their SQLite listeners (an engine may serve several apps: the tests'
# apps share one per database, so SQLAlchemy compiles each statement once).
_CONFIGURED: weakref.WeakSet[Engine] = weakref.WeakSet()


def sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database, or None when it lives in memory."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if engine.url.query.get("uri") in ("true", "1"):
        return None  # a file: URI may carry its own mode; left to whoever wrote it
    return Path(database)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL journal and a busy timeout so the web and scheduler processes share the file, which
    is owner-only: SQLite gives its -wal and -shm files the database file's mode. Once per
    engine, however many apps use it."""
    if engine.dialect.name != "sqlite" or engine in _CONFIGURED:
        return
    _CONFIGURED.add(engine)
    path = sqlite_file(engine)
    if path is not None and path.parent.is_dir():  # if not, SQLite's own error says so
        # Before SQLite opens (and would create) the file with the process's umask; once,
        # not on each new connection (private_file says why).
        private_file(path)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


AUDIT_TABLE = "audit_event"
AUDIT_TRIGGER = "audit_event_append_only"
FORBIDDEN_ON_AUDIT = ("UPDATE", "DELETE", "TRUNCATE")
NEEDED_ON_AUDIT = ("INSERT", "SELECT")
ROLE_FACTS = text(
    """
    SELECT current_user AS role,
           (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
           t.tableowner AS owner,
           pg_has_role(current_user, t.tableowner, 'MEMBER') AS owns,
           has_table_privilege(current_user, to_regclass(:table), 'UPDATE') AS may_update,
           has_table_privilege(current_user, to_regclass(:table), 'DELETE') AS may_delete,
           has_table_privilege(current_user, to_regclass(:table), 'TRUNCATE') AS may_truncate,
           has_table_privilege(current_user, to_regclass(:table), 'INSERT') AS may_insert,
           has_table_privilege(current_user, to_regclass(:table), 'SELECT') AS may_select,
           EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(:table)
                   AND tgname = :trigger AND tgenabled <> 'D') AS trigger_on
      FROM pg_tables t
     WHERE t.schemaname = current_schema() AND t.tablename = :table
    """
)


def audit_role_problems(connection: Connection) -> list[str]:
    """Why the role this connection uses could erase the audit log (docs/security.md G29), or what
    it lacks to write it. PostgreSQL only: SQLite has no roles (README, "Security")."""
    if connection.dialect.name != "postgresql":
        return []
    facts = (
        connection.execute(ROLE_FACTS, {"table": AUDIT_TABLE, "trigger": AUDIT_TRIGGER})
        .mappings()
        .first()
    )
    if facts is None:
        return ["The audit table does not exist: run flask --app tas db upgrade."]
    role = facts["role"]
    problems = []
    if facts["superuser"]:
        problems.append(
            f"The application connects to PostgreSQL as {role}, a superuser, which can erase "
            "the audit log: connect as a role without superuser rights (README, "
            '"Production deployment").'
        )
    if facts["owns"]:
        problems.append(
            f"The application connects as {role}, which owns the audit table (or is a member "
            f"of its owner {facts['owner']}): it could empty the table or drop its trigger. "
            "Run the migrations as the owner and connect the application as another role, "
            "named in TAS_DATABASE_APP_ROLE when the migrations run."
        )
    allowed = [p for p in FORBIDDEN_ON_AUDIT if facts[f"may_{p.lower()}"]]
    if allowed and not facts["owns"] and not facts["superuser"]:
        problems.append(
            f"The application's role {role} may {', '.join(allowed)} audit rows: as the owner, "
            f"run REVOKE {', '.join(allowed)} ON {AUDIT_TABLE} FROM {role}."
        )
    missing = [p for p in NEEDED_ON_AUDIT if not facts[f"may_{p.lower()}"]]
    if missing:
        problems.append(
            f"The application's role {role} may not {' or '.join(missing)} audit rows, so "
            "nothing could be recorded: as the owner, run the grants in the README's "
            "Production deployment section (migrating again changes nothing once at the latest "
            "revision)."
        )
    if not facts["trigger_on"]:
        problems.append(
            f"The audit table's {AUDIT_TRIGGER} trigger is missing or disabled: someone with "
            "the owner's rights changed it; restore it from migration 0001 and find out why."
        )
    return problems
