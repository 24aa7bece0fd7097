"""Handing stored emails to the mail server (or, without one, to a folder of .eml files): one
SMTP connection for a batch of messages, opened when the first one goes and opened again after
anything goes wrong on it."""

from __future__ import annotations

import smtplib
import ssl

from flask import current_app

from tas.core.private_files import private_folder, write_private
from tas.outbox import rules
from tas.outbox.models import OutboxMessage


class Mailer:
    """`with Mailer() as mailer: mailer.send(message)`: each message sent, or an exception
    (smtplib's, or OSError) saying why not; the connection is closed at the end."""

    def __init__(self):
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def send(self, message: OutboxMessage) -> None:
        if not self.config["MAIL_SERVER"]:
            self._write_file(message)
            return
        try:
            smtp = self.smtp or self._connect()
            sender = rules.parse_sender(self.config["MAIL_DEFAULT_SENDER"]).addr_spec
            smtp.sendmail(sender, message.recipients.split(","), message.raw)
        except Exception:
            # Whatever state the connection is in now, the next message starts afresh.
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        """TLS from the start (MAIL_USE_SSL) or after STARTTLS (MAIL_USE_TLS), the server's
        certificate checked against the system's authorities (or SSL_CERT_FILE)."""
        config = self.config
        server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
        timeout = config["MAIL_TIMEOUT_SECONDS"]
        context = ssl.create_default_context()
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(server, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(server, port, timeout=timeout)
        self.smtp = smtp
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        return smtp

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _write_file(self, message: OutboxMessage) -> None:
        """Without a mail server, each message becomes one .eml file under instance/outbox/,
        readable by the service's own user only (mode 0600 in a 0700 folder)."""
        folder = private_folder(self.config["OUTBOX_DIR"])
        stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
        write_private(folder / f"{stamp}-{message.id:06d}.eml", message.raw)
