"""A page's path in the app, built outside a request too (the scheduler has none)."""

from __future__ import annotations

from flask import current_app


def path_for(endpoint: str, **values) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)
