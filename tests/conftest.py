"""Fixtures: an app on SQLite and on PostgreSQL, each test's database work rolled back at its end
(tests/database.py), signed-in clients, small factories, a query counter and a real SMTP server on
loopback."""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.ctx import RequestContext
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import generate_csrf
from jinja2 import BytecodeCache
from sqlalchemy import event, text
from werkzeug.routing import Rule
from werkzeug.test import EnvironBuilder

from tas import create_app
from tas.benchmark.databases import PG_ADMIN, throwaway_postgres
from tas.demo import loading as demo
from tas.extensions import db
from tests import factories
from tests.database import SAVEPOINT, TestTransaction

BACKENDS = ("sqlite", "postgresql")
TEST_SECRET = "test-only-secret-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
CHEAP_HASHING = {
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 8,
    "PASSWORD_HASH_PARALLELISM": 1,
}
postgresql_tests = {"count": 0}


def test_config(uri: str, tmp: Path, **extra) -> dict:
    """Settings for a test app: its own database and outbox folder, cheap password hashing."""
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": uri,
        "OUTBOX_DIR": str(tmp / "outbox"),
        "BASE_URL": "https://tas.example.org",
        "MAIL_SERVER": None,
        # The suite's people sign in with a password alone, unless a test asks for second
        # factors (tests/auth/factors/): a fresh install requires them of every role, which
        # tests/auth/factors/test_requirement.py shows with the defaults.
        "SECOND_FACTOR_ROLES": "",
        # Nor are they asked to confirm it is them again when a test moves the clock on by
        # hours between signing in and a powerful action: tests/auth/factors/test_fresh.py
        # uses the default ten minutes.
        "FRESH_SIGN_IN_MINUTES": 24 * 60,
        **CHEAP_HASHING,
        **extra,
    }


test_config.__test__ = False  # a helper, not a test, wherever it is imported


def _postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _migrate(uri: str, tmp: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(test_config(uri, tmp))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated once; each test that commits (`commits`) gets a copy."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def sqlite_database(sqlite_template) -> Path:
    """The template's copy every other test of this worker uses, each in a transaction rolled
    back at its end, so nothing is ever committed to it."""
    path = sqlite_template.with_name("rolled-back.sqlite3")
    shutil.copy(sqlite_template, path)
    return path


def _load_demo(uri: str, folder: Path) -> None:
    """Load the demo partnership into this (migrated) database, committed."""
    app = create_app(test_config(uri, folder))
    with app.app_context():
        demo.load()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template) -> Path:
    """The template with the demo partnership loaded once per test process, never opened
    again: the tests marked `demo` and the browser's live server each use a copy of it."""
    path = sqlite_template.with_name("demo-template.sqlite3")
    shutil.copy(sqlite_template, path)
    _load_demo(f"sqlite:///{path}", path.parent)
    return path


@pytest.fixture(scope="session")
def sqlite_demo_database(sqlite_demo_template) -> Path:
    """The demo partnership for the tests marked `demo`, each in a transaction rolled back."""
    path = sqlite_demo_template.with_name("demo.sqlite3")
    shutil.copy(sqlite_demo_template, path)
    return path


def _fresh_copy(template: Path, path: Path) -> None:
    """The template as a new file at `path`: one path per worker, so its apps share an engine.
    The last test's connections are closed (make_app disposes of them); its WAL and shared
    memory files go, and the copy is a new file, never the old one rewritten in place."""
    for leftover in (f"{path}-wal", f"{path}-shm"):
        Path(leftover).unlink(missing_ok=True)
    copy = path.with_suffix(".new")
    shutil.copy(template, copy)
    copy.replace(path)


@pytest.fixture(scope="session")
def postgres_database(tmp_path_factory, worker_id) -> Iterator[str]:
    """A PostgreSQL database this test run creates, migrates once, and drops at the end."""
    with _postgres_database("test", worker_id) as uri:
        _migrate(uri, tmp_path_factory.mktemp("pg-migrate"))
        yield uri


@contextmanager
def _postgres_database(purpose: str, worker_id: str, template: str | None = None) -> Iterator[str]:
    """A PostgreSQL database made for this test run (a copy of `template`, if given), and
    dropped at its end."""
    if not _postgres_available():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    with throwaway_postgres(f"{purpose}_{worker_id}", template) as uri:
        yield uri


