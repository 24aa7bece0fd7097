"""Pages for actions: add one to the plan, see one with its full history, and update it (its
owner and the owning agency's people update the status; plan editors change all of it)."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.core.choices import label
from tas.core.clock import today
from tas.core.editing import saved_banner, submit_change, submit_new
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.words import local_date
from tas.extensions import db
from tas.meetings.models import meeting_reference
from tas.plans import bp, rules
from tas.plans.access import OnPlan, ReadOnly, plan_on, record_on
from tas.plans.actions import bp as yours_bp
from tas.plans.actions import services as actions
from tas.plans.actions.forms import ActionForm, ActionUpdateForm
from tas.plans.actions.rows import agreed_at, owner_name
from tas.plans.models import Action, AgencyInvolvement

FIELD_LABELS = {
    "description": "What needs to be done",
    "owner_kind": "Who owns the action",
    "owner_agency_id": "Owning agency",
    "owner_user_id": "Owning person",
    "owner_family_member_id": "Owning parent or carer",
    "due_on": "Due date",
    "involvement_id": "Involvement",
    "status": "Status",
    "completion_note": "Completion note",
    "restricted": "Restricted",
    "not_for_parent": "Not to be disclosed to the parent or carer",
    "third_party": "Third-party information",
}
CODED = {"status": rules.ACTION_STATUSES, "owner_kind": rules.OWNER_KINDS}


@yours_bp.route("")
def yours():
    """The actions the person owns, across the children they work with, soonest due first."""
    if current_user.role not in actions.OWNER_ROLES:
        abort(404)
    page = actions.yours(
        current_user,
        today(),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "plans/your_actions.html", title="Your actions", page=page, statuses=rules.ACTION_STATUSES
    )


def _team_page(child_id: int) -> str:
    return url_for("children.child", child_id=child_id) + "#actions"


def _choices(on: OnPlan) -> dict:
    return {
        "agencies": actions.owner_agencies(on.plan),
        "people": actions.owner_people(on.plan),
        "family": actions.owner_family(on.plan),
        "involvements": actions.plan_involvements(on.plan),
    }


@bp.route("/plans/<int:plan_id>/actions/new", methods=["GET", "POST"])
def action_add(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    if not on.rights.editor:
        raise ReadOnly(on.plan, "add an action to this plan")
    form = ActionForm(
        data={"status": "not_started"} if request.method == "GET" else None, choices=_choices(on)
    )
    once(form)
    try:
        added = submit_new(
            form,
            lambda values: actions.add_action(on.plan, current_user, values),
            check=lambda values: actions.problems(on.plan, values),
        )
    except AlreadySubmitted:
        return already_saved(_team_page(child_id))
    if added is not None:
        flash("The action has been added", "success")
        return redirect(_team_page(child_id))
    if request.method == "GET":
        audit_view("action_add_opened", target=on.plan, detail={"child_id": child_id})
    return render_template(
        "plans/action_form.html", child=on.plan.child, plan=on.plan, form=form, action=None
    )


@bp.route("/actions/<int:action_id>")
def action(child_id: int, action_id: int):
    row, on = record_on(current_user, child_id, Action, action_id)
    actions.viewed(row)  # before loading what the page shows: a commit expires rows
    linked = db.session.get(AgencyInvolvement, row.involvement_id) if row.involvement_id else None
    events = actions.history(row)
    names = actions.names_in_history(event for event, _name in events)
    return render_template(
        "plans/action.html",
        child=on.plan.child,
        plan=on.plan,
        action=row,
        owner=owner_name(row),
        agreed_at=agreed_at(row),
        involvement=linked,
        status_label=label(rules.ACTION_STATUSES, row.status),
        may_update=on.rights.may_update_action(row),
        history=[
            (event, name, _added(event.changes), described(event.changes, names))
            for event, name in events
        ],
    )


def _added(changes: dict) -> bool:
    """The history entry made when the action was added: it had no description before."""
    return "description" in changes and changes["description"][0] is None


def _shown(value):
    """A stored history value as people read it (ISO dates become 4 December 2026)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return local_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def described(changes: dict, names: dict[str, dict[int, str]]) -> list[str]:
    """One history entry in words: which answers changed, and to what. `names` names the
    records it refers to by id (actions.names_in_history)."""
    lines = []
    for name, (before, after) in changes.items():
        question = FIELD_LABELS.get(name, name)
        if name in CODED:
            before = label(CODED[name], before) if before else None
            after = label(CODED[name], after) if after else None
        elif name in names:
            before, after = (
                names[name].get(v, "no longer recorded") if v else None for v in (before, after)
            )
        before, after = _shown(before), _shown(after)
        if name == "meeting_id" and isinstance(after, int):
            lines.append(f"Agreed at meeting {meeting_reference(after)}")
        elif name.endswith("_id") and name not in names:
            lines.append(f"{question} changed" if before else f"{question} set")
        elif isinstance(after, bool):
            lines.append(f"{question}: {'yes' if after else 'no'}")
        elif before in (None, ""):
            lines.append(f"{question}: {after}")
        else:
            lines.append(f"{question}: {before} → {after or 'removed'}")
    return lines


@bp.route("/actions/<int:action_id>/change", methods=["GET", "POST"])
def action_change(child_id: int, action_id: int):
    row, on = record_on(current_user, child_id, Action, action_id)
    if not on.rights.may_update_action(row):
        raise ReadOnly(on.plan, "update this action")
    form_class = ActionForm if on.rights.editor else ActionUpdateForm
    choices = _choices(on) if on.rights.editor else None
    form = form_class(
        data=form_class.data_from(row) if request.method == "GET" else None, choices=choices
    )
    result = submit_change(
        form,
        row,
        lambda version, values: actions.change_action(row, current_user, version, values),
        thing="action",
        saved_form=lambda fresh: form_class(
            formdata=None, data=form_class.data_from(fresh), choices=choices
        ),
        check=lambda values: actions.problems(on.plan, values, row),
    )
    if result.saved:
        saved_banner(result, "The action has been saved")
        return redirect(_team_page(child_id))
    if request.method == "GET":
        actions.viewed(row)
    return render_template(
        "plans/action_form.html",
        child=on.plan.child,
        plan=on.plan,
        form=form,
        action=row,
        owner=owner_name(row),
        comparison=result.comparison,
    ), result.status
