"""The voice of the child: the child's entries, recording one, a concern and its response.

Every page checks access first through the children's one check (404 for a child the person
may not know of, 403 for a page they may not use) and audits the read before showing it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children.access import Reader, reader
from tas.children.services import child_record
from tas.core.choices import label
from tas.core.clock import local, today, utcnow
from tas.core.editing import change_page, submit_new
from tas.core.submissions import once
from tas.plans.rules import MARKERS
from tas.plans.services import open_plan_of
from tas.voice import access, bp, rules, services
from tas.voice.forms import ResponseForm, VoiceForm


def _reader(child) -> Reader:
    plan = open_plan_of(child.id)
    return reader(current_user, child.school_id, plan.lead_practitioner_id if plan else None)


def _words(entry, who: Reader) -> dict:
    """An entry's codes in words, for the pages; a restricted entry's words only for its own
    organisation and those who hold the record."""
    return {
        "withheld": entry.restricted
        and not who.sees_restricted(entry.originating_agency_id, entry.originating_school_id),
        "setting": entry.setting_detail or label(rules.SETTINGS, entry.setting),
        "heard_how": label(rules.HEARD, entry.heard_how),
        "response": label(rules.RESPONSES, entry.response) if entry.response else "",
        "reference": rules.concern_reference(entry.id),
        "markers": ", ".join(m.label for m in MARKERS if getattr(entry, m.code)),
        "due": rules.due_words(local(entry.response_due_at), local(utcnow()))
        if entry.response_due_at
        else "",
        "overdue": bool(entry.awaiting_response and rules.overdue(entry.response_due_at, utcnow())),
    }


@bp.route("")
def entries(child_id: int):
    level = access.require_reader(current_user, child_id)
    services.viewed("voice_viewed", child_id)
    child = child_record(child_id)
    who = _reader(child)
    return render_template(
        "voice/entries.html",
        child=child,
        entries=services.entries(child_id),
        words=lambda entry: _words(entry, who),
        may_record=access.may_record(current_user, level),
        may_respond=access.may_respond(current_user, level),
    )


@bp.route("/new", methods=["GET", "POST"])
def new(child_id: int):
    level = access.require_reader(current_user, child_id)
    access.require(access.may_record(current_user, level))
    child = child_record(child_id)
    opened = {"heard_on": today(), "captured_by": _me_in_words()}
    form = VoiceForm(data=opened if request.method == "GET" else None)
    once(form, saved_at=url_for(".entries", child_id=child_id))
    entry = submit_new(
        form,
        lambda values: services.record_entry(child, current_user, values),
        check=lambda values: services.entry_problems(child, values),
    )
    if entry is not None:
        if entry.raises_concern:
            return redirect(url_for(".entry", child_id=child_id, entry_id=entry.id, recorded=1))
        flash("What the child said has been saved", "success")
        return redirect(url_for(".entries", child_id=child_id))
    if request.method == "GET":
        services.viewed("voice_form_opened", child_id)
    return render_template("voice/entry_form.html", child=child, form=form)


def _me_in_words() -> str:
    organisation = current_user.school or current_user.agency
    return f"{current_user.name}, {organisation.name}" if organisation else current_user.name


@bp.route("/<int:entry_id>")
def entry(child_id: int, entry_id: int):
    level = access.require_reader(current_user, child_id)
    found = services.entry_of(child_id, entry_id)
    if found is None:
        abort(404)
    services.viewed("voice_entry_viewed", child_id, found)
    child = child_record(child_id)
    just_recorded = request.args.get("recorded") == "1" and found.awaiting_response
    return render_template(
        "voice/entry.html",
        child=child,
        entry=found,
        words=_words(found, _reader(child)),
        just_recorded=just_recorded,
        told=services.told_at_once(found, child) if just_recorded else "",
        may_respond=access.may_respond(current_user, level) and found.awaiting_response,
    )


@bp.route("/<int:entry_id>/response", methods=["GET", "POST"])
def response(child_id: int, entry_id: int):
    level = access.require_reader(current_user, child_id)
    access.require(access.may_respond(current_user, level))
    found = services.entry_of(child_id, entry_id)
    if found is None or not found.raises_concern:
        abort(404)
    if request.method == "GET" and not found.awaiting_response:
        flash("A response to this concern has already been recorded", "info")
        return redirect(url_for(".entry", child_id=child_id, entry_id=entry_id))
    if request.method == "GET":
        services.viewed("concern_response_opened", child_id, found)
    child = child_record(child_id)
    return change_page(
        found,
        ResponseForm,
        lambda version, values: services.respond(found, current_user, version, values),
        thing="concern",
        template="voice/response_form.html",
        done=url_for(".entry", child_id=child_id, entry_id=entry_id),
        saved="The response has been recorded: the concern is no longer flagged",
        child=child,
        entry=found,
        words=_words(found, _reader(child)),
    )
