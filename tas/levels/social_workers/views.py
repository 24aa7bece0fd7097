"""Recording the social worker while Children's Social Care holds a child's plan, from the
level of need page. Registered on the levels blueprint; recording needs the level check of
tas.reviews.access (404 or 403)."""

from __future__ import annotations

from flask import redirect, render_template, request
from flask_login import current_user

from tas.core.editing import saved_banner, submit_change
from tas.levels import bp
from tas.levels import services as levels
from tas.levels.access import LevelChange
from tas.levels.forms import SocialWorkerForm
from tas.levels.pages import level_url, not_now, recordable, viewed
from tas.levels.social_workers import services as lead_contact

TITLE = "Social worker"


@bp.route("/level/social-worker", methods=["GET", "POST"])
def social_worker(child_id: int):
    """Every page shown is about the child, so every request is audited, a send as well as a
    read (before the records are loaded: the audit's commit expires them)."""
    child = recordable(child_id, LevelChange.SOCIAL_WORKER)
    viewed("social_worker_opened", child_id)
    plan = levels.open_plan_of(child_id)
    why = lead_contact.not_held(plan)
    if why:
        return not_now(child, TITLE, why)
    form = SocialWorkerForm(
        data=SocialWorkerForm.data_from(plan) if request.method == "GET" else None
    )
    result = submit_change(
        form,
        plan,
        lambda version, values: lead_contact.record_social_worker(
            plan, current_user, version, values
        ),
        thing="plan",
        saved_form=lambda fresh: SocialWorkerForm(
            formdata=None, data=SocialWorkerForm.data_from(fresh)
        ),
    )
    if result.saved:
        saved_banner(result, "The social worker has been saved: they are shown as the lead contact")
        return redirect(level_url(child_id))
    return render_template(
        "levels/social_worker.html",
        title=TITLE,
        child=child,
        plan=plan,
        form=form,
        comparison=result.comparison,
    ), result.status
