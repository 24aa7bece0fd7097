"""Family pages: parents and carers, who the child lives with, and siblings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children import access, bp, services
from tas.children.access import Access
from tas.children.family import services as family_services
from tas.children.family.forms import FamilyMemberForm, LivesWithForm
from tas.children.forms import SearchForm
from tas.core.editing import change_page
from tas.core.submissions import once
from tas.core.use_cases import Refused


def _family_url(child_id: int) -> str:
    return url_for("children.family", child_id=child_id)


@bp.route("/<int:child_id>/family")
def family(child_id: int):
    level = access.require(current_user, child_id, Access.READ)
    services.record_read(child_id, "child_family_viewed", level)
    row = services.child_record(child_id)
    return render_template(
        "children/family.html",
        child=row,
        can_edit=level >= Access.EDIT,
        members=family_services.members(child_id),
        siblings=family_services.siblings_seen_by(current_user, child_id),
    )


@bp.route("/<int:child_id>/family/new", methods=["GET", "POST"])
def member_add(child_id: int):
    level = access.require(current_user, child_id, Access.EDIT)
    if request.method == "GET":
        services.record_read(child_id, "family_member_form_opened", level)
    row = services.child_record(child_id)
    form = FamilyMemberForm()
    once(form, saved_at=_family_url(child_id))
    if form.validate_on_submit():
        family_services.add_member(current_user, row, form.values())
        flash("The parent or carer has been added", "success")
        return redirect(_family_url(child_id))
    return render_template(
        "children/family_member_form.html", form=form, child=row, record=None, comparison=None
    )


@bp.route("/<int:child_id>/family/<int:member_id>", methods=["GET", "POST"])
def member_change(child_id: int, member_id: int):
    level = access.require(current_user, child_id, Access.EDIT)
    member = family_services.member_of(child_id, member_id)
    if member is None:
        abort(404)
    if request.method == "GET":
        services.record_read(child_id, "family_member_opened", level)
    row = services.child_record(child_id)
    return change_page(
        member,
        FamilyMemberForm,
        lambda version, values: family_services.change_member(member, version, values),
        thing="person's details",
        template="children/family_member_form.html",
        done=_family_url(child_id),
        saved="Their details have been saved",
        child=row,
    )


@bp.route("/<int:child_id>/family/lives-with", methods=["GET", "POST"])
def lives_with(child_id: int):
    level = access.require(current_user, child_id, Access.EDIT)
    if request.method == "GET":
        services.record_read(child_id, "lives_with_opened", level)
    row = services.child_record(child_id)
    return change_page(
        row,
        LivesWithForm,
        lambda version, values: family_services.change_lives_with(row, version, values),
        thing="answer",
        template="children/lives_with_form.html",
        done=_family_url(child_id),
        saved="Who the child lives with has been saved",
        child=row,
    )


@bp.route("/<int:child_id>/family/siblings", methods=["GET", "POST"])
def siblings(child_id: int):
    """Find a child this person can see, to link as a sibling (the search posts)."""
    level = access.require(current_user, child_id, Access.EDIT)
    if request.method == "GET":
        services.record_read(child_id, "sibling_search_opened", level)
    row = services.child_record(child_id)
    form = SearchForm()
    results = None
    if form.validate_on_submit():
        results = services.search(
            current_user,
            form.criteria(),
            request.form.get("page", 1, type=int),
            exclude=family_services.not_a_sibling_candidate(child_id),
            level=Access.READ,
        )
    return render_template("children/siblings.html", form=form, child=row, results=results)


def _pair(child_id: int, sibling_id: int) -> tuple:
    """Both children of a sibling link: changing the child's family, seeing the sibling."""
    access.require(current_user, child_id, Access.EDIT)
    access.require(current_user, sibling_id, Access.READ)
    return services.child_record(child_id), services.child_record(sibling_id)


@bp.route("/<int:child_id>/family/siblings/<int:sibling_id>/link", methods=["POST"])
def sibling_link(child_id: int, sibling_id: int):
    child, sibling = _pair(child_id, sibling_id)
    try:
        linked = family_services.link_sibling(child, sibling)
    except Refused as refused:
        flash(refused.problems["sibling"], "info")
    else:
        flash("Sibling linked" if linked else "They were already linked as siblings", "success")
    return redirect(_family_url(child_id))


@bp.route("/<int:child_id>/family/siblings/<int:sibling_id>/unlink", methods=["POST"])
def sibling_unlink(child_id: int, sibling_id: int):
    child, sibling = _pair(child_id, sibling_id)
    if family_services.unlink_sibling(child, sibling):
        flash("They are no longer linked as siblings", "success")
    return redirect(_family_url(child_id))
