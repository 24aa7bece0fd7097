"""The calendar blueprint: a meeting's .ics download, personal subscription feeds and the
coordinators' exports register their pages from their own modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calendar", __name__)


def _register() -> None:
    from . import download, exports, feeds

    for module in (download, exports, feeds):
        module.register(bp)


_register()
