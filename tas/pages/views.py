"""The home page for each role, the statutory information pages and /healthz."""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tas.audit.services import audit_view
from tas.auth import devices
from tas.core.clock import today
from tas.core.words import meeting_day_and_times
from tas.extensions import db
from tas.flags import services as flags
from tas.meetings.access import LISTING_ROLES, organising_schools
from tas.meetings.attention import for_home
from tas.meetings.lists.upcoming import next_meetings
from tas.meetings.rules import MEETING_KINDS
from tas.organisations import safeguarding
from tas.outbox import failed
from tas.pages import bp
from tas.plans.actions import services as actions
from tas.plans.gp import lists as gp_lists
from tas.reviews import attention as reviews


@bp.route("/")
def home():
    # Coordinators and administrators are told of emails that could not be delivered.
    undelivered = failed.counts() if failed.may_see(current_user) else None
    concerns = flags.concerns_to_answer(current_user)
    if concerns:
        # The list names children and why they are flagged: a read of their records.
        audit_view("concerns_listed", detail={"child_ids": [c.child_id for c in concerns]})
    return render_template(
        f"pages/home/{current_user.role}.html",
        attention=for_home(current_user),
        reviews=reviews.for_home(current_user),
        undelivered=undelivered,
        worried=safeguarding.worried_words(current_user),
        concerns=concerns,
        to_acknowledge=gp_lists.to_acknowledge(current_user),
        actions_overdue=actions.overdue_count(current_user, today()),
        when=meeting_day_and_times,
        lists_meetings=current_user.role in LISTING_ROLES,
        next_meetings=next_meetings(current_user),
        books_meetings=organising_schools(current_user) is not None,
        meeting_kinds=MEETING_KINDS,
    )


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/cookies")
def cookies():
    return render_template(
        "pages/cookies.html",
        cookie_name=current_app.config["SESSION_COOKIE_NAME"],
        device_cookie_name=devices.cookie_name(),
    )


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
