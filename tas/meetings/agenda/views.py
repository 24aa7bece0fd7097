"""Pages for managing a meeting's agenda (organisers): add a child, order the items, give them
time slots and remove one before the meeting. The meeting page shows the agenda itself."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from tas.core.choices import record_id
from tas.core.clock import utcnow
from tas.core.editing import Submitted, all_at_once, saved_banner, submit_change
from tas.core.use_cases import Refused, StaleEdit
from tas.core.words import clock, spoken_clock
from tas.extensions import db
from tas.meetings import bp, rules
from tas.meetings.access import MeetingAccess, require, sees_agenda
from tas.meetings.agenda import changes as agenda_changes
from tas.meetings.agenda import services as agenda
from tas.meetings.agenda.forms import AgendaAddForm, SlotForm
from tas.meetings.booking.history import meeting_when
from tas.meetings.invitations.forms import ConfirmForm
from tas.meetings.models import AgendaItem

STALE_AGENDA = (
    "Someone else changed the agenda while you were looking at it. Check it and try again"
)


def agenda_shown(level: MeetingAccess) -> bool:
    """Whether the signed-in person sees the agenda items (organisers and invited practitioners;
    never a GP practice or a coordinator's arrangements view)."""
    return sees_agenda(level, current_user)


def children_readable(items: list[AgendaItem]) -> set[int]:
    """The agenda children whose record the signed-in person may open (one query): being invited
    shows the agenda item only, never the rest of the child's record."""
    return agenda.readable_children(items, current_user)


def _meeting_page(meeting_id: int) -> str:
    return url_for("meetings.meeting", meeting_id=meeting_id) + "#agenda"


def _manage_page(meeting_id: int, item_id: int | None = None) -> str:
    anchor = f"#item-{item_id}" if item_id else ""
    return url_for("meetings.agenda_manage", meeting_id=meeting_id) + anchor


def _item(meeting, item_id: int) -> AgendaItem:
    item = agenda_changes.item_on(meeting, current_user, item_id)
    if item is None:
        abort(404)
    return item


def _render_manage(meeting, *, stale: bool = False, status: int = 200):
    agenda_changes.viewed(meeting)
    meeting, _level = require(current_user, meeting.id, MeetingAccess.ORGANISE)
    shown = agenda_changes.items(meeting, current_user)
    return render_template(
        "meetings/agenda/manage.html",
        meeting=meeting,
        when=meeting_when(meeting),
        agenda=shown,
        readable=children_readable(shown),
        closed=agenda_changes.changes_closed(meeting),
        removal_closed=agenda_changes.removal_closed(meeting, utcnow()),
        stale=STALE_AGENDA if stale else None,
        rules=rules,
    ), status


@bp.route("/<int:meeting_id>/agenda")
def agenda_manage(meeting_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    return _render_manage(meeting)


@bp.route("/<int:meeting_id>/agenda/add", methods=["GET", "POST"], endpoint="agenda_add_child")
def agenda_add(meeting_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    form = AgendaAddForm()
    form.slot_starts.description = _slot_hint(meeting)
    if not form.validate_on_submit():
        all_at_once(
            form,
            lambda values: agenda_changes.adding_problems(
                meeting, current_user, record_id(values["child"]), values["slot_starts"]
            ),
        )
    else:
        values = form.values()
        try:
            item = agenda_changes.add(
                meeting,
                current_user,
                record_id(values["child"]),
                values["reason"],
                values["slot_starts"],
            )
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            # Their request was triaged or withdrawn as this was saved: nothing was added.
            db.session.rollback()
            form.child.errors = [
                "The request for this child changed as you added them (it was triaged or "
                "withdrawn): check the requests, then add them again"
            ]
        else:
            accepted = " Their request waiting for triage is accepted onto this meeting."
            flash(
                "The child has been added to the agenda." + (accepted if item.request_id else ""),
                "success",
            )
            return redirect(_manage_page(meeting_id, item.id))
    # The list of the school's children is a read of their records: audited before it is shown.
    agenda_changes.listed(meeting, current_user)
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    agreed, without, already = agenda_changes.children_for(meeting, current_user)
    choosable = [child for child in agreed if child.id not in already]
    form.offer(choosable)
    return render_template(
        "meetings/agenda/add.html",
        meeting=meeting,
        when=meeting_when(meeting),
        form=form,
        choosable=choosable,
        without=without,
        on_agenda=[child for child in agreed if child.id in already],
        closed=agenda_changes.changes_closed(meeting),
        no_agreement=rules.NO_AGREEMENT_FOR_AGENDA,
        consultation_url=_consultation_url(meeting.id),
    ), 200


def _consultation_url(meeting_id: int) -> str | None:
    """The page for an anonymous consultation on this meeting, where the requests area has one."""
    try:
        return url_for("requests.consultation_new", meeting=meeting_id)
    except BuildError:
        return None


def _slot_hint(meeting) -> str:
    starts, ends = agenda_changes.meeting_hours(meeting)
    return (
        f"The meeting runs from {spoken_clock(starts)} to {spoken_clock(ends)} ({clock(starts)} "
        f"to {clock(ends)} on the 24-hour clock). Use the 24-hour clock, like 09:30. Leave it "
        "blank for no time slot."
    )


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
def agenda_move(meeting_id: int, item_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    item = _item(meeting, item_id)
    form = ConfirmForm()
    direction = request.form.get("direction")
    if not form.validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    try:
        agenda_changes.move(meeting, item, current_user, form.loaded_version(), direction == "up")
    except StaleEdit:
        db.session.rollback()
        return _render_manage(meeting, stale=True, status=409)
    except Refused as refused:
        flash(next(iter(refused.problems.values())), "info")
    return redirect(_manage_page(meeting_id, item_id))


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/slot", methods=["GET", "POST"])
def agenda_slot(meeting_id: int, item_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    item = _item(meeting, item_id)
    form = SlotForm(data=SlotForm.data_from(item) if request.method == "GET" else None)
    form.slot_starts.description = _slot_hint(meeting)
    result = Submitted()
    if request.method == "GET":
        agenda_changes.opened(item)
    else:
        result = submit_change(
            form,
            item,
            lambda version, values: agenda_changes.set_slot(
                meeting, item, current_user, version, values
            ),
            thing="agenda item",
            saved_form=lambda fresh: SlotForm(formdata=None, data=SlotForm.data_from(fresh)),
        )
        if result.saved:
            saved_banner(result, "The time slot has been saved")
            return redirect(_manage_page(meeting_id, item_id))
    return render_template(
        "meetings/agenda/slot.html",
        meeting=meeting,
        when=meeting_when(meeting),
        item=item,
        form=form,
        comparison=result.comparison,
        closed=agenda_changes.changes_closed(meeting),
    ), result.status


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["GET", "POST"])
def agenda_remove(meeting_id: int, item_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    item = _item(meeting, item_id)
    form = ConfirmForm(data={"version": item.version} if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        agenda_changes.opened(item)
    if form.validate_on_submit():
        try:
            agenda_changes.remove(meeting, item, current_user, form.loaded_version())
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            db.session.rollback()
            item = _item(meeting, item_id)
            form.version.data = str(item.version)
            form.version.errors = [
                "Someone else changed this agenda item while you were looking at it. Check it, "
                "then remove it if you still want to"
            ]
            status = 409
        else:
            flash("The item has been removed from the agenda", "success")
            return redirect(_manage_page(meeting_id))
    return render_template(
        "meetings/agenda/remove.html",
        meeting=meeting,
        when=meeting_when(meeting),
        item=item,
        form=form,
        closed=agenda_changes.removal_closed(meeting, utcnow()),
    ), status


bp.add_app_template_global(agenda_shown, "agenda_shown")
bp.add_app_template_global(children_readable, "children_readable")
