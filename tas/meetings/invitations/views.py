"""Pages for invitations: invite an agency or a named person, invite a suggested GP practice,
remove an invitation, answer one, and choose a school's default invited agencies. The agenda's
pages register from agenda_views."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.choices import record_id
from tas.core.clock import utcnow
from tas.core.editing import Submitted, compare, saved_banner, submit_change, submit_new
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db
from tas.meetings import bp, rules
from tas.meetings.access import MeetingAccess, may_organise_school, require
from tas.meetings.booking.history import meeting_when
from tas.meetings.invitations import answers, representatives
from tas.meetings.invitations import defaults as invitation_defaults
from tas.meetings.invitations import services as invitations
from tas.meetings.invitations.forms import (
    AnswerForm,
    ConfirmForm,
    DefaultAgenciesForm,
    InvitationForm,
    saved_token,
)
from tas.meetings.models import Invitation
from tas.organisations.models import School


def organises_school(school_id: int) -> bool:
    """Whether the signed-in person organises the school's meetings (not only chairs one)."""
    return may_organise_school(current_user, school_id)


def invitee_name(invitation: Invitation) -> str:
    """Who is invited, in words: the agency, or the named person."""
    if invitation.agency is not None:
        return invitation.agency.name
    return invitation.representative.name if invitation.representative else "Unknown"


def _meeting_page(meeting_id: int) -> str:
    return url_for("meetings.meeting", meeting_id=meeting_id) + "#invitations"


# ---------------------------------------------------------------- inviting