@pytest.fixture(scope="session")
def postgres_demo_template(tmp_path_factory, worker_id) -> Iterator[str]:
    """A PostgreSQL database with the demo partnership loaded once per test process, which
    nobody connects to again: the tests marked `demo` and the browser's live server each use
    a copy (CREATE DATABASE ... TEMPLATE copies its files, far quicker than loading)."""
    with _postgres_database("demo_template", worker_id) as uri:
        folder = tmp_path_factory.mktemp("pg-demo")
        _migrate(uri, folder)
        _load_demo(uri, folder)
        yield uri


@pytest.fixture(scope="session")
def postgres_demo_database(postgres_demo_template, worker_id) -> Iterator[str]:
    """The demo partnership on PostgreSQL for the tests marked `demo`."""
    with _postgres_database("demo", worker_id, template=postgres_demo_template) as uri:
        yield uri


def _truncate_postgres(app) -> None:
    """Empty every table and restart every id, as TRUNCATE ... RESTART IDENTITY would, but with
    DELETE: on tables holding a test's few rows it is five times faster (TRUNCATE makes new
    files for every table). Triggers are off for this transaction only (the test database's
    superuser may), so the audit log's append-only trigger and the foreign keys let it through."""
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql(_emptying(connection))
        db.engine.dispose()


EMPTYING: dict[str, str] = {}


def _emptying(connection) -> str:
    """Every statement that empties the database, as one script sent in one round trip (psycopg
    takes several statements when there are no parameters), worked out once per database."""
    database = connection.engine.url.database
    if database not in EMPTYING:
        sequences = connection.scalars(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        ).all()
        EMPTYING[database] = ";\n".join(
            [
                "SET LOCAL session_replication_role = replica",
                *(
                    str(table.delete().compile(dialect=connection.dialect))
                    for table in db.metadata.sorted_tables
                ),
                *(f'ALTER SEQUENCE "{sequence}" RESTART' for sequence in sequences),
            ]
        )
    return EMPTYING[database]


class OneEnginePerDatabase(SQLAlchemy):
    """Every test builds an app, and Flask-SQLAlchemy gives each app a new engine, which
    compiles every SQL statement again (a fifth of a quick test's time). The tests' apps on one
    database with the same options share one engine instead, and so its compiled statements;
    a test that commits still disposes of its connections at the end (make_app)."""

    shared: dict = {}

    def _make_engine(self, bind_key, options, app):
        key = repr(sorted((name, repr(value)) for name, value in options.items()))
        if key not in self.shared:
            self.shared[key] = super()._make_engine(bind_key, options, app)
            TestTransaction.refuse_second_connection(self.shared[key])
        return self.shared[key]


db.__class__ = OneEnginePerDatabase


class CompiledOnceRule(Rule):
    """A URL rule parsed and compiled once per test process, not once per app.

    Every test builds an app, and Werkzeug parses each of its ~140 URL rules and compiles two
    Python functions to build its URLs (about 100 ms an app, half a quick test's time). What it
    makes depends only on the rule, its options and the map's converter classes, none of which
    keep state (tas.web.DatabaseIdConverter neither): the same rule in the next app reuses the
    parsed parts, variables and converters, and gets the same builder functions, bound to
    itself."""

    parsed: dict = {}
    builders: dict = {}

    def compile(self) -> None:
        converters = tuple(sorted((name, id(kind)) for name, kind in self.map.converters.items()))
        key = (
            self.rule,
            self.host,
            self.subdomain,
            self.merge_slashes,
            self.map.host_matching,
            self.map.merge_slashes,
            converters,
        )
        if key not in self.parsed:
            super().compile()
            variables = {data for is_dynamic, data in self._trace if is_dynamic}
            self.parsed[key] = (list(self._parts), list(self._trace), self._converters, variables)
            return
        parts, trace, parsed_converters, variables = self.parsed[key]
        self._parts, self._trace, self._converters = list(parts), list(trace), parsed_converters
        self.arguments |= variables
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    def _compile_builder(self, append_unknown: bool = True):
        defaults = tuple(
            sorted((name, repr(value)) for name, value in (self.defaults or {}).items())
        )
        converters = tuple(sorted((name, type(c).__name__) for name, c in self._converters.items()))
        key = (tuple(self._trace), defaults, converters, append_unknown)
        if key not in self.builders:
            self.builders[key] = super()._compile_builder(append_unknown)
        return self.builders[key]


