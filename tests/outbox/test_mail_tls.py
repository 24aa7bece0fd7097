"""Mail leaves over TLS: STARTTLS (MAIL_USE_TLS) or TLS from the start (MAIL_USE_SSL), with the
server's certificate checked (issue 11 section 5), against real TLS SMTP servers on loopback."""

from __future__ import annotations

import ssl
import subprocess
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tas.extensions import db
from tas.outbox import services as outbox
from tas.outbox.models import OutboxMessage
from tests.conftest import CollectingHandler, _free_port


class TlsHandler(CollectingHandler):
    """Keeps each message with whether it arrived over TLS."""

    async def handle_DATA(self, server, session, envelope):
        # session.ssl after STARTTLS; an SSL transport when TLS started with the connection.
        implicit = server.transport.get_extra_info("ssl_object") is not None
        envelope.over_tls = session.ssl is not None or implicit
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with openssl: (certificate, key)."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "2"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-keyout", str(key), "-out", str(cert)),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def tls_server(certificate, monkeypatch):
    """Start a TLS SMTP server: "starttls" (which refuses mail before STARTTLS) or "implicit"
    (TLS from the first byte). The app trusts its certificate through SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    started = []

    def start(kind: str) -> TlsHandler:
        handler = TlsHandler()
        context = _server_context(certificate)
        if kind == "implicit":
            controller = Controller(
                handler, hostname="127.0.0.1", port=_free_port(), ssl_context=context
            )
        else:
            controller = Controller(
                handler,
                hostname="127.0.0.1",
                port=_free_port(),
                tls_context=context,
                require_starttls=True,
            )
        controller.start()
        started.append(controller)
        handler.port = controller.port
        return handler

    yield start
    for controller in started:
        controller.stop()


def _send(app) -> OutboxMessage:
    with app.app_context():
        outbox.queue([("gp@practice.example.org", "Dr Patel")], "Notification", "Body text")
        db.session.commit()
        outbox.deliver_due()
        row = db.session.scalar(select(OutboxMessage))
        db.session.expunge(row)
        return row


def test_mail_goes_out_over_starttls(make_app, tls_server):
    server = tls_server("starttls")
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=True)
    assert _send(app).status == "sent"
    [envelope] = server.envelopes
    assert envelope.over_tls
    assert message_from_bytes(envelope.content, policy=policy.default)["Subject"] == "Notification"


def test_mail_goes_out_over_implicit_tls(make_app, tls_server):
    server = tls_server("implicit")
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_SSL=True, MAIL_TIMEOUT_SECONDS=3
    )
    assert _send(app).status == "sent"
    [envelope] = server.envelopes
    assert envelope.over_tls


def test_mail_tls_checks_the_server_certificate(make_app, tls_server, monkeypatch):
    server = tls_server("implicit")
    monkeypatch.delenv("SSL_CERT_FILE")  # the test certificate is not trusted any more
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_SSL=True, MAIL_TIMEOUT_SECONDS=3
    )
    row = _send(app)
    assert row.status == "pending"  # kept, and tried again later
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert server.envelopes == []
