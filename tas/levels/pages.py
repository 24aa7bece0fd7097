"""What every page about a child's level of need shares: its address, the audited read, the
page saying a step cannot be recorded now, the add-form flow, and a step form opened before
someone else recorded a change (sent back with their change beside what was typed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.children.models import Child
from tas.core.choices import label
from tas.core.editing import Check, Difference, submit_new
from tas.core.submissions import AlreadySubmitted, already_saved, once, refuse_if_used
from tas.core.use_cases import StaleEdit
from tas.core.words import local_date
from tas.extensions import db
from tas.levels.access import AgreementNeeded, LevelChange, require_level_change
from tas.levels.forms import change_seen
from tas.levels.models import StepChange
from tas.levels.rules import STEP_KINDS, TARGETED_EARLY_HELP
from tas.levels.services import last_change_id
from tas.reviews.services import level_label

RACED = (
    "Someone else changed this child's record while you were recording this, so nothing was "
    "saved: check the level of need, then send the form again if it still applies"
)
CHANGED_SINCE = (
    "Someone else recorded a change of level after you opened this form, so nothing was "
    "saved: check their change, then send the form again if yours still applies"
)


def level_url(child_id: int) -> str:
    return url_for("levels.level", child_id=child_id)


def viewed(action: str, child_id: int, **detail) -> None:
    """Every read of a level page is in the audit log (committed before the page's records are
    loaded, since a commit expires every loaded row)."""
    audit_view(
        action, target_type="Child", target_id=child_id, detail={"child_id": child_id, **detail}
    )


def not_now(
    child: Child,
    title: str,
    why: str,
    *,
    report_now: bool = False,
    link: tuple[str, str] | None = None,
):
    """This cannot be recorded at the child's level now: a page saying why (409 for a send),
    with the words on reporting a child at risk where a worry is being recorded, and `link`
    (words, address) to what must be done first, when there is one."""
    page = render_template(
        "levels/not_now.html",
        title=title,
        child=child,
        why=why,
        report_now=report_now,
        link=link,
    )
    return page, 409 if request.method == "POST" else 200


def sent_before(form, child: Child):
    """A form sent again says what the first send saved, before any check on the level (the
    first send changed it)."""
    once(form)
    if request.method != "POST":
        return None
    try:
        refuse_if_used()
    except AlreadySubmitted:
        return already_saved(level_url(child.id))
    return None


def add_page(form, add: Callable[[dict], object], child: Child, *, check: Check | None = None):
    """Send an add form once: (what was saved, a response to return instead, the status);
    `check` is the save's own checks, shown with the form's errors (tas.core.editing)."""
    once(form)
    try:
        return submit_new(form, add, check=check), None, 200
    except AlreadySubmitted:
        return None, already_saved(level_url(child.id)), 200
    except StaleEdit:
        form.level.errors = [RACED]
        return None, None, 409


TITLES = {
    LevelChange.STEP_UP: "Step up within early help",
    LevelChange.STEP_DOWN: "Step down within early help",
}


def agreement_needed(refused: AgreementNeeded):
    """The 403 page for a change within early help that the family's agreement does not allow
    now, in plain words, with the words on reporting a child at risk (a safeguarding worry
    goes to the IFD, which needs no agreement)."""
    child = db.session.get(Child, refused.child_id)
    title = TITLES.get(refused.change, "You cannot record this now")
    page = render_template(
        "levels/not_now.html", title=title, child=child, why=refused.why, report_now=True
    )
    return page, 403


def recordable(child_id: int, change: LevelChange = LevelChange.REFERRAL) -> Child:
    """The child, when the person may record this change about their level (else 404, 403, or
    the page saying the family's agreement is needed: AgreementNeeded)."""
    require_level_change(current_user, child_id, change)
    child = db.session.get(Child, child_id)
    if child is None:  # pragma: no cover - the access check found it a moment ago
        abort(404)
    return child


@dataclass(frozen=True)
class ChangedSince:
    """The change someone else recorded after a step form was opened, and the form's answers
    beside it (the stale-edit answer, tas.core.editing, for a form that adds a change)."""

    change: StepChange
    comparison: list[Difference]

    @property
    def what(self) -> str:
        """ "Step down from Children's Social Care: Children's Social Care to Targeted Early
        Help, by Dee Lead" """
        change = self.change
        moved = f"{level_label(change.from_level)} to {level_label(change.to_level)}"
        return f"{label(STEP_KINDS, change.kind)}: {moved}, by {change.recorded_by.name}"


def add_step(form, add: Callable[[dict], object], child: Child, *, check: Check):
    """`add_page` for a step form: (what was saved, a response instead, the status, and
    ChangedSince when the form was opened before a change someone else recorded). The form
    then carries the latest change, so that sending it again is a deliberate choice."""
    seen = change_seen(form.last_change.data)
    change, instead, status = add_page(form, add, child, check=check)
    if status != 409:
        return change, instead, status, None
    latest = last_change_id(child.id)
    form.last_change.data = str(latest)
    since = db.session.get(StepChange, latest) if latest and latest != seen else None
    if since is None:
        return change, instead, status, None
    form.level.errors = [CHANGED_SINCE]
    return change, instead, status, ChangedSince(since, _beside(form, since))


def _beside(form, since: StepChange) -> list[Difference]:
    """The form's answers beside the change recorded since, in the words the pages use."""
    yours = form.to_level.data if "to_level" in form else TARGETED_EARLY_HELP
    return [
        Difference(
            "Level of need after the change", level_label(yours), level_label(since.to_level)
        ),
        Difference(
            form.changed_on.label.text,
            local_date(form.changed_on.data),
            local_date(since.changed_on),
        ),
        Difference(form.reason.label.text, form.reason.data or "", since.reason),
        Difference(form.decided_by.label.text, form.decided_by.data or "", since.decided_by),
        Difference("Recorded by", current_user.name, since.recorded_by.name),
    ]
