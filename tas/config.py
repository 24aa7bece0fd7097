"""Configuration: defaults here, then instance/config.py, then TAS_* environment variables."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import tempfile
from pathlib import Path

from tas.core.private_files import private_folder
from tas.deployment import deployment_problems, environment_problem, is_production
from tas.levels.rules import parse_levels
from tas.secret_key import secret_key_weakness

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)


class Defaults:
    """Settings every deployment starts from; each can be overridden as TAS_<KEY>."""

    ENV = "development"  # development, test or production; nothing else starts
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite file in instance/
    # PostgreSQL: the role the application connects as, when it is not the role that runs the
    # migrations and owns the tables. The migrations grant it all it needs but the power to
    # change, delete or empty the audit log (migration 0008, docs/security.md G29).
    DATABASE_APP_ROLE: str | None = None
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    # Error messages never carry the values of a query: they may be a child's details.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True, "pool_pre_ping": True}
    BASE_URL = "http://127.0.0.1:5000"
    SERVICE_NAME = "TAS Coordinator"
    PARTNERSHIP_NAME = "Safeguarding Children Partnership"
    ACCESSIBILITY_CONTACT_EMAIL = "tas-coordinator@partnership.example"

    # Sessions (docs/security.md B5-B10)
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12
    SESSION_WARNING_SECONDS = 120
    SESSION_TOUCH_SECONDS = 60
    SESSION_COOKIE_NAME = "tas_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool | None = None  # None: secure exactly when in production
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Sign-in throttling (A3): wrong passwords for one account (since its last sign-in) ...
    SIGN_IN_MAX_FAILURES = 10
    SIGN_IN_WINDOW_MINUTES = 15
    # ... and from one client address, whatever accounts it tries.
    SIGN_IN_ADDRESS_MAX_FAILURES = 20
    SIGN_IN_ADDRESS_WINDOW_MINUTES = 15
    # A browser that has signed in to an account keeps a signed cookie for this many days; it
    # may still sign in to that account while strangers' attempts have it paused (its own
    # wrong passwords are counted apart, with the same limit).
    KNOWN_DEVICE_DAYS = 90
    # Second factors (A4). The roles that must set one up at their first sign-in, before
    # anything else: every role that may open a child's record, administrators, coordinators.
    SECOND_FACTOR_ROLES = "admin coordinator dsl school_staff link_worker practitioner gp"
    # A browser may be remembered, so that signing in there asks only for the password, for
    # this many days (0: never remembered; never more than 30).
    SECOND_FACTOR_REMEMBER_DAYS = 30
    # Wrong codes (or passkeys, or recovery codes) for one account before a pause.
    SECOND_FACTOR_MAX_FAILURES = 5
    SECOND_FACTOR_WINDOW_MINUTES = 15
    # However slowly they come, this many wrong tries since the last right one (within the
    # days) stop the second step until a new password is set or an administrator resets it.
    SECOND_FACTOR_LOCK_FAILURES = 20
    SECOND_FACTOR_LOCK_DAYS = 30
    # The powerful actions need the second factor (or, for someone without one, the
    # password) given this recently; older, the person is asked again (B10).
    FRESH_SIGN_IN_MINUTES = 10
    # Emailed password links (reset or set-up, public or sent by an administrator): at most
    # this many to one account an hour; requests on the reset form from one client address.
    PASSWORD_LINKS_PER_ACCOUNT_PER_HOUR = 3
    PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 10
    # A signed-in person refused (403/404) this many record pages within the window is
    # written to the audit log and shown to administrators and district-wide coordinators.
    REPEATED_REFUSALS = 10
    REPEATED_REFUSALS_WINDOW_MINUTES = 60
    # Requests to the coordinator to check a number already recorded: at most this many from
    # one person an hour (each is an email to the coordinators).
    RECORD_CHECKS_PER_HOUR = 5

    # Password links
    PASSWORD_RESET_HOURS = 1
    PASSWORD_SETUP_HOURS = 72
    # argon2id parameters (RFC 9106 low-memory profile); tests use cheaper ones.
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 65_536
    PASSWORD_HASH_PARALLELISM = 4

    # Forms and requests
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session row's timeouts govern expiry
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    PENDING_FORM_HOURS = 12

    # Children and plans (docs/design.md section 4: every timescale is a setting)
    OLD_SCHOOL_READ_ONLY_DAYS = 30
    FILE_TRANSFER_SCHOOL_DAYS = 5
    COORDINATOR_ACCESS_HOURS = 8
    GP_NOTIFICATION_WORKING_DAYS = 5
    GP_SECURE_EMAIL_DOMAINS = ["nhs.net"]
    PAGE_SIZE = 25
    # Levels of need in order, as "code=Name, code=Name"; None keeps the defaults (Universal,
    # Early Help, Targeted Early Help, Children's Social Care). The codes early_help,
    # targeted_early_help and social_care must stay; the names and any other levels are free.
    LEVELS_OF_NEED: str | None = None
    # The partnership's escalation (resolving professional disagreements) procedure, linked
    # from a referral the referrer disagrees with; None shows the words only.
    ESCALATION_PROCEDURE_URL: str | None = None
    # Reminders go out on working days from this hour (Europe/London); digests at this hour.
    REMINDER_HOUR = 7
    # How often the scheduler process runs a pass (reminders, then the outbox).
    SCHEDULER_PASS_MINUTES = 5
    # Calendars: personal subscription feeds can be turned off (third-party calendar servers
    # read them); invitations come from this no-reply address, carrying the organiser's name.
    CALENDAR_FEEDS = True
    CALENDAR_ORGANISER_EMAIL = "no-reply@tas-coordinator.invalid"
    # Every calendar UID ends in this domain (tas-meeting-42@<domain>): the partnership's own,
    # set once before the first invitation goes out and never changed. It is not BASE_URL's
    # host, so moving the service to a new address keeps every meeting the same meeting in
    # people's calendars; changing it would make each one new, and doubled.
    CALENDAR_UID_DOMAIN = "partnership.example"
    # Wrong feed links from one client address before it is told to slow down (HTTP 429).
    FEED_MISS_LIMIT = 20
    FEED_MISS_WINDOW_MINUTES = 15
    # Voice of the child: a concern needs a response by this hour (Europe/London) of the
    # working day it is recorded on, or of the next working day when recorded later or on a
    # closed day; until then it is reminded hourly between these hours of working days.
    CONCERN_RESPONSE_BY_HOUR = 17
    CONCERN_REMINDER_HOURS = (8, 18)
    # Shown where a concern is recorded ("do this now"); None shows the words without a number.
    IFD_PHONE: str | None = None
    OUT_OF_HOURS_PHONE: str | None = None
    # Chronology: the categories of significant events, in order, separated by semicolons
    # ("Other" is always added last); None: the default list (tas.chronology.rules). Renaming a
    # category starts a new one; events keep theirs.
    CHRONOLOGY_CATEGORIES: str | None = None
    # Cumulative harm: this many events in so many days, or so many of one category in so many
    # days, flag the child (tas.chronology.rules.cumulative_harm).
    HARM_EVENTS = 3
    HARM_DAYS = 90
    HARM_SAME_CATEGORY_EVENTS = 2
    HARM_SAME_CATEGORY_DAYS = 30
    # Meetings
    MINUTES_WORKING_DAYS = 2  # minutes complete within 2 working days of the meeting
    INVITED_VIEW_DAYS = 30  # an invited practitioner sees the agenda and minutes until then

    # Outbox
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting (usually port 587)
    MAIL_USE_SSL = False  # TLS from the start (usually port 465)
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "TAS Coordinator <no-reply@tas-coordinator.invalid>"
    MAIL_TIMEOUT_SECONDS = 10
    OUTBOX_DIR: str | None = None  # None: instance/outbox
    OUTBOX_MAX_ATTEMPTS = 8
    # A sent email is kept this long (to answer "did it go?"), then deleted: its reminder keeps
    # when it was sent. Failed emails stay until someone sends them again.
    OUTBOX_SENT_DAYS = 30

    # Behind a reverse proxy: how many proxies set X-Forwarded-For / -Proto.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    # How many reverse proxies stand in front of gunicorn in production (the README's
    # deployment has one); check-deploy wants both PROXY_FIX settings to match it.
    REVERSE_PROXIES = 1
    # Host names requests may be addressed to (a name starting with "." allows its subdomains);
    # others get 400. None allows any, which production refuses (docs/security.md D18).
    TRUSTED_HOSTS: list[str] | None = None


def load(app, test_config: dict | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, TAS_* variables, test config."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TAS")
    if test_config:
        app.config.update(test_config)
    problem = environment_problem(app.config["ENV"])
    if problem:
        raise RuntimeError("TAS Coordinator refuses to start: " + problem)
    # The instance folder holds the secret key, the SQLite database and the outbox.
    private_folder(app.instance_path)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["TRUSTED_HOSTS"])
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = Path(app.instance_path) / "tas.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    # Refuse to start with levels of need the app cannot work with (a ValueError says which).
    app.config["LEVEL_CHOICES"] = parse_levels(app.config["LEVELS_OF_NEED"])
    if not app.config["OUTBOX_DIR"]:
        app.config["OUTBOX_DIR"] = str(Path(app.instance_path) / "outbox")
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = is_production(app.config)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    # The demo's waiver of second factors (tas.auth.factors) never counts in production, even
    # in a database restored from a demo copy.
    app.config["SECOND_FACTOR_WAIVER_ALLOWED"] = not is_production(app.config)
    if app.config["SESSION_COOKIE_SECURE"] and not app.config["SESSION_COOKIE_NAME"].startswith(
        "__"
    ):
        # __Host-: the browser only accepts it over HTTPS, for this host, on path / (B5).
        app.config["SESSION_COOKIE_NAME"] = "__Host-" + app.config["SESSION_COOKIE_NAME"]
    if is_production(app.config):
        problems = deployment_problems(app.config)
        # check-deploy must be able to load the app to list these problems; nothing else may.
        if problems and "check-deploy" not in sys.argv[1:]:
            raise RuntimeError(
                "TAS Coordinator refuses to start in production:\n- " + "\n- ".join(problems)
            )
    elif not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def engine_options(uri: str, options: dict) -> dict:
    """The engine's options for this database. On PostgreSQL, JIT compilation is off for the
    app's connections: the access checks' plans are estimated costly enough to cross the JIT
    threshold at a region's size, and compiling them took longer (0.1-0.6 s) than running them
    (milliseconds, index first: tas/children/access.py). A copy: the defaults stay untouched."""
    options = dict(options)
    if uri.startswith("postgresql"):
        connect_args = dict(options.get("connect_args", {}))
        connect_args["options"] = " ".join(
            part for part in (connect_args.get("options"), "-c jit=off") if part
        )
        options["connect_args"] = connect_args
    return options


def trusted_hosts(value: str | list[str] | None) -> list[str] | None:
    """TAS_TRUSTED_HOSTS as a list: JSON (["a.example", ".b.example"]) arrives as one already;
    plain text may name several hosts, separated by commas or spaces."""
    if isinstance(value, str):
        return value.replace(",", " ").split() or None
    return list(value) if value else None


def instance_secret_key(instance: Path) -> str:
    """Read instance/secret_key, creating it once (mode 600, atomically) when missing."""
    target = instance / SECRET_KEY_FILE
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret-")  # created with mode 600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            # link() refuses to overwrite, so when two processes race exactly one key wins.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, target)
        finally:
            os.unlink(tmp)
    return target.read_text().strip()


def weak_secret_key(key: str | None) -> bool:
    """True when the key holds less than 256 random bits or looks typed (tas/secret_key.py)."""
    return secret_key_weakness(key) is not None
