"""GP notification pages: sending or recording one from a plan (on the plans blueprint), the
list of missing notifications, and the GP practice's own list (the small `gp` blueprint)."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from tas.audit.services import audit_view
from tas.core.choices import label
from tas.core.clock import local
from tas.core.editing import all_at_once, saved_banner, submit_change
from tas.core.use_cases import Refused
from tas.core.words import long_date
from tas.extensions import db
from tas.plans import bp as plans_bp
from tas.plans.access import ReadOnly, plan_on
from tas.plans.gp import bp
from tas.plans.gp import lists as gp_lists
from tas.plans.gp import rules as gp_rules
from tas.plans.gp import services as gp
from tas.plans.gp.forms import ByHandForm, ReplyForm, SendForm
from tas.plans.gp.status import MISSING_LIST_ROLES, may_notify, notify_page
from tas.plans.models import SharedPlan
from tas.reviews.services import level_label


def _team_page(child_id: int) -> str:
    return url_for("children.child", child_id=child_id) + "#gp-notification"


def _notifying(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    if not may_notify(current_user, on.plan, on.rights.level, on.agreement):
        raise ReadOnly(on.plan, "send or record the GP notification for this plan")
    return on


def _page(on, send_form, record_form, posted=None, status=200):
    page = notify_page(on.plan)
    kind = page.gp.outstanding
    for form in (send_form, record_form):
        if not form.kind.data:
            form.kind.data = kind
    return render_template(
        "plans/gp_notification.html",
        title="Tell the GP practice",
        child=page.child,
        page=page,
        kind_label=label(gp_rules.KINDS, kind) if kind else None,
        level_label=level_label(on.plan.level_of_need),
        domains=", ".join(current_app.config["GP_SECURE_EMAIL_DOMAINS"]),
        send_form=send_form,
        record_form=record_form,
        form=posted,
    ), status


NOT_WAITING = "That notification is not waiting to be sent to the GP practice: nothing was sent"


def _already_sent(child_id: int, refused: gp.AlreadySent):
    db.session.rollback()
    if refused.notification is not None and refused.notification.sent_at is not None:
        when = long_date(local(refused.notification.sent_at).date())
        flash(f"The GP practice had already been told on {when}: nothing was sent again", "info")
    else:
        flash(NOT_WAITING, "info")
    return redirect(_team_page(child_id))


@plans_bp.route("/plans/<int:plan_id>/gp-notification", methods=["GET", "POST"])
def gp_notification(child_id: int, plan_id: int):
    on = _notifying(child_id, plan_id)
    send_form = SendForm()
    record_form = ByHandForm(formdata=None)
    if request.method == "GET":
        audit_view("gp_notification_opened", target=on.plan, detail={"child_id": child_id})
    elif send_form.validate_on_submit():
        values = send_form.values()
        try:
            gp.send(
                on.plan,
                current_user,
                on.agreement,
                send_form.kind.data,
                values["reason"],
                values["ask"],
            )
        except gp.AlreadySent as refused:
            return _already_sent(child_id, refused)
        except Refused as refused:
            send_form.show(refused.problems)
        else:
            flash(f"The GP notification for plan {on.plan.reference} has been sent", "success")
            return redirect(_team_page(child_id))
    return _page(on, send_form, record_form, posted=send_form)


@plans_bp.route("/plans/<int:plan_id>/gp-notification/record", methods=["GET", "POST"])
def gp_notification_record(child_id: int, plan_id: int):
    on = _notifying(child_id, plan_id)
    record_form = ByHandForm()
    send_form = SendForm(formdata=None)
    if request.method == "GET":
        return redirect(url_for("plans.gp_notification", child_id=child_id, plan_id=plan_id))
    if not record_form.validate_on_submit():
        all_at_once(record_form, lambda values: gp.by_hand_problems(on.plan, values))
    else:
        try:
            gp.record_by_hand(on.plan, current_user, record_form.kind.data, record_form.values())
        except gp.AlreadySent as refused:
            return _already_sent(child_id, refused)
        except Refused as refused:
            record_form.show(refused.problems)
        else:
            flash("The GP notification has been recorded", "success")
            return redirect(_team_page(child_id))
    return _page(on, send_form, record_form, posted=record_form)


# ---------------------------------------------------------------- lists


@bp.route("/gp-notifications/missing")
def missing():
    if current_user.role not in MISSING_LIST_ROLES:
        abort(403)
    rows = gp_lists.missing_gp_notifications(current_user)
    gp_lists.missing_list_viewed(len(rows))
    return render_template(
        "plans/gp_missing.html",
        title="Missing GP notifications",
        rows=rows,
        names=current_user.role != "coordinator",
    )


@bp.route("/gp/notifications")
def notifications():
    gp_lists.practice_list_viewed(current_user)  # before loading: a commit expires rows
    rows = gp_lists.practice_notifications(current_user)
    return render_template("plans/gp_notifications.html", title="GP notifications", rows=rows)


@bp.route("/gp/notifications/<int:notification_id>/acknowledge", methods=["POST"])
def acknowledge(notification_id: int):
    row = gp_lists.practice_notification(current_user, notification_id)
    if gp_lists.acknowledge(current_user, row):
        flash("The notification has been acknowledged", "success")
    else:
        when = long_date(local(row.acknowledged_at).date())
        flash(f"The notification had already been acknowledged on {when}", "info")
    return redirect(url_for(".notifications") + f"#notification-{notification_id}")


@bp.route("/gp/notifications/<int:notification_id>/reply", methods=["GET", "POST"])
def reply(notification_id: int):
    row = gp_lists.practice_notification(current_user, notification_id)
    if request.method == "GET":
        audit_view("gp_reply_opened", target=row)
        row = gp_lists.practice_notification(current_user, notification_id)
    form = ReplyForm(data=ReplyForm.data_from(row) if request.method == "GET" else None)
    result = submit_change(
        form,
        row,
        lambda version, values: gp_lists.reply(
            current_user, row, version, values["health_services_reply"]
        ),
        thing="answer",
        saved_form=lambda fresh: ReplyForm(formdata=None, data=ReplyForm.data_from(fresh)),
    )
    if result.saved:
        saved_banner(result, "Your answer has been sent to the team around the child")
        return redirect(url_for(".notifications") + f"#notification-{notification_id}")
    plan = db.session.get(SharedPlan, row.plan_id)
    page = render_template(
        "plans/gp_reply.html",
        title="Which health services are involved?",
        form=form,
        notification=row,
        plan=plan,
        comparison=result.comparison,
    )
    return page, result.status