@bp.route("/<int:meeting_id>/invitations/add", methods=["GET", "POST"])
def invitation_add(meeting_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    form = InvitationForm(
        agencies=invitations.invitable_agencies(), invitable=invitations.invitable_people()
    )
    added = submit_new(
        form, lambda values: invitations.add_invitation(meeting, current_user, values)
    )
    if added is not None:
        flash(f"{invitee_name(added)} has been invited", "success")
        return redirect(_meeting_page(meeting_id))
    offer = None
    if form.errors and not form.unusable:
        offer = representatives.one_invitation_instead(meeting, form.values())
    return render_template(
        "meetings/invitations/add.html",
        meeting=meeting,
        when=meeting_when(meeting),
        form=form,
        offer=offer,
        closed=invitations.changes_closed(meeting, utcnow()),
    )


@bp.route("/<int:meeting_id>/invitations/<int:invitation_id>/representative", methods=["POST"])
def invitation_representative(meeting_id: int, invitation_id: int):
    """Offered instead of inviting an agency twice: one invitation of the agency, naming the
    person who answers for it (tas.meetings.invitations.representatives)."""
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    invitation = invitations.standing_invitation(meeting, invitation_id)
    if invitation is None:
        abort(404)
    form = ConfirmForm()  # the CSRF check itself runs for every POST
    values = {
        "agency_id": record_id(request.form.get("agency")),
        "person_id": record_id(request.form.get("person")),
    }
    try:
        changed = representatives.name_representative(
            meeting, invitation, current_user, form.loaded_version(), values
        )
    except Refused as refused:
        flash(next(iter(refused.problems.values())), "info")
        return redirect(_meeting_page(meeting_id))
    except StaleEdit:
        db.session.rollback()
        flash(
            "Someone else changed that invitation while you were looking at it. Check who is "
            "invited, then invite them again if you still want to",
            "info",
        )
        return redirect(_meeting_page(meeting_id))
    person = invitation.representative
    if changed:
        flash(f"{person.name} now answers for {invitation.agency.name}'s invitation", "success")
    else:
        flash(f"{person.name} already answers for {invitation.agency.name}'s invitation", "info")
    return redirect(_meeting_page(meeting_id))


@bp.route("/<int:meeting_id>/invitations/suggested", methods=["POST"])
def invitation_suggested(meeting_id: int):
    """One-click invitation of a GP practice suggested from the agenda children."""
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    ConfirmForm()  # the CSRF check itself runs for every POST
    try:
        added = invitations.invite_suggested(
            meeting, current_user, record_id(request.form.get("agency"))
        )
    except Refused as refused:
        flash(next(iter(refused.problems.values())), "info")
        return redirect(_meeting_page(meeting_id))
    if added is None:
        flash("That GP practice is already invited, or no longer suggested", "info")
    else:
        flash(f"{invitee_name(added)} has been invited", "success")
    return redirect(_meeting_page(meeting_id))


@bp.route("/<int:meeting_id>/invitations/<int:invitation_id>/remove", methods=["GET", "POST"])
def invitation_remove(meeting_id: int, invitation_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    invitation = invitations.standing_invitation(meeting, invitation_id)
    if invitation is None:
        abort(404)
    name = invitee_name(invitation)
    form = ConfirmForm(data={"version": invitation.version} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            invitations.remove_invitation(invitation, current_user, form.loaded_version())
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            db.session.rollback()
            invitation = invitations.standing_invitation(meeting, invitation_id)
            if invitation is None:
                flash(f"The invitation of {name} had already been removed", "info")
                return redirect(_meeting_page(meeting_id))
            form.version.data = str(invitation.version)
            form.version.errors = [
                "Someone else changed this invitation while you were looking at it. Check it, "
                "then remove it if you still want to"
            ]
            status = 409
        else:
            flash(f"The invitation of {name} has been removed", "success")
            return redirect(_meeting_page(meeting_id))
    return render_template(
        "meetings/invitations/remove.html",
        meeting=meeting,
        when=meeting_when(meeting),
        invitation=invitation,
        name=name,
        answer=answers.answer_label(invitation.answer),
        form=form,
        # Once it cannot be removed, the page says why (after a refusal too) and offers no button.
        closed=invitations.removal_closed(meeting, invitation, utcnow()),
    ), status


# ---------------------------------------------------------------- answering


@bp.route("/<int:meeting_id>/answer", methods=["GET", "POST"])
def invitation_answer(meeting_id: int):
    """An invited practitioner (or GP practice) answers: attending, apologies, or apologies
    with a written update, until the meeting starts."""
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ARRANGEMENTS)
    invitation = answers.my_invitation(meeting, current_user)
    if invitation is None:
        abort(403)
    form = AnswerForm(data=AnswerForm.data_from(invitation) if request.method == "GET" else None)
    result = Submitted()
    closed = invitations.answer_closed(meeting, utcnow())
    if request.method == "POST" and closed:
        # Nothing to put right and send again: the page says why, without the form, and shows
        # what was written, to give the chair another way.
        form.show({"answer": closed})
    elif request.method == "POST":
        result = submit_change(
            form,
            invitation,
            lambda version, values: answers.answer(invitation, current_user, version, values),
            thing="answer",
            saved_form=lambda fresh: AnswerForm(formdata=None, data=AnswerForm.data_from(fresh)),
        )
        if result.saved:
            saved_banner(result, "Your answer has been sent to the meeting's chair")
            return redirect(_meeting_page(meeting_id))
        if form.answer.errors == [answers.INCOMPLETE]:
            form.version.data = str(invitation.version)
        closed = invitations.answer_closed(meeting, utcnow())  # it may have started meanwhile
        if closed:
            form.show({"answer": closed})
    typed = (form.written_update.data or "").strip() if request.method == "POST" else ""
    return render_template(
        "meetings/invitations/answer.html",
        meeting=meeting,
        when=meeting_when(meeting),
        invitation=invitation,
        name=invitee_name(invitation),
        answer=answers.answer_label(invitation.answer),
        form=form,
        comparison=result.comparison,
        closed=closed,
        not_sent=typed if closed and typed != (invitation.written_update or "") else "",
        rules=rules,
    ), result.status


# ---------------------------------------------------------------- a school's default agencies


@bp.route("/schools/<int:school_id>/invited-agencies", methods=["GET", "POST"])
def default_agencies(school_id: int):
    """The agencies every new meeting at the school invites, chosen by its organisers."""
    school = db.session.get(School, school_id)
    if school is None or not may_organise_school(current_user, school_id):
        abort(404)
    choices = invitation_defaults.default_agency_choices(school.id)
    saved = invitation_defaults.chosen_defaults(school.id)
    ticked = saved or [agency.id for agency in invitation_defaults.default_agencies(school.id)]
    data = DefaultAgenciesForm.data_from(ticked, saved) if request.method == "GET" else None
    form = DefaultAgenciesForm(data=data, agencies=choices)
    comparison, status = None, 200
    if form.validate_on_submit():
        try:
            loaded = form.loaded()
            if loaded is None:
                raise StaleEdit
            changed = invitation_defaults.set_default_agencies(
                school, loaded, form.values(), current_user
            )
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            db.session.rollback()
            saved = invitation_defaults.chosen_defaults(school_id)
            now_ticked = saved or [a.id for a in invitation_defaults.default_agencies(school_id)]
            shown = DefaultAgenciesForm(
                formdata=None,
                data=DefaultAgenciesForm.data_from(now_ticked, saved),
                agencies=choices,
            )
            comparison = compare(form, shown)
            form.version.data = saved_token(saved)
            form.version.errors = [
                "Someone else changed these default agencies while you were editing them"
            ]
            status = 409
        else:
            saved_banner(
                Submitted(saved=True, changed=bool(changed)),
                f"The agencies {school.name} invites by default have been saved",
            )
            return redirect(url_for("meetings.default_agencies", school_id=school_id))
    return render_template(
        "meetings/invitations/defaults.html",
        school=db.session.get(School, school_id),
        form=form,
        comparison=comparison,
        using_defaults=not saved,
    ), status


bp.add_app_template_global(organises_school, "organises_school")
