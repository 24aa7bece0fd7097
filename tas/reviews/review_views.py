"""Review lists (mine, due soon, overdue; per school, cluster and district), completing a
review, and the review rules a coordinator may change."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
