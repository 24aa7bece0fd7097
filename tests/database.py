"""Each test's database work in one transaction on one connection, rolled back at its end.

Every session a test opens (its own, each request's, each app's) joins that connection through
a savepoint of its own (SQLAlchemy's "joining a session into an external transaction"): what a
session commits is released into the test's transaction, what it rolls back is undone, and at
the end of the test everything is rolled back. Tests that need real commits seen by another
connection, thread or process (`@pytest.mark.commits`) keep a database emptied after each test
instead (tests/conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_sqlalchemy.session import Session
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from tas.extensions import db

SAVEPOINT = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) (\w+)$")
WRITE = re.compile(r"(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# tas.core.transactions.write_transaction takes SQLite's write lock with BEGIN IMMEDIATE. The
# test's transaction began IMMEDIATE, so it holds that lock already; SQLite refuses a BEGIN
# inside a transaction, so the statement becomes a comment, which SQLite runs as nothing.
BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"
LOCK_HELD = "-- BEGIN IMMEDIATE: the test's transaction holds the write lock already"
NOTHING = "SELECT 1 WHERE 1 = 0"


class OneConnectionSession(Session):
    """Flask-SQLAlchemy's session, except that a session made with a connection uses it
    (Flask-SQLAlchemy's own get_bind would take the app's engine)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and isinstance(self.bind, Connection):
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    def connection(self, bind_arguments=None, execution_options=None):
        """The test's connection is inside the test's transaction, which is never committed:
        a run of writes asking for autocommit (tas.core.transactions.each_statement_committed)
        writes into it like any other, each write then released with the session's savepoint."""
        if isinstance(self.bind, Connection) and execution_options:
            execution_options = {
                key: value for key, value in execution_options.items() if key != "isolation_level"
            }
        return super().connection(bind_arguments, execution_options or None)


db.session = db._make_scoped_session({"class_": OneConnectionSession})


@dataclass
class Savepoint:
    """A session's savepoint on the test's connection: whether the session wrote under it,
    whether it is set aside while a session opened after it works, and whether such a session
    committed inside it (when it could not be set aside)."""

    name: str
    wrote: bool = False
    set_aside: bool = False
    holds_others: bool = False


class SessionJoinedLater(AssertionError):
    pass


