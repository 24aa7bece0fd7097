"""Helpers for the sign-in tests: emails in the outbox, password links, session rows."""

from __future__ import annotations

import email
import re
import secrets
from email.message import EmailMessage
from email.policy import default

import pytest
from flask import Flask
from sqlalchemy import select

from tas.auth.models import UserSession
from tas.extensions import db
from tas.outbox.models import OutboxMessage
from tests.conftest import OwnContextClient
from tests.production import production_settings

PASSWORD_LINK = re.compile(r"(\S+/password/([A-Za-z0-9_\-]+))")


def emails_to(address: str) -> list[EmailMessage]:
    """Every email queued for this address, oldest first, parsed as a mail client would."""
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [
        email.message_from_bytes(row.raw, policy=default)
        for row in rows
        if address in row.recipients.split(",")
    ]


def password_link(address: str) -> tuple[str, str]:
    """The link (and its token) in the newest email to this address."""
    messages = emails_to(address)
    assert messages, f"no email to {address}"
    body = messages[-1].get_body(("plain",)).get_content()
    match = PASSWORD_LINK.search(body)
    assert match, body
    return match.group(1), match.group(2)


def open_sessions(user_id: int) -> list[UserSession]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(UserSession).where(
                UserSession.user_id == user_id, UserSession.ended_at.is_(None)
            )
        )
    )


SITE = "https://tas.example.org"


class HttpsClient(OwnContextClient):
    """A browser on https://tas.example.org, sending the Referer a browser sends on a post.

    Flask-WTF checks the Referer of every HTTPS post (WTF_CSRF_SSL_STRICT); our
    Referrer-Policy (same-origin) keeps it on same-site requests, so browsers do send it.
    """

    site = SITE

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", SITE)
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Referer", SITE + "/")
        return super().open(*args, headers=headers, **kwargs)


def production_app(make_app) -> Flask:
    """The app as TAS_ENV=production builds it, on this test's database: PostgreSQL only, since
    production refuses to start on SQLite (tas/deployment.py)."""
    if make_app.backend == "sqlite":
        pytest.skip("production refuses SQLite")
    app = make_app(
        **production_settings(SECRET_KEY=secrets.token_urlsafe(48), BASE_URL=SITE, TESTING=False)
    )
    app.test_client_class = HttpsClient
    return app
