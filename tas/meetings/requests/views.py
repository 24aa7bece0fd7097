"""The requests blueprint: TAS requests and their triage, and anonymous consultations
(/requests). Every page goes through .access (requests) and tas.children.access (the child)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.children import access as children
from tas.children.access import Access
from tas.core.choices import label, record_id
from tas.core.clock import today
from tas.core.editing import BLANK, shown, submit_change, submit_new
from tas.core.fields import GovDateField
from tas.core.forms import UNUSABLE
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import Refused, StaleEdit
from tas.core.words import local_date, local_datetime
from tas.extensions import db
from tas.meetings import rules
from tas.meetings.requests import bp, consultations, services, triage
from tas.meetings.requests.access import may_triage, require_request
from tas.meetings.requests.forms import (
    ConsultationForm,
    RequestForm,
    TriageForm,
    WithdrawForm,
    meeting_label,
)
from tas.meetings.requests.services import AWAITING, STATUS_TAGS
from tas.organisations.models import User


def _me() -> User:
    return current_user._get_current_object()


def _words() -> dict:
    return {"rules": rules, "STATUS_TAGS": STATUS_TAGS, "AWAITING": AWAITING}


@bp.route("")
def requests():
    """The requests this person may see; a link worker's to triage come first."""
    if current_user.role not in services.LIST_ROLES:
        abort(403)
    listing = services.listing(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "meetings/requests/requests.html",
        title="TAS requests",
        listing=listing,
        may_request=services.may_request(current_user),
        may_consult=services.may_consult(current_user),
        **_words(),
    )


