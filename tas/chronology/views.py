"""A child's chronology: the merged timeline (filtered by source and category, printable),
adding a significant event, and recording the decision that answers cumulative harm.

Every page checks access through the children's one check first and audits the read."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children import access as children_access
from tas.children.services import child_record
from tas.chronology import access, bp, harm, rules, services
from tas.chronology.forms import HARM_FORMS, EventForm
from tas.chronology.timeline import timeline as timeline_of
from tas.core.clock import today
from tas.core.editing import submit_new
from tas.core.submissions import once
from tas.flags import rules as flag_rules
from tas.flags import services as flags
from tas.plans.services import open_plan_of


@bp.route("")
def timeline(child_id: int):
    level = access.require_reader(current_user, child_id)
    child = child_record(child_id)
    known = {source.code for source in rules.SOURCES}
    sources = [code for code in request.args.getlist("source") if code in known]
    categories = harm.categories()
    category = request.args.get("category") or None
    if category not in {c.code for c in categories}:
        category = None
    services.viewed("chronology_viewed", child_id, {"sources": sources, "category": category})
    plan = open_plan_of(child_id)
    reader = children_access.reader(
        current_user, child.school_id, plan.lead_practitioner_id if plan else None
    )
    return render_template(
        "chronology/timeline.html",
        child=child,
        entries=timeline_of(child, reader, sources, category),
        source_items=[
            {"value": c.code, "text": c.label, "checked": c.code in sources} for c in rules.SOURCES
        ],
        category_items=[
            {"value": "", "text": "Every category"},
            *(
                {"value": c.code, "text": c.label, "selected": c.code == category}
                for c in categories
            ),
        ],
        chosen=sources,
        category=category,
        harm_flags=[flag for flag in flags.for_child(child_id) if flag.kind == flag_rules.HARM],
        may_record=access.may_record(current_user, level),
        may_decide=access.may_decide(current_user, level),
    )


@bp.route("/new", methods=["GET", "POST"])
def new(child_id: int):
    level = access.require_reader(current_user, child_id)
    if not access.may_record(current_user, level):
        abort(403)
    child = child_record(child_id)
    form = EventForm(
        data={"happened_on": today()} if request.method == "GET" else None,
        categories=harm.categories(),
        agencies=services.source_agencies(),
    )
    once(form, saved_at=url_for(".timeline", child_id=child_id))
    event = submit_new(
        form,
        lambda values: services.record_event(child, current_user, values),
        check=lambda values: services.event_problems(child, values),
    )
    if event is not None:
        flash("The event has been added to the chronology", "success")
        return redirect(url_for(".timeline", child_id=child_id))
    if request.method == "GET":
        services.viewed("chronology_event_form_opened", child_id)
    return render_template("chronology/event_form.html", child=child, form=form)


@bp.route("/harm/<kind>", methods=["GET", "POST"])
def harm_review(child_id: int, kind: str):
    level = access.require_reader(current_user, child_id)
    form_class = HARM_FORMS.get(kind)
    if form_class is None:
        abort(404)
    if not access.may_decide(current_user, level):
        abort(403)
    child = child_record(child_id)
    form = form_class(data={"done_on": today()} if request.method == "GET" else None)
    once(form, saved_at=url_for(".timeline", child_id=child_id))
    pattern = services.current_harm(child)
    review = submit_new(
        form,
        lambda values: services.record_harm_review(child, current_user, values),
        check=lambda values: services.harm_review_problems(child, values, pattern),
    )
    if review is not None:
        flash(saved_words(kind, flagged=pattern is not None), "success")
        return redirect(url_for(".timeline", child_id=child_id))
    if request.method == "GET":
        services.viewed("harm_review_form_opened", child_id, {"kind": kind})
    return render_template(
        "chronology/harm_review_form.html",
        child=child,
        form=form,
        title=label_of(kind),
        flagged=pattern is not None,
        harm_flags=[flag for flag in flags.for_child(child_id) if flag.kind == flag_rules.HARM],
    )


def label_of(kind: str) -> str:
    return {
        "neglect_toolkit": "Record a Neglect Toolkit completion",
        "escalation": "Record an escalation decision",
    }[kind]


def saved_words(kind: str, *, flagged: bool) -> str:
    """The banner after a decision: it clears the flag only when one was raised."""
    saved = {
        "neglect_toolkit": "The Neglect Toolkit completion has been recorded",
        "escalation": "The escalation decision has been recorded",
    }[kind]
    if flagged:
        return f"{saved}: the cumulative harm flag is cleared until new events arrive"
    return f"{saved}. There was no cumulative harm flag to clear"