Flask.url_rule_class = CompiledOnceRule  # test processes only


class OwnContextClient(FlaskClient):
    """A test client whose requests each run in a fresh app context, as in production.

    The `app` fixture keeps an app context open for the test's own database work; Flask would
    reuse it for every request, carrying `g` (the CSRF token, the signed-in user) and the
    database session from one request, and one browser, to the next.
    """

    def open(self, *args, **kwargs):
        # A streamed response (an export) must be asked for with buffered=True: it is then
        # read whole inside the request's own context, as a server reads it.
        return contextvars.Context().run(super().open, *args, **kwargs)


class SharedBytecodeCache(BytecodeCache):
    """Templates compiled once per test process rather than once per app."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecodeCache()


def pytest_generate_tests(metafunc):
    """Every integration test runs on SQLite (the embedded default) and PostgreSQL
    (production's), except view-level modules (`pages`: what pages and forms show, and to whom),
    which run on PostgreSQL alone, as issue 13 allows once the rollback change left the suite
    over its target. The browser journeys (the same pages, on SQLite), the migrations, the
    access rules' queries, and the tests of what the databases do differently (locking,
    constraints, dates, concurrency, search) keep SQLite."""
    if "backend" in metafunc.fixturenames:
        pages = metafunc.definition.get_closest_marker("pages") is not None
        metafunc.parametrize("backend", ("postgresql",) if pages else BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """Which database this test runs on (pytest_generate_tests chooses)."""
    if request.param == "postgresql":
        request.node.user_properties.append(("database", "postgresql"))
    return request.param


def _database_uri(request, backend: str, commits: bool) -> str:
    if request.node.get_closest_marker("demo") is not None:
        assert not commits, "a test on the shared demo database never commits"
        if backend == "postgresql":
            return request.getfixturevalue("postgres_demo_database")
        return f"sqlite:///{request.getfixturevalue('sqlite_demo_database')}"
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database")
    if not commits:
        return f"sqlite:///{request.getfixturevalue('sqlite_database')}"
    path = request.getfixturevalue("sqlite_template").with_name("test.sqlite3")
    _fresh_copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


class SharedApps:
    """One app per database for each test process, shared by the tests that need no settings
    of their own: building an app, and loading its templates the first time it renders them,
    cost more than a quick test itself. Each test gets the settings back as they were built
    and its own outbox folder; nothing else of a test is left in the app (its database work
    is rolled back, and every request runs in an app context of its own)."""

    apps: dict[str, Flask] = {}
    settings: dict[str, dict] = {}

    @classmethod
    def get(cls, uri: str, tmp_path: Path) -> Flask:
        if uri not in cls.apps:
            cls.apps[uri] = _new_app(uri, tmp_path)
            cls.settings[uri] = dict(cls.apps[uri].config)
        application = cls.apps[uri]
        application.config["OUTBOX_DIR"] = str(tmp_path / "outbox")
        return application

    @classmethod
    def reset(cls, application: Flask) -> None:
        for uri, shared in cls.apps.items():
            if shared is application:
                application.config.clear()
                application.config.update(cls.settings[uri])


def _new_app(uri: str, tmp_path: Path, **extra) -> Flask:
    application = create_app(test_config(uri, tmp_path, **extra))
    application.test_client_class = OwnContextClient
    application.jinja_env.bytecode_cache = TEMPLATES
    return application


@pytest.fixture
def make_app(request, backend, tmp_path):
    """Apps on this test's database: the worker's shared app for that database
    (`SharedApps`), or a new one when the test asks for settings of its own, adds routes of its
    own (`own_app`) or commits. Every app's sessions share the test's transaction
    (tests/database.py), rolled back at the end; a test marked `commits` gets a database of its
    own, emptied after it, instead."""
    commits = request.node.get_closest_marker("commits") is not None
    own = commits or request.node.get_closest_marker("own_app") is not None
    uri = _database_uri(request, backend, commits)
    built = []
    transaction: list[TestTransaction] = []

    def build(**extra):
        if extra or own:
            application = _new_app(uri, tmp_path, **extra)
        else:
            application = SharedApps.get(uri, tmp_path)
        if not commits and not transaction:
            with application.app_context():
                transaction.append(TestTransaction(db.engine))
        built.append(application)
        return application

    build.backend = backend  # production refuses SQLite: tests/auth/helpers.py production_app
    yield build
    for test in transaction:
        test.end()
    for application in built:
        SharedApps.reset(application)
    if not commits:
        return
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if backend == "postgresql":
        _truncate_postgres(built[0] if built else create_app(test_config(uri, tmp_path)))


@pytest.fixture
def app(make_app):
    """The application on this test's database (SQLite and PostgreSQL)."""
    application = make_app()
    with application.app_context():
        yield application
        if TestTransaction.current:
            # The test is over: its session may roll back whatever it likes.
            TestTransaction.current.ending = True


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token in a page's forms (every signed-in page has one in its header)."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1)


