"""The list of flagged children a person may see."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user

from tas.audit.services import audit_view
from tas.flags import bp, rules, services


@bp.route("")
def flags():
    if not services.may_list(current_user):
        abort(403)
    page = services.page_of(
        current_user, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]
    )
    # A list of children with what is flagged about them is a read of their records.
    audit_view("flags_viewed", detail={"child_ids": [c.child_id for c in page.children]})
    return render_template(
        "flags/flags.html",
        page=page,
        flagged=page.children,
        kinds=rules.KINDS,
        names=services.names_children(current_user),
    )
