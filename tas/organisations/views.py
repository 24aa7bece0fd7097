"""Admin screens for users, schools, agencies and clusters."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tas.extensions import db

from .access import require_admin
from .models import Agency, Cluster, School, User

bp = Blueprint("organisations", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only() -> None:
    require_admin()


@bp.route("/users")
def users():
    rows = db.session.scalars(
        select(User)
        .options(selectinload(User.school), selectinload(User.agency))
        .order_by(User.name)
    ).all()
    return render_template("organisations/users.html", users=rows)


@bp.route("/schools")
def schools():
    rows = db.session.scalars(
        select(School).options(selectinload(School.cluster)).order_by(School.name)
    ).all()
    return render_template("organisations/schools.html", schools=rows)


@bp.route("/agencies")
def agencies():
    rows = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    return render_template("organisations/agencies.html", agencies=rows)


@bp.route("/clusters")
def clusters():
    rows = db.session.scalars(
        select(Cluster).options(selectinload(Cluster.schools)).order_by(Cluster.name)
    ).all()
    return render_template("organisations/clusters.html", clusters=rows)
