"""The list of flagged children a person may see."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from tas.audit.services import audit_view
from tas.flags import bp, services


@bp.route("")
def flags():
    if not services.may_list(current_user):
        abort(403)
    flagged = services.flagged_children(current_user)
    # A list of children with what is flagged about them is a read of their records.
    audit_view("flags_viewed", detail={"child_ids": [child.child_id for child in flagged]})
    return render_template(
        "flags/flags.html", flagged=flagged, names=services.names_children(current_user)
    )
