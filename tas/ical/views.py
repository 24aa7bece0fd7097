"""The calendar blueprint: a meeting's .ics download, personal subscription feeds (and the
account page's buttons for their links) and the coordinators' exports register their pages
from their own modules."""

from __future__ import annotations
