"""Children: the list and search, adding and changing a child, a coordinator's reason to open a
record, and the team-around-the-child page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.auth.factors.fresh import confirm_first
from tas.auth.rules import safe_next
from tas.children import access, bp, coordinators, rules, services
from tas.children.access import Access
from tas.children.family import services as family_services
from tas.children.forms import ChildForm, CoordinatorReasonForm, NewChildForm, SearchForm
from tas.children.record_checks import services as record_checks
from tas.children.schools import services as school_services
from tas.core.clock import today
from tas.core.editing import all_at_once, change_page
from tas.core.submissions import once
from tas.core.use_cases import Refused
from tas.flags import services as flags
from tas.levels.decisions.services import for_child_page
from tas.plans.gp import lists as gp_lists
from tas.plans.team import team as team_around_the_child
from tas.voice import access as voice_access

bp.add_app_template_filter(rules.format_nhs_number, "nhs_number")


@bp.route("", methods=["GET", "POST"])
def children():
    """The children this person may see; the search form posts, so names stay out of URLs."""
    if current_user.role == "admin":
        abort(403)  # administrators never see children's records
    coordinator = current_user.role == "coordinator"
    form = SearchForm(coordinator=coordinator)
    listing = results = None
    identified = False
    if request.method == "POST":
        if form.validate_on_submit():
            page = request.form.get("page", 1, type=int)
            results = services.search(current_user, form.criteria(), page)
            identified = services.identifies(form.criteria())
    else:
        listing = services.listing(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "children/children.html",
        form=form,
        listing=listing,
        results=results,
        identified=identified,
        can_add=bool(services.schools_for_adding(current_user)),
    )


@bp.route("/new", methods=["GET", "POST"])
def add():
    """Add a child; or, when a record the person may not see already has a number they typed,
    ask the coordinator to check it instead (tas.children.record_checks.services)."""
    schools = services.schools_for_adding(current_user)
    if not schools:
        abort(403)
    form = NewChildForm(schools=schools, today=today())
    once(form, saved_at=url_for(".children"))
    refused = None  # a NumberRecorded refusal tells the page which records to link or ask about
    same = []  # the school's children of the same name and date of birth, to open

    def numbers_taken(values: dict) -> dict[str, str]:
        # Beside the form's own errors, so a number already recorded shows with them.
        nonlocal refused, same
        refused = record_checks.numbers_recorded(current_user, values)
        if not form.different_child.data:
            same = services.namesakes(current_user, values)
        found = refused.problems if refused else {}
        return {**found, **({"different_child": services.NAMESAKE} if same else {})}

    if not form.validate_on_submit():
        all_at_once(form, numbers_taken)
    else:
        try:
            if form.ask.data:
                asked = services.ask_to_check(current_user, form.values(), form.check_note.data)
            else:
                child = services.add_child(
                    current_user, form.values(), different_child=form.different_child.data
                )
        except services.Namesakes as found:
            same = found.children
            form.show(found.problems)
        except Refused as refusal:
            refused = refusal
            form.show({k: v for k, v in refusal.problems.items() if k in form})
        else:
            if form.ask.data:
                references = " and ".join(rules.check_reference(check.id) for check in asked)
                flash(
                    f"Your request {references} has been sent to the coordinator, who will "
                    "contact you. The child has not been added.",
                    "success",
                )
                return redirect(url_for(".children"))
            flash("The child has been added", "success")
            return redirect(url_for(".child", child_id=child.id))
    return render_template(
        "children/child_form.html",
        form=form,
        record=None,
        comparison=None,
        refused=refused,
        namesakes=same,
    )


@bp.route("/<int:child_id>")
def child(child_id: int):
    if current_user.role == "coordinator":
        stop = _coordinator_stop(child_id)
        if stop is not None:
            return stop
    level = access.require(current_user, child_id, Access.GP_SUMMARY)
    services.record_read(child_id, "child_viewed", level)
    full = level >= Access.READ
    if full:
        row, members = services.child_and_family(child_id)
    else:
        row, members = services.child_record(child_id), []
    return render_template(
        "children/child.html",
        child=row,
        level=level,
        Access=Access,
        facts=rules.facts(row.date_of_birth, today(), row.year_group_override),
        members=members,
        siblings=family_services.siblings_seen_by(current_user, child_id) if full else [],
        transfers=school_services.file_transfers(child_id) if full else [],
        sends_file=school_services.sends_file,
        receives_file=school_services.receives_file,
        can_move=services.can_move_school(current_user, row, level),
        manages_staff=full and services.manages_staff_access(current_user, row),
        team=team_around_the_child(row, current_user, level),
        open_decisions=for_child_page(child_id, current_user) if full else None,
        flags=flags.for_child(child_id) if full else [],
        records_voice=voice_access.may_record(current_user, level),
        withdrawn_on=access.withdrawn_on(child_id) if full else None,
        gp_notifications=gp_lists.practice_notifications_of(current_user, child_id),
    )


def _coordinator_stop(child_id: int):
    """A coordinator opening a child in their clusters without access is asked for a reason;
    with one, the family has withdrawn agreement: the page says only who holds the record.
    None when they may open it (or it is a child elsewhere: the usual 404 follows)."""
    covered = services.covered_child(current_user, child_id) is not None
    if not covered or access.access_to(current_user, child_id) != Access.NONE:
        return None
    if not coordinators.current_reason(current_user, child_id):
        return redirect(url_for(".reason", child_id=child_id))
    return render_template(
        "children/withdrawn.html", summary=coordinators.withdrawn_summary(child_id)
    )


@bp.route("/<int:child_id>/details", methods=["GET", "POST"])
def change(child_id: int):
    level = access.require(current_user, child_id, Access.EDIT)
    if request.method == "GET":
        services.record_read(child_id, "child_details_opened", level)
    row = services.child_record(child_id)
    return change_page(
        row,
        ChildForm,
        lambda version, values: services.change_child(current_user, row, version, values),
        thing="child's details",
        template="children/child_form.html",
        done=url_for(".child", child_id=child_id),
        saved="The child's details have been saved",
        form_args={"today": today()},
        check=lambda values: services.details_problems(row, values),
        child=row,
    )


@bp.route("/<int:child_id>/reason", methods=["GET", "POST"])
def reason(child_id: int):
    """A coordinator records why they need to open a child's record, for a few hours, then
    goes on to the page of the record they opened (`next`), or the record itself."""
    row = services.covered_child(current_user, child_id)
    if row is None:
        abort(404)
    if (confirming := confirm_first("open a child's record with a reason")) is not None:
        return confirming
    form = CoordinatorReasonForm()
    if form.validate_on_submit():
        services.record_coordinator_reason(current_user, row, form.reason.data)
        record = url_for(".child", child_id=child_id)
        onward = safe_next(request.args.get("next"))
        return redirect(onward if onward and onward.startswith(f"{record}/") else record)
    return render_template("children/reason.html", form=form, child=row)


@bp.app_errorhandler(access.ReasonNeeded)
def reason_first(asked: access.ReasonNeeded):
    """Any page of a record a coordinator may open with a reason: the reason first, then on."""
    return redirect(
        url_for(
            "children.reason", child_id=asked.child_id, next=request.full_path.removesuffix("?")
        )
    )


# The family, school and agreement pages, and the coordinators' requests to check a record,
# live beside these, on the same blueprint.
