"""Review lists (mine, due soon, overdue; per school, cluster and district), completing a
review, and the review rules a coordinator may change."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from . import access

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


@bp.route("/<int:review_id>")
def review(review_id: int):
    """One review (a placeholder page until the review pages are built)."""
    found = access.require_review(current_user, review_id)
    return render_template("reviews/review_placeholder.html", review=found)
