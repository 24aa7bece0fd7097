"""Column types and connection settings shared by every domain's models."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from tas.private_files import private_file


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
    is owner-only: SQLite gives its -wal and -shm files the database file's mode."""
    if engine.dialect.name != "sqlite":
        return
    path = sqlite_file(engine)

    @event.listens_for(engine, "do_connect")
    def _private(_dialect, _record, _args, _kwargs):
        # Before SQLite opens (and would create) the file with the process's umask.
        if path is not None:
            private_file(path)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
