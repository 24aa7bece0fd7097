"""The calendar blueprint: a meeting's .ics download, personal subscription feeds (and the
account page's buttons for their links) and the coordinators' exports register their pages
from their own modules."""

from __future__ import annotations

from flask import Blueprint

from tas.ical import download, exports, feed_links, feeds

bp = Blueprint("calendar", __name__)

for _module in (download, exports, feeds, feed_links):
    _module.register(bp)