class TestTransaction:
    """The connection every session of one test uses, and the transaction rolled back at the
    end. Only one test runs at a time in a process, so `current` is the one in progress.

    Sessions nest: the test's own session may have a savepoint open (it read something) when a
    request's session begins. A real rollback of the test's session, on a connection of its
    own, would never undo what the request committed; so a savepoint that has not written is
    released while a later session works and taken again after it (`_watch`, `_resume`), and
    rolling it back undoes only what its own session did."""

    __test__ = False
    current: TestTransaction | None = None

    def __init__(self, engine: Engine):
        self.url = engine.url
        self.connection = engine.connect()
        self.sqlite = engine.dialect.name == "sqlite"
        self.savepoints: list[Savepoint] = []
        self.ending = False
        if self.sqlite:
            # pysqlite begins a transaction only before a write, so a SAVEPOINT would start
            # one and its RELEASE commit to the file: driver autocommit, and an explicit BEGIN
            # (SQLAlchemy's documented recipe for SQLite savepoints).
            self.driver = self.connection.connection.driver_connection
            self.driver.isolation_level = None
        self.outer = self.connection.begin()
        if self.sqlite:
            self.connection.exec_driver_sql(BEGIN_IMMEDIATE)
        else:
            self.connection.exec_driver_sql(_first_ids(self.connection))
        event.listen(self.connection, "before_cursor_execute", self._watch, retval=True)
        event.listen(self.connection, "after_cursor_execute", self._resume)
        db.session.session_factory.configure(
            bind=self.connection, join_transaction_mode="create_savepoint"
        )
        TestTransaction.current = self

    def _watch(self, _conn, cursor, statement, parameters, _context, _executemany):
        """Follow the sessions' savepoints (see the class)."""
        if self.sqlite and statement.strip().upper() == BEGIN_IMMEDIATE:
            return LOCK_HELD, parameters
        found = SAVEPOINT.match(statement.strip())
        if not found:
            if self.savepoints and WRITE.match(statement.lstrip()):
                self.savepoints[-1].wrote = True
            return statement, parameters
        command, name = found.groups()
        top = self.savepoints[-1] if self.savepoints else None
        if command == "SAVEPOINT":
            if top and not top.wrote and not top.set_aside:
                cursor.execute(f"RELEASE SAVEPOINT {top.name}")
                top.set_aside = True
            self.savepoints.append(Savepoint(name))
            return statement, parameters
        if self.ending:
            return self._ending(name, statement), parameters
        if top is None or top.name != name:
            raise SessionJoinedLater(
                f"{statement}: sessions ended in another order than they began (threads?): "
                "mark the test @pytest.mark.commits so that it runs on real connections."
            )
        self.savepoints.pop()
        below = self.savepoints[-1] if self.savepoints else None
        if command == "RELEASE SAVEPOINT":
            if below and not below.set_aside and (top.wrote or top.holds_others):
                below.holds_others = True
        elif top.holds_others:
            raise SessionJoinedLater(
                "A session rolled back after another session committed inside its savepoint "
                "(it had written before the other began): on one connection that would undo "
                "the other's commit too. Mark the test @pytest.mark.commits so that it runs on "
                "real connections."
            )
        return statement, parameters

    def _resume(self, _conn, cursor, statement, *_args):
        """Take again the savepoint set aside, once the sessions opened after it have ended."""
        top = self.savepoints[-1] if self.savepoints else None
        if top and top.set_aside and not self.ending and SAVEPOINT.match(statement.strip()):
            cursor.execute(f"SAVEPOINT {top.name}")
            top.set_aside = False
            top.wrote = False

    def _ending(self, name: str, statement: str) -> str:
        """The test is over and everything will be rolled back: sessions close in any order,
        and a savepoint set aside no longer exists to be released or rolled back to."""
        names = [savepoint.name for savepoint in self.savepoints]
        if name not in names:
            return statement
        gone = self.savepoints[names.index(name)].set_aside
        del self.savepoints[names.index(name) :]
        return NOTHING if gone else statement

    def end(self) -> None:
        """Close every session, roll everything back and give the connection back."""
        self.ending = True
        for session in db.session.registry.registry.values():
            session.close()
        db.session.registry.registry.clear()
        db.session.session_factory.kw.pop("bind", None)
        db.session.session_factory.kw.pop("join_transaction_mode", None)
        TestTransaction.current = None
        still_open = self.outer.is_active
        self.outer.rollback()
        if self.sqlite:
            self.driver.isolation_level = ""  # pysqlite's default, for the next checkout
        self.connection.close()
        assert still_open, "something ended the test's transaction: mark the test `commits`"

    @classmethod
    def refuse_second_connection(cls, engine: Engine) -> None:
        """Fail a test that opens a second connection to its database: that connection would
        not see the test's transaction, and what it commits would outlive the test."""

        @event.listens_for(engine, "checkout")
        def _refuse(*_args):
            test = cls.current
            if test is not None and test.url == engine.url:
                raise SecondConnection(
                    "This test opened a second connection to its database (a thread, another "
                    "engine, db.engine.begin()): mark it @pytest.mark.commits."
                )


FIRST_IDS: dict[str, str] = {}


def _first_ids(connection: Connection) -> str:
    """One statement setting every PostgreSQL sequence back to where the committed database
    has it (1 on an empty database, past the demo's rows on the demo's): sequences are not
    rolled back, and tests read ids (IFD-0001) as a new database gives them. setval is not
    transactional, which is what is wanted here; no row is ever committed, so no id is taken
    twice. Worked out the first time a test runs on the database, before any test moves them."""
    database = connection.engine.url.database
    if database not in FIRST_IDS:
        sequences = connection.execute(
            text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        ).all()
        FIRST_IDS[database] = "SELECT " + ", ".join(
            f"setval('\"{name}\"', 1, false)"
            if last is None
            else f"setval('\"{name}\"', {int(last)}, true)"
            for name, last in sequences
        )
    return FIRST_IDS[database]


class SecondConnection(AssertionError):
    pass
