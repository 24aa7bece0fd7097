"""What every page about a child's level of need shares: its address, the audited read, the
page saying a step cannot be recorded now, and the add-form flow."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.children.models import Child
from tas.core.editing import Check, submit_new
from tas.core.submissions import AlreadySubmitted, already_saved, once, refuse_if_used
from tas.core.use_cases import StaleEdit
from tas.extensions import db
from tas.levels.access import AgreementNeeded, LevelChange, require_level_change

RACED = (
    "Someone else changed this child's record while you were recording this, so nothing was "
    "saved: check the level of need, then send the form again if it still applies"
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
