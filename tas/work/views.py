"""Reassigning a leaver's open work (reviews, actions, plans led, involvements) in one step, by
an administrator or the leaver's safeguarding lead or DSL."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, SubmitField

from tas.core.choices import record_id
from tas.core.forms import RecordForm
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db
from tas.organisations.models import User
from tas.work import bp
from tas.work import services as reassign
from tas.work.access import may_reassign_anyone, require_reassign
from tas.work.open_work import LABELS, REASSIGNED
from tas.work.services import Work

ACCOUNT_LABELS = {
    "keep": "Leave their account as it is",
    "away": "Mark them away: their reminders go to their safeguarding lead or DSL until they "
    "say they are back",
    "deactivate": "Deactivate their account: they are signed out everywhere and cannot sign in",
}
KINDS = tuple((kind, LABELS[kind]) for kind in REASSIGNED)


class ReassignForm(RecordForm):
    """Who takes over, and what happens to the leaver's account. The version is the leaver's;
    `work` and `seen` are what the page showed (a fingerprint of ids, and the counts)."""

    work = HiddenField()
    seen = HiddenField()
    to_user = SelectField(
        "Who takes over this work?",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select who takes over the work from the list",
    )
    account = RadioField(
        "What happens to their account?",
        widget=GovRadioInput(),
        default="keep",
        invalid_choice_message="Select what happens to their account",
    )
    submit = SubmitField("Move the work", widget=GovSubmitInput())

    def __init__(self, people: list[User], accounts: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(people, accounts)

    def offer(self, people: list[User], accounts: list[str]) -> None:
        """The people who may take over, and what may happen to the leaver's account."""
        self.to_user.choices = [
            SelectChoice("", "Select a person"),
            *(SelectChoice(str(person.id), _described(person)) for person in people),
        ]
        self.account.choices = [SelectChoice(code, ACCOUNT_LABELS[code]) for code in accounts]


def _described(person: User) -> str:
    where = person.organisation_name
    return f"{person.name} ({person.role_label}{', ' + where if where else ''})"


def _counts(work: Work) -> str:
    return ",".join(str(len(getattr(work, kind))) for kind, _ in KINDS)


def _seen_counts(text: str | None) -> list[int] | None:
    """The counts the page showed, from the form; None when they are not readable."""
    parts = (text or "").split(",")
    if len(parts) != len(KINDS) or not all(
        p.isascii() and p.isdigit() and len(p) < 7 for p in parts
    ):
        return None
    return [int(p) for p in parts]


def _accounts(me: User, leaver: User) -> list[str]:
    """What may happen to the leaver's account from this page."""
    choices = ["keep"]
    if leaver.active and not leaver.away:
        choices.append("away")
    if leaver.active and leaver.id != me.id and me.role == "admin":
        choices.append("deactivate")  # accounts are an administrator's (docs/security.md, Roles)
    return choices


def _me() -> User:
    return current_user._get_current_object()


def _done(me: User, leaver: User) -> str:
    if me.role == "admin":
        return url_for("organisations.user_change", user_id=leaver.id)
    return url_for("work.people")


def _moved_message(moved: reassign.Moved, leaver: User) -> str:
    summary = moved.work.summary()
    if not moved.work.total:
        said = "There was no open work to move."
    elif moved.to is None:
        said = (
            f"No work was moved: nobody else can take it on yet, so {leaver.name} still has "
            f"{summary}."
        )
    else:
        said = f"{summary[0].upper()}{summary[1:]} moved to {moved.to}."
    if moved.account == "away":
        said += (
            f" {leaver.name} is marked away: their reminders go to their safeguarding lead or DSL."
        )
    elif moved.account == "deactivate":
        said += f" {leaver.name}'s account has been deactivated."
    return said


@bp.route("/reassign/<int:user_id>", methods=["GET", "POST"], endpoint="reassign")
def reassign_work(user_id: int):
    me = _me()
    leaver = require_reassign(me, user_id)
    work = reassign.work_of(leaver)
    people = reassign.candidates(me, leaver)
    opened = {"version": leaver.version, "work": work.fingerprint, "seen": _counts(work)}
    # A post is checked against every choice: one no longer offered (they were marked away
    # meanwhile, say) is a change to show again, not a mistake in the form.
    sent = request.method == "POST"
    form = ReassignForm(
        people,
        list(ACCOUNT_LABELS) if sent else _accounts(me, leaver),
        data=None if sent else opened,
    )
    status, before = 200, None
    if form.validate_on_submit():
        try:
            moved = reassign.reassign(
                me,
                leaver,
                version=form.loaded_version(),
                fingerprint=form.work.data,
                to_user_id=record_id(form.to_user.data),
                account=form.account.data,
            )
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            db.session.rollback()
            leaver = db.session.get(User, user_id, populate_existing=True)
            work, people = reassign.work_of(leaver), reassign.candidates(me, leaver)
            before = _seen_counts(form.seen.data)
            form.version.data, form.work.data = str(leaver.version), work.fingerprint
            form.seen.data = _counts(work)
            form.version.errors = [
                f"{leaver.name}'s work or account changed while you had this page open: "
                "check it and send again"
            ]
            status = 409
        else:
            # Work left where it was is something to act on, not a success.
            kept = bool(moved.work.total) and moved.to is None
            flash(_moved_message(moved, leaver), "info" if kept else "success")
            return redirect(_done(me, leaver))
    form.offer(people, _accounts(me, leaver))
    page = render_template(
        "work/reassign.html",
        title=f"Reassign {leaver.name}'s work",
        form=form,
        leaver=leaver,
        work=work,
        kinds=[(label, len(getattr(work, kind))) for kind, label in KINDS],
        before=before,
        people=people,
        back=_done(me, leaver),
    )
    return page, status


@bp.route("")
def people():
    """The people whose work this person may reassign: an agency's staff for its safeguarding
    lead, a school's staff for its DSL. Administrators use the users list."""
    me = _me()
    if me.role == "admin" and me.active:
        return redirect(url_for("organisations.users"))
    if not may_reassign_anyone(me):
        abort(404)
    organisation = me.school.name if me.role == "dsl" else me.agency.name
    rows = reassign.staff_of(me)
    open_work = reassign.open_work_counts([row.id for row in rows])
    return render_template(
        "work/people.html",
        title=f"{organisation}: people and their open work",
        rows=rows,
        open_work=open_work,
    )
