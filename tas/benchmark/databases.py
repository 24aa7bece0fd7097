"""PostgreSQL databases made for one run (the benchmark's, the tests') and dropped at its end,
on the server every machine of the project has at 127.0.0.1:5432 (user postgres, trust)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway_postgres(purpose: str, template: str | None = None) -> Iterator[str]:
    """The address of a new database named for its purpose, empty or a copy of the database at
    `template` (which nobody may be connected to); dropped afterwards, whoever is still
    connected to it."""
    name = f"tas_{purpose}_{uuid.uuid4().hex[:8]}"
    copied = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copied}')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
