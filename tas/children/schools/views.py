"""School pages for a child: changing school, the child protection file, and school staff."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children import access, bp, services
from tas.children.access import Access
from tas.children.family.forms import SchoolMoveForm, StaffGrantForm
from tas.children.schools import moves as school_moves
from tas.children.schools import services as school_services
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db


def _child_url(child_id: int) -> str:
    return url_for("children.child", child_id=child_id)


@bp.route("/<int:child_id>/school", methods=["GET", "POST"])
def move(child_id: int):
    """The current school's DSL or a link worker moves the child to another school: the school
    and the date of the move, then a page saying what will change; nothing changes until the
    move is confirmed there."""
    level = access.require(current_user, child_id, Access.EDIT)
    row = services.child_record(child_id)
    if not services.can_move_school(current_user, row, level):
        abort(403)
    form = SchoolMoveForm(schools=school_moves.schools_to_move_to(row))
    status = 200
    if request.method == "GET":
        services.record_read(child_id, "school_move_opened", level)
        form.version.data = str(row.version)
    elif form.validate_on_submit():
        try:
            if request.form.get("confirm") == "yes":
                school_moves.move_school(
                    current_user,
                    row,
                    form.loaded_version(),
                    form.new_school_id(),
                    form.moved_on.data,
                )
                flash("The child's school has been changed", "success")
                return redirect(_child_url(child_id))
            if request.form.get("change") != "yes":
                services.record_read(child_id, "school_move_checked", level)
                check = school_moves.check_move(row, form.new_school_id(), form.moved_on.data)
                return render_template("children/move_check.html", form=form, check=check)
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            row = db.session.get(type(row), child_id, populate_existing=True)
            form.version.data = str(row.version)
            form.school.errors = [
                "Someone else changed this child's record while you were choosing: check the "
                "current school and choose again"
            ]
            status = 409
    return render_template("children/move.html", form=form, child=row), status


def _transfer(child_id: int, transfer_id: int):
    access.require(current_user, child_id, Access.READ)
    transfer = school_services.file_transfer(child_id, transfer_id)
    if transfer is None:
        abort(404)
    return transfer


@bp.route("/<int:child_id>/file-transfers/<int:transfer_id>/sent", methods=["POST"])
def file_sent(child_id: int, transfer_id: int):
    """The old school's DSL records that they sent the child protection file."""
    transfer = _transfer(child_id, transfer_id)
    if not school_services.sends_file(current_user, transfer):
        abort(403)
    if school_services.mark_file_sent(current_user, transfer):
        flash("Recorded that you sent the child protection file", "success")
    return redirect(_child_url(child_id))


@bp.route("/<int:child_id>/file-transfers/<int:transfer_id>/received", methods=["POST"])
def file_received(child_id: int, transfer_id: int):
    """The new school's DSL confirms they received the child protection file."""
    transfer = _transfer(child_id, transfer_id)
    if not school_services.receives_file(current_user, transfer):
        abort(403)
    if school_services.confirm_file_received(current_user, transfer):
        flash("Recorded that you received the child protection file", "success")
    return redirect(_child_url(child_id))


def _managed(child_id: int, level_needed: Access):
    level = access.require(current_user, child_id, level_needed)
    row = services.child_record(child_id)
    if not services.manages_staff_access(current_user, row):
        abort(403)
    return row, level


@bp.route("/<int:child_id>/staff", methods=["GET", "POST"])
def staff(child_id: int):
    """A DSL decides which of the school's other staff may see this child."""
    row, level = _managed(child_id, Access.READ)
    can_grant = level >= Access.EDIT
    form = StaffGrantForm(staff=school_services.staff_to_grant(row) if can_grant else [])
    if request.method == "POST":
        if not can_grant:
            abort(403)
        if form.validate_on_submit():
            try:
                school_services.grant_staff(current_user, row, form.staff_id())
            except Refused as refused:
                form.staff.errors = [refused.problems["staff"]]
            else:
                flash("Access given", "success")
                return redirect(url_for("children.staff", child_id=child_id))
    else:
        services.record_read(child_id, "child_staff_access_viewed", level)
    return render_template(
        "children/staff.html",
        form=form,
        child=row,
        can_grant=can_grant,
        grants=school_services.staff_grants(row),
        withdrawn_on=access.withdrawn_on(child_id),
    )


@bp.route("/<int:child_id>/staff/<int:grant_id>/revoke", methods=["POST"])
def staff_revoke(child_id: int, grant_id: int):
    row, _level = _managed(child_id, Access.READ)
    grant = school_services.staff_grant(row, grant_id)
    if grant is None:
        abort(404)
    if school_services.revoke_staff(row, grant):
        flash("Access removed", "success")
    return redirect(url_for("children.staff", child_id=child_id))
