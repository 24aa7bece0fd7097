"""The audit pages: people refused access to records again and again (issue 11, section 3)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from tas.audit import bp, refusals


@bp.before_request
def _administrators_and_district_coordinators_only() -> None:
    if not refusals.may_see(current_user):
        abort(404)


def _page_number() -> int:
    """The page asked for; anything that is not a page number shows the first page."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1


@bp.route("/refusals")
def repeated_refusals():
    return render_template(
        "audit/refusals.html",
        title="People refused access again and again",
        page=refusals.page_of(_page_number()),
    )
