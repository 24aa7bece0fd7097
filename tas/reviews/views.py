"""Review lists (mine, due soon, overdue, completed; per school, cluster and district), one
review's page, completing a review, and the review rules a coordinator may change.

Every route goes through the one access check of this domain (tas.reviews.access); URLs carry
ids only, never a child's name.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.core import submissions
from tas.core.clock import today
from tas.core.editing import Submitted, all_at_once, compare, holds_what_was_sent
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import Refused, StaleEdit
from tas.core.words import long_date
from tas.extensions import db
from tas.reviews import access, bp, rules
from tas.reviews import completion as review_completion
from tas.reviews import lists as review_lists
from tas.reviews import page as review_page
from tas.reviews.completion import (
    COMPLETED_HERE,
    IN_WORDS,
    PlanContext,
    next_due,
    plan_context,
)
from tas.reviews.forms import CompletionForm, ReviewFilterForm, completion_form
from tas.reviews.lists import MINE, SOON, VIEWS, Filters
from tas.reviews.models import Review
from tas.reviews.services import timescale

# The plan page lists the plan's open reviews (one query, whichever page shows the plan).
bp.add_app_template_global(review_page.plan_reviews, "plan_reviews")
bp.add_app_template_global(review_lists.kind_label, "review_kind_label")
# How long after its event each review is due by the rules in force ("3 working days"), for the
# pages that explain it (levels, reviews): one query a request.
bp.add_app_template_global(timescale, "review_timescale")


NOT_OPEN = {
    "completed": "This review is completed",
    "paused": "This review is paused while Children's Social Care holds the case",
    "cancelled": "This review is no longer needed",
}


def _page_number() -> int:
    """The page asked for; anything that is not a page number shows the first page."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1


# The list's own choices (which reviews, school, cluster, page: codes and ids, never a child's
# details), carried to a review and back, so "Back to reviews" returns to the list as it was.
LIST_CHOICES = ("show", "school", "cluster", "page")


def list_choices() -> dict[str, str]:
    """The list's choices in this request's query, where they look like codes or ids; anything
    else is dropped (the list itself checks each against what it offers)."""
    return {
        name: value
        for name in LIST_CHOICES
        if (value := request.args.get(name, ""))
        and len(value) <= 40
        and value.isascii()
        and (value.replace("_", "").isalnum())
    }


def level_page(child_id: int) -> str:
    """Where an IFD decision is recorded: the child's level of need page."""
    if "levels.level" in current_app.view_functions:
        return url_for("levels.level", child_id=child_id)
    return url_for("children.child", child_id=child_id)


@bp.route("")
def reviews():
    """The reviews this person may see: their own, due soon, overdue or recently completed,
    narrowed to a school or cluster they cover."""
    user = current_user
    if not access.may_list(user):
        abort(403)
    scope = review_lists.scope_options(
        user, request.args.get("cluster"), request.args.get("school")
    )
    default = SOON
    if not request.args.get("show"):
        default = MINE if review_lists.owns_open_reviews(user) else SOON
    schools = scope.schools_offered()
    form = ReviewFilterForm(
        VIEWS, schools, scope.clusters, formdata=request.args, data={"show": default}
    )
    listing = filters = None
    status = 200
    if form.validate():

        def number(name: str) -> int | None:
            field = getattr(form, name, None)
            return int(field.data) if field is not None and field.data else None

        filters = Filters(form.show.data, number("school"), number("cluster"))
        listing = review_lists.listing(user, filters, _page_number())
    else:
        status = 400
    return render_template(
        "reviews/reviews.html",
        title="Reviews",
        form=form,
        listing=listing,
        filters=filters,
        views=dict(VIEWS),
        names=access.names_children(user),
        filtered=any(request.args.get(name) for name in ("school", "cluster")),
        kept=list_choices(),
    ), status


@bp.route("/<int:review_id>")
def review(review_id: int):
    """One review: what it is, its reference, when it is due, who owns it, how it ended."""
    found = access.require_review(current_user, review_id)
    review_page.viewed(found)  # before loading the page: a commit expires rows
    page = review_page.review_page(found, current_user)
    return render_template(
        "reviews/review.html",
        title=page.kind_label,
        page=page,
        decision_url=level_page(page.review.child_id),
        case_closed_next=review_completion.CASE_CLOSED_NEXT,
        back=url_for(".reviews", **list_choices()),
    )