def _child_asked_about() -> int | None:
    """The child chosen (in the address or the form): 404 when the person may not know of the
    child, 403 when they may see but not ask about them."""
    raw = request.form.get("child") if request.method == "POST" else request.args.get("child")
    if not (raw or "").strip():
        return None
    child_id = record_id(raw)
    if child_id is None:  # words, or a number no record has
        abort(404)
    if not children.may_record_consent_decisions(current_user, child_id):
        children.require(current_user, child_id, Access.EDIT)  # 404 or 403
        abort(403)
    return child_id


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Ask for a child to be discussed at TAS."""
    if not services.may_request(current_user):
        abort(403)
    chosen = _child_asked_about()
    offered = services.requestable_children(current_user)
    start = {"child": str(chosen)} if request.method == "GET" and chosen else None
    form = RequestForm(data=start, children=offered)
    once(form)
    try:
        made = submit_new(
            form,
            lambda values: services.submit(_me(), values),
            check=lambda values: services.request_problems(_me(), values),
        )
    except AlreadySubmitted:
        return already_saved(url_for("requests.requests"))
    if made is not None:
        flash("Your request has been sent to the school's link worker for triage", "success")
        return redirect(url_for(".request_page", request_id=made.id))
    names = {str(child.id): (child.full_name, agreed) for child, agreed in offered}
    picked = names.get(form.child.data or "")
    unagreed = (int(form.child.data), picked[0]) if picked and not picked[1] else None
    # Said before the form is filled in, not only once it is sent: one is waiting already.
    found = services.waiting_for_triage(int(form.child.data)) if picked else None
    waiting = (picked[0], found.id) if found is not None else None
    audit_view(
        "tas_request_form_opened",
        target_type="Child" if chosen else None,
        target_id=chosen,
        detail={"children_offered": len(offered)},
    )
    return render_template(
        "meetings/requests/request_form.html",
        title="Ask for a child to be discussed at TAS",
        form=form,
        has_children=bool(offered),
        unagreed=unagreed,
        waiting=waiting,
        may_consult=services.may_consult(current_user),
    )


def _triage_form(row, meetings, already, *, fresh: bool) -> TriageForm:
    data = {"version": row.version, "told_on": today()} if fresh else None
    return TriageForm(data=data, meetings=meetings, already=already)


@bp.route("/<int:request_id>", methods=["GET", "POST"])
def request_page(request_id: int):
    """One request, its status and triage; the link worker triages it here."""
    row = require_request(current_user, request_id)
    triager = may_triage(current_user, row)
    if request.method == "POST" and not triager:
        abort(403)
    form = comparison = typed = None
    status = 200
    if triager and (row.status == AWAITING or request.method == "POST"):
        meetings = triage.upcoming_meetings([row.school_id], triage.REQUEST_KINDS)
        already = triage.already_on(row.child_id, meetings)
        form = _triage_form(row, meetings, already, fresh=request.method == "GET")
        if request.method == "POST" and row.status == AWAITING:
            result = submit_change(
                form,
                row,
                lambda version, values: triage.triage(row, _me(), version, values),
                thing="request",
                saved_form=lambda fresh: TriageForm(
                    formdata=None,
                    data=TriageForm.data_from(fresh, services.placed_on(fresh)),
                    meetings=meetings,
                    already=already,
                ),
            )
            if result.saved:
                return _triaged(request_id)
            comparison, status = result.comparison, result.status
        if request.method == "POST" and row.status != AWAITING:
            # Withdrawn, closed or triaged by someone else before this save (or while it was
            # being saved: a stale save reloads the request): saving again can only fail, so no
            # form is offered, and what was typed is shown to copy.
            typed = _typed(TriageForm(meetings=meetings))  # a meeting taken since, too
            form, comparison, status = None, None, 409
    services.viewed(row)
    row = services.loaded(request_id)
    item = services.placed_on(row) if row.status == "accepted" else None
    page = render_template(
        "meetings/requests/request.html",
        title="TAS request",
        row=row,
        item=item,
        form=form,
        comparison=comparison,
        typed=typed,
        triaged_by=services.person(row.triaged_by_id),
        may_withdraw=row.requested_by_id == current_user.id and row.status == AWAITING,
        next_id=triage.next_to_triage(current_user, row) if triager else None,
        meeting_label=meeting_label,
        **_words(),
    )
    return page, status


# The answers that go with each outcome (the form opens with today's date already in the IFD
# date, so that date is shown only when the IFD was chosen); advice typed is always kept.
TYPED_WITH = {
    "accepted": ("outcome", "meeting", "advice"),
    "redirected_to_ifd": ("outcome", "advice", "told_on"),
}


def _typed(form: TriageForm) -> list[tuple[str, str]]:
    """Each answer of a triage that could not be saved, in the words the form shows it (a date
    that is no date as its boxes were typed), less any characters that cannot be used."""
    answers = []
    for name in TYPED_WITH.get(form.outcome.data, ("outcome", "meeting", "advice")):
        field = form[name]
        answer = shown(field)
        if answer in BLANK and isinstance(field, GovDateField):
            answer = " ".join(str(part).strip() for part in field.raw_data or [] if part)
        answer = UNUSABLE.sub("", answer).strip()
        if answer not in BLANK:
            answers.append((field.label.text, answer))
    return answers


def _triaged(request_id: int):
    """Say what was done, and go to the next thing: the meeting for an accepted request."""
    row = services.loaded(request_id)
    if row.status == "accepted":
        item = services.placed_on(row)
        when = local_datetime(item.meeting.starts_at)
        flash(f"The request has been accepted onto the agenda of the meeting on {when}", "success")
        return redirect(url_for("meetings.meeting", meeting_id=item.meeting_id))
    if row.status == "advice_given":
        flash("Your advice has been recorded and the request is closed", "success")
    else:
        told = local_date(row.school_told_of_ifd_on)
        flash(f"The request was redirected to the IFD; the school was told on {told}", "success")
    return redirect(url_for(".request_page", request_id=request_id))


@bp.route("/<int:request_id>/withdraw", methods=["GET", "POST"])
def withdraw(request_id: int):
    """The person who made a request withdraws it while it still awaits triage."""
    row = require_request(current_user, request_id)
    if row.requested_by_id != current_user.id:
        abort(403)
    form = WithdrawForm(data={"version": row.version} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.withdraw(row, _me(), form.loaded_version())
        except (StaleEdit, Refused):
            row = db.session.get(type(row), row.id, populate_existing=True)
            form.version.data = str(row.version)
            form.version.errors = [
                "This request was changed after you opened this page: "
                + label(rules.REQUEST_STATUSES, row.status).lower()
            ]
            status = 409
        else:
            flash("The request has been withdrawn", "success")
            return redirect(url_for(".request_page", request_id=request_id))
    services.viewed(row, "tas_request_withdraw_opened")
    row = services.loaded(request_id)
    page = render_template(
        "meetings/requests/withdraw.html",
        title="Withdraw the request",
        row=row,
        form=form,
        **_words(),
    )
    return page, status


@bp.route("/consultations/new", methods=["GET", "POST"])
def consultation_new():
    """Put a situation on a meeting's agenda without naming the child."""
    if not services.may_consult(current_user):
        abort(403)
    meetings = consultations.consultation_meetings(current_user)
    start = None
    if request.method == "GET" and request.args.get("meeting"):
        start = {"meeting": request.args["meeting"]}
    form = ConsultationForm(data=start, meetings=meetings)
    once(form)
    try:
        item = submit_new(
            form,
            lambda values: consultations.add_consultation(_me(), values),
            check=lambda values: consultations.consultation_problems(_me(), values),
        )
    except AlreadySubmitted:
        chosen = next((m for m in meetings if str(m.id) == str(form.meeting.data)), None)
        if chosen is None:
            return already_saved(url_for("requests.requests"))
        return already_saved(url_for("meetings.meeting", meeting_id=chosen.id))
    if item is not None:
        flash("The consultation has been added to the meeting's agenda", "success")
        return redirect(url_for("meetings.meeting", meeting_id=item.meeting_id))
    return render_template(
        "meetings/requests/consultation_form.html",
        title="Ask advice without naming the child",
        form=form,
        has_meetings=bool(meetings),
    )


@bp.route("/ifd")
def ifd():
    """How to go to the Integrated Front Door, in plain words."""
    return render_template(
        "meetings/requests/ifd.html", title="Contact the Integrated Front Door (IFD)"
    )
