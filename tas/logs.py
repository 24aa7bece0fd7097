"""Application logging: one line per record, with secrets taken out (docs/security.md G30, F28)."""

from __future__ import annotations

import logging
import re

import werkzeug.serving
from flask import Flask

# Secrets that travel in URL paths: password links and calendar feed tokens.
SECRET_PATH = re.compile(r"(/(?:password|feeds?)/)[A-Za-z0-9_\-]{16,}")
CONTROL = re.compile(r"[\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def redact(text: str) -> str:
    """A log text with secret path segments hidden and line breaks made visible."""
    text = SECRET_PATH.sub(r"\1[redacted]", text)
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class OneLineFormatter(logging.Formatter):
    """Format a record so that no input can forge a second log line or leak a link secret."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactFilter(logging.Filter):
    """For loggers whose handlers we do not own (werkzeug's request log): redact in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def configure(app: Flask) -> None:
    """Send the app's logs through the one-line, redacting formatter."""
    formatter = OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in app.logger.handlers:
        handler.setFormatter(formatter)
    # Whatever handlers a deployment configures (gunicorn --log-config, say), the app's own
    # messages reach them already redacted and on one line.
    if not any(isinstance(f, RedactFilter) for f in app.logger.filters):
        app.logger.addFilter(RedactFilter())
    # The development server colours its request log with escape codes, which the redaction
    # would print as text; escape codes from a request must not reach a terminal either.
    werkzeug.serving._log_add_style = False
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(RedactFilter())
    gunicorn_access = logging.getLogger("gunicorn.access")
    if not any(isinstance(f, RedactFilter) for f in gunicorn_access.filters):
        gunicorn_access.addFilter(RedactFilter())