class Visitor:
    """A test client that submits forms the way a browser does: with its session's CSRF token."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self, url="/sign-in") -> str:
        """The CSRF token on the page at `url`, fetched as a browser fetches it."""
        page = self.client.get(url)
        if page.status_code in (301, 302):
            page = self.client.get(page.headers["Location"])
        return csrf_from(page.get_data(as_text=True))

    def session_token(self) -> str:
        """The CSRF token any page of this browser's session would carry, made by Flask-WTF
        in a request holding the browser's session cookie, without rendering a page: fetching
        the page first was nearly half the time of each form a test submitted."""
        application = self.client.application

        def made() -> str:
            site = getattr(self.client, "site", None)  # the host its session cookie is for
            with self.client.session_transaction(base_url=site) as session:
                environ = EnvironBuilder(base_url=site).get_environ()
                with RequestContext(application, environ, session=session):
                    return generate_csrf()

        # A context of its own, as every request has (OwnContextClient): Flask-WTF keeps the
        # token in `g`, which must not be the test's.
        return contextvars.Context().run(made)

    def submit(self, url, data=None, *, page=None, **kwargs):
        """POST the form with the session's CSRF token (after a GET of `page`, when given)."""
        token = self.token(page) if page else self.session_token()
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    def sign_in(self, email, password=factories.PASSWORD, **kwargs):
        return self.submit("/sign-in", {"email": email, "password": password}, **kwargs)


@pytest.fixture
def visitor(client) -> Visitor:
    return Visitor(client)


@pytest.fixture
def login_as(app):
    """Sign in a new user of the given role through the real sign-in form."""

    def sign_in(role: str, **user_fields):
        user = factories.user(role=role, **user_fields)
        db.session.commit()
        browser = Visitor(app.test_client())
        response = browser.sign_in(user.email)
        assert response.status_code == 302, "sign-in failed"
        browser.user = user
        return browser

    return sign_in


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counted:` block."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def _count(conn, cursor, statement, *args):
            # Not the savepoints each session takes on the test's connection (tests/database.py):
            # the application's own sessions begin and end plain transactions.
            if not (TestTransaction.current and SAVEPOINT.match(statement.strip())):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _count)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", _count)

    return counting


class CollectingHandler:
    """An SMTP server's handler that keeps every message it is sent."""

    def __init__(self):
        self.envelopes = []
        self.refuse_with: str | None = None
        self.sessions = []  # the connection each message came over (one entry per message)

    async def handle_DATA(self, server, session, envelope):
        self.sessions.append(session)
        if self.refuse_with:
            return self.refuse_with
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def connections(self) -> int:
        return len({id(session) for session in self.sessions})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that collects what it is sent."""
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    stopped = []

    def stop():
        if not stopped:
            controller.stop()
            stopped.append(True)

    handler.controller_stop = stop
    try:
        yield handler
    finally:
        stop()


def pytest_runtest_logreport(report):
    if (
        report.when == "call"
        and report.passed
        and ("database", "postgresql") in dict(report.user_properties).items()
    ):
        postgresql_tests["count"] += 1


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"postgresql: {postgresql_tests['count']} tests")


def pytest_sessionfinish(session, exitstatus):
    is_controller = not hasattr(session.config, "workerinput")
    if is_controller and os.environ.get("CI") == "true" and postgresql_tests["count"] == 0:
        session.exitstatus = 1
