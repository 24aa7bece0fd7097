"""Each request in these tests gets its own app context, as in production.

The `app` fixture keeps one app context open for the whole test and Flask would reuse it for
every request, carrying `g` (the CSRF token, the signed-in user) and the database session from
one request, and one browser, to the next. Running each request in a fresh context stops that.
"""

from __future__ import annotations

import contextvars

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache


class OwnContextClient(FlaskClient):
    """A test client whose requests each run in a fresh context."""

    def open(self, *args, **kwargs):
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


@pytest.fixture
def make_app(make_app):
    def build(**extra):
        app = make_app(**extra)
        app.test_client_class = OwnContextClient
        app.jinja_env.bytecode_cache = TEMPLATES
        return app

    return build