@bp.route("/<int:review_id>/complete", methods=["GET", "POST"])
def complete(review_id: int):
    """Complete a review: its owner, or anyone who may change the child's record."""
    user = current_user
    found = access.require_review(user, review_id)
    if not access.responsible_for(user, found):
        abort(403)
    if found.kind not in COMPLETED_HERE:
        flash("The IFD's decision is recorded on the child's level of need page", "info")
        return redirect(level_page(found.child_id))
    here = url_for(".review", review_id=review_id)
    if request.method == "GET" and found.status != "open":
        flash(NOT_OPEN.get(found.status, "This review is not open"))
        return redirect(here)
    context = plan_context(found)
    form = _completion_form(
        found, context, data=_defaults(found, context) if request.method == "GET" else None
    )
    once(form)
    try:
        result = _submit(form, found, context)
    except AlreadySubmitted:
        return already_saved(here)
    if result.saved:
        flash(_done(found, context), "success")
        return redirect(here)
    if request.method == "GET":
        audit_view("review_complete_opened", target=found, detail={"child_id": found.child_id})
    return render_template(
        "reviews/complete.html",
        title=f"Complete the {IN_WORDS[found.kind]}",
        review=found,
        reference=rules.review_reference(found.id, found.plan_id, found.referral_id),
        child_name=found.child.full_name if access.reads_child(user, found.child_id) else None,
        context=context,
        form=form,
        comparison=result.comparison,
        gone=_gone(found) if result.comparison is not None and found.status != "open" else None,
        every=_plan_review_every(),
    ), result.status


def _gone(review: Review) -> str:
    """Why a review completed or closed while this person was completing it can take no more
    answers, in words: "Sam Lee completed this review on 26 November 2026"."""
    if review.status == "completed":
        who = review.completed_by.name if review.completed_by is not None else "Someone else"
        return f"{who} completed this review on {long_date(review.completed_on)}"
    return NOT_OPEN.get(review.status, "This review is no longer open")


def _plan_review_every() -> str:
    return timescale("plan_review")


def _next_label(review: Review, context: PlanContext) -> str | None:
    if review.kind == "plan_review" and context.plan_open:
        return "Next review date"
    if review.kind == "handover_meeting":
        return "Date of the rearranged meeting"
    return None


def _completion_form(review: Review, context: PlanContext, **kwargs) -> CompletionForm:
    return completion_form(
        review.kind,
        context.outcomes if review.kind == "plan_review" else [],
        next_label=_next_label(review, context),
        **kwargs,
    )


def _defaults(review: Review, context: PlanContext) -> dict:
    day = today()
    data = {"completed_on": day, "version": review.version}
    if review.kind == "plan_review":
        data["outcome"] = review_completion.REVIEWED
        if context.plan_open:
            data["next_on"] = next_due(review, day)
    return data


def _saved(review: Review, context: PlanContext) -> dict:
    """The review as saved now, in the completion form's fields: with a completed review's
    scores and the date of the review it opened, so a stale page shows all it recorded."""
    data = {
        "outcome": review.outcome,
        "completed_on": review.completed_on,
        "notes": review.notes or "",
        "child_says": review.child_says or "",
        "family_says": review.family_says or "",
        "version": review.version,
    }
    if review.status == "completed":
        data.update(review_completion.recorded(review, context))
    return data


def _submit(form: CompletionForm, review: Review, context: PlanContext) -> Submitted:
    """Validate and complete, as tas.core.editing.submit_change does, and a form sent again
    says it was saved already rather than that the review changed; when the form's own answers
    need putting right, what the completion would refuse shows with them."""
    if not form.validate_on_submit():
        all_at_once(form, lambda values: review_completion.problems_with(review, context, values))
        return Submitted()
    submissions.refuse_if_used()
    try:
        review_completion.complete(
            review, form.loaded_version(), form.values(), current_user, context
        )
    except Refused as refused:
        form.show(refused.problems)
        return Submitted()
    except StaleEdit:
        fresh = db.session.get(Review, review.id, populate_existing=True)
        saved = _completion_form(fresh, context, data=_saved(fresh, context), formdata=None)
        if fresh.status == "completed" and holds_what_was_sent(form, saved):
            # The form sent twice, or a colleague completed it with the very same answers:
            # nothing of this person's would be lost (as tas.core.editing.submit_change).
            return Submitted(saved=True)
        comparison = compare(form, saved)
        if fresh.status != "open":
            # Completed (or paused, or no longer needed) meanwhile: it can never be completed
            # again, so the page says who did what rather than inviting a save that must fail.
            return Submitted(comparison=comparison, status=409)
        form.version.data = str(fresh.version)
        form.version.errors = ["Someone else changed this review while you were completing it"]
        return Submitted(comparison=comparison, status=409)
    return Submitted(saved=True)


def _done(review: Review, context: PlanContext) -> str:
    """The banner after completing: what was completed, and what is due next."""
    words = f"The {IN_WORDS[review.kind]} has been completed"
    follows = review.kind == "plan_review" or review.outcome == review_completion.HELD
    if follows and context.plan_open and context.plan.next_review_on is not None:
        due = long_date(context.plan.next_review_on)
        return f"{words}. The next plan review is due on {due}"
    if review.outcome == review_completion.DECLINED and context.plan_open:
        return f"{words}. The family declined early help: close the shared plan if it has ended"
    if review.outcome == review_completion.CASE_CLOSED:
        return f"{words}. {review_completion.CASE_CLOSED_NEXT}"
    return words


# The review rules have their own module, on the same blueprint.
