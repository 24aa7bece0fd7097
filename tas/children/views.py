"""Children: the list and search, and the team-around-the-child page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from tas.audit.services import record
from tas.extensions import db
from tas.plans.services import team_around_the_child

from . import access
from .models import Child

bp = Blueprint("children", __name__, url_prefix="/children")


@bp.route("/<int:child_id>")
def child(child_id: int):
    level = access.require(current_user, child_id, access.Access.GP_SUMMARY)
    row = db.session.get(Child, child_id)
    record("child_viewed", target=row, detail={"access": level.name.lower()})
    db.session.commit()
    return render_template(
        "children/child.html",
        child=row,
        level=level,
        Access=access.Access,
        team=team_around_the_child(row, current_user, level),
    )


# Pages about the family's agreement and sharing decisions live beside these.
from . import agreements  # noqa: E402

agreements.register(bp)
