"""Short write transactions and named locks that hold across processes, on SQLite and PostgreSQL.

Counting rows and then adding one (sign-in attempts, password links, reminders) is a race when
two web workers or scheduler processes do it at once: both count, both add. Done inside
`write_transaction()` under `lock(name)`, one finishes before the other counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from tas.extensions import db


def dialect() -> str:
    """The name of the database in use: "sqlite" or "postgresql"."""
    return db.session.get_bind().dialect.name


@contextmanager
def write_transaction() -> Iterator[None]:
    """One short transaction, committed at the end (rolled back on an error). On SQLite it is
    an immediate transaction: it takes the database's write lock first, so another process
    waits for it (busy timeout) and then sees what this one did. On PostgreSQL callers take
    row locks or `lock()`."""
    db.session.commit()
    if dialect() == "sqlite":
        db.session.execute(text("BEGIN IMMEDIATE"))
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def lock_key(name: str) -> int:
    """A signed 64-bit number for a lock's name (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock(*names: str) -> None:
    """Hold a lock on each name until the transaction ends, so whatever is counted and added
    under a name is done by one request at a time. PostgreSQL: transaction advisory locks,
    taken in sorted order so two callers never wait for each other. SQLite: the immediate
    transaction of `write_transaction()` already holds the only write lock there is."""
    if dialect() != "postgresql":
        return
    for name in sorted(set(names)):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


def commit_keeping_loaded() -> None:
    """Commit, leaving what the session has loaded as it is rather than expired: for a commit
    that only adds a row of its own (the audit entry of a read), so that the signed-in person,
    their session and the record already read are not each read again straight after it."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@contextmanager
def each_statement_committed() -> Iterator[None]:
    """A run of single-statement writes, each committed by the database as it is made
    (autocommit) on one connection held for the run: one round trip a write rather than four
    (taking the connection, BEGIN, the write, COMMIT). For work where each write must last the
    moment it is made, and nothing is written that would need undoing with another."""
    db.session.commit()
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        yield
    except BaseException:
        db.session.rollback()  # what was written is kept; the session is usable again
        raise
    db.session.commit()  # ends the run: the connection goes back with its usual isolation
