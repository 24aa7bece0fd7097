"""What makes a production deployment unsafe, from its settings alone (docs/security.md J45, like
Django's check --deploy). Pure: a mapping of settings in, sentences out. check-deploy adds the
checks that need the database (tas/core/database.py audit_role_problems)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted

from tas.secret_key import secret_key_weakness

ENVIRONMENTS = ("development", "test", "production")
GENERATE_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def environment_problem(env: object) -> str | None:
    """Why TAS_ENV cannot be used, or None when it is one of the three it may be."""
    if env in ENVIRONMENTS:
        return None
    return f"TAS_ENV must be development, test or production, not {env!r}."


def is_production(config: Mapping) -> bool:
    """True when TAS_ENV says this is a live deployment."""
    return config.get("ENV") == "production"


def is_sqlite(config: Mapping) -> bool:
    return str(config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite")


def deployment_problems(config: Mapping) -> list[str]:
    """Every setting that makes a production deployment unsafe; production refuses to start
    with any of them, and check-deploy lists them."""
    return [
        *_secret_problems(config),
        *_web_problems(config),
        *_proxy_problems(config),
        *_mail_problems(config),
        *_database_problems(config),
        *_calendar_problems(config),
    ]


def _secret_problems(config: Mapping) -> list[str]:
    key = config.get("SECRET_KEY")
    if not key:
        return [f"TAS_SECRET_KEY is not set: make one with {GENERATE_KEY}."]
    weakness = secret_key_weakness(key)
    if weakness:
        return [
            f"TAS_SECRET_KEY is weak ({weakness}): use at least 256 random bits, such as 64 "
            f"hexadecimal or 43 base64url characters from {GENERATE_KEY}."
        ]
    return []


def _web_problems(config: Mapping) -> list[str]:
    problems = []
    if config.get("DEBUG"):
        problems.append("Debug mode is on: unset TAS_DEBUG and FLASK_DEBUG.")
    base_url = urlsplit(str(config.get("BASE_URL", "")))
    if base_url.scheme != "https":
        problems.append("TAS_BASE_URL must start with https://.")
    if config.get("SESSION_COOKIE_SECURE") is not True:
        problems.append("TAS_SESSION_COOKIE_SECURE must be true so cookies travel only over HTTPS.")
    if not config.get("WTF_CSRF_ENABLED", True):
        problems.append("TAS_WTF_CSRF_ENABLED must not be turned off.")
    trusted = config.get("TRUSTED_HOSTS")
    if not trusted:
        problems.append(
            "TAS_TRUSTED_HOSTS is not set: without it a request's Host header could put another "
            "site into links the app makes. Set it to this site's host name, as JSON: "
            '["tas.example.org"].'
        )
    elif base_url.hostname and not host_is_trusted(base_url.hostname, trusted):
        problems.append(
            f"TAS_TRUSTED_HOSTS does not include {base_url.hostname}, the host of TAS_BASE_URL."
        )
    return problems


def _proxy_problems(config: Mapping) -> list[str]:
    """The documented deployment is gunicorn behind one reverse proxy that terminates HTTPS
    (README, "Production deployment"); TAS_REVERSE_PROXIES says when there are more or none.
    ProxyFix must trust exactly that many hops: fewer, and every client has the proxy's address
    (throttling per address blocks everyone, the audit log records the proxy) and the app
    thinks requests came over plain HTTP; more, and a client can forge its address."""
    expected = config.get("REVERSE_PROXIES", 1)
    problems = []
    for setting, meaning in (("X_FOR", "client address"), ("X_PROTO", "scheme (https)")):
        hops = config.get(f"PROXY_FIX_{setting}", 0)
        if hops != expected:
            problems.append(
                f"TAS_PROXY_FIX_{setting} is {hops} but TAS_REVERSE_PROXIES says {expected} "
                f"reverse proxy(ies) stand in front of gunicorn: trust exactly that many for "
                f"the {meaning}, or correct TAS_REVERSE_PROXIES."
            )
    return problems


def _mail_problems(config: Mapping) -> list[str]:
    if not config.get("MAIL_SERVER"):
        return []
    starttls, implicit = config.get("MAIL_USE_TLS"), config.get("MAIL_USE_SSL")
    if starttls and implicit:
        return [
            "TAS_MAIL_USE_TLS (STARTTLS, usually port 587) and TAS_MAIL_USE_SSL (TLS from the "
            "start, usually port 465) are both on: choose the one the mail server offers."
        ]
    if not starttls and not implicit:
        return [
            "Emails would go to the mail server without encryption: set TAS_MAIL_USE_TLS=true "
            "(STARTTLS, usually port 587) or TAS_MAIL_USE_SSL=true (TLS from the start, "
            "usually port 465)."
        ]
    return []


def _database_problems(config: Mapping) -> list[str]:
    if not is_sqlite(config):
        return []
    return [
        "The database is SQLite: use PostgreSQL in production (TAS_SQLALCHEMY_DATABASE_URI). "
        "SQLite lets one process write at a time, so gunicorn's workers and the scheduler "
        "queue behind each other and fail with 'database is locked' under load; and it has no "
        "database roles, so anyone who can write the file can erase the audit log."
    ]


def _calendar_problems(config: Mapping) -> list[str]:
    """Calendar UIDs end in a domain set once, before the first invitation (docs/design.md section
    5): a placeholder left in place would have to change later, doubling every meeting in
    people's calendars."""
    domain = str(config.get("CALENDAR_UID_DOMAIN") or "").strip().lower().rstrip(".")
    if domain and "." in domain and not domain.endswith((".example", ".invalid", ".test")):
        return []
    return [
        "TAS_CALENDAR_UID_DOMAIN is not the partnership's own domain: set it once, before the "
        "first invitation goes out, to a domain the partnership holds (such as "
        "safeguarding-partnership.org.uk), and never change it."
    ]


def deployment_warnings(config: Mapping) -> list[str]:
    """Settings that work but are not recommended for a live deployment."""
    warnings = []
    if not config.get("MAIL_SERVER"):
        warnings.append("TAS_MAIL_SERVER is not set: emails are written to files, not sent.")
    return warnings
