"""Admin screens for clusters, schools and agencies; the users' screens are in users/views."""

from __future__ import annotations

from functools import partial

from flask import render_template, url_for

from tas.core.editing import add_page, change_page, found
from tas.organisations import bp, services
from tas.organisations.access import require_admin
from tas.organisations.forms import AgencyForm, ClusterForm, SchoolForm
from tas.organisations.models import Agency, Cluster, School


@bp.before_request
def _admins_only() -> None:
    require_admin()


@bp.route("/schools")
def schools():
    return render_template("organisations/schools.html", schools=services.schools())


@bp.route("/schools/new", methods=["GET", "POST"])
def school_add():
    return add_page(
        SchoolForm,
        services.add_school,
        template="organisations/school_form.html",
        done=url_for(".schools"),
        check=partial(services.taken, School),
    )


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
def school_change(school_id: int):
    school = found(School, school_id)
    return change_page(
        school,
        SchoolForm,
        partial(services.change_school, school),
        thing="school",
        template="organisations/school_form.html",
        done=url_for(".schools"),
        check=partial(services.change_problems, school),
    )


@bp.route("/agencies")
def agencies():
    return render_template("organisations/agencies.html", agencies=services.agencies())


@bp.route("/agencies/new", methods=["GET", "POST"])
def agency_add():
    return add_page(
        AgencyForm,
        services.add_agency,
        template="organisations/agency_form.html",
        done=url_for(".agencies"),
        check=partial(services.taken, Agency),
    )


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
def agency_change(agency_id: int):
    agency = found(Agency, agency_id)
    return change_page(
        agency,
        AgencyForm,
        partial(services.change_agency, agency),
        thing="agency",
        template="organisations/agency_form.html",
        done=url_for(".agencies"),
        check=partial(services.change_problems, agency),
    )


@bp.route("/clusters")
def clusters():
    return render_template("organisations/clusters.html", clusters=services.clusters())


@bp.route("/clusters/new", methods=["GET", "POST"])
def cluster_add():
    return add_page(
        ClusterForm,
        services.add_cluster,
        template="organisations/cluster_form.html",
        done=url_for(".clusters"),
        check=partial(services.taken, Cluster),
    )


@bp.route("/clusters/<int:cluster_id>", methods=["GET", "POST"])
def cluster_change(cluster_id: int):
    cluster = found(Cluster, cluster_id)
    return change_page(
        cluster,
        ClusterForm,
        partial(services.change_cluster, cluster),
        thing="cluster",
        template="organisations/cluster_form.html",
        done=url_for(".clusters"),
        check=partial(services.change_problems, cluster),
    )
