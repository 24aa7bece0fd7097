"""Admin screens for the people who sign in: list, add, change, deactivate, reactivate, links."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.auth.factors import enrolment
from tas.auth.factors.forms import ResetFactorsForm
from tas.auth.factors.fresh import fresh_sign_in
from tas.auth.factors.services import factors_of, role_requires, waiver
from tas.core.editing import add_page, change_page, found
from tas.core.forms import ButtonForm
from tas.core.use_cases import Refused, StaleEdit
from tas.organisations import bp
from tas.organisations.models import User
from tas.organisations.users import services as people
from tas.organisations.users.forms import UserForm
from tas.organisations.users.open_work import open_work_of

ACCOUNTS = "create or change a person's account"  # confirmed first (docs/security.md B10)
RACED = "Someone else changed this user at the same time. Check their details and try again."


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/users")
def users():
    return render_template("organisations/users.html", users=people.everyone())


@bp.route("/users/new", methods=["GET", "POST"])
@fresh_sign_in(ACCOUNTS)
def user_add():
    return add_page(
        UserForm,
        partial(people.add_user, by=_me()),
        template="organisations/user_form.html",
        done=url_for(".users"),
        added="{} has been added and emailed a link to set their password",
        check=people.problems,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@fresh_sign_in(ACCOUNTS)
def user_change(user_id: int):
    user = found(User, user_id)
    return change_page(
        user,
        UserForm,
        partial(people.change_user, user, by=_me()),
        thing="user",
        template="organisations/user_form.html",
        done=url_for(".users"),
        check=people.problems,
        factors=factors_of(user),
        role_needs_factor=role_requires(user),
        factors_waived=waiver() is not None,
        open_work=open_work_of(user),
    )


def _action(user_id: int) -> User:
    """The user a button is about; the button's form must carry a valid CSRF token."""
    user = found(User, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return user


def _back_to(user: User):
    return redirect(url_for(".user_change", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@fresh_sign_in(ACCOUNTS)
def user_deactivate(user_id: int):
    """Deactivate at once, or first show the open work they hold and ask: the confirmation page
    sends back the numbers it showed (`open_work`), and only those, still true, deactivate."""
    user = _action(user_id)
    confirmed = request.form.get("open_work")
    try:
        done = people.deactivate_user(user, by=_me(), confirmed=confirmed)
    except Refused as refused:
        flash(refused.problems["user"], "info")
    except StaleEdit:
        flash(RACED, "info")
    else:
        if done.outcome == "ask":
            page = render_template(
                "organisations/user_deactivate.html",
                title=f"Deactivate {user.name}'s account while they still have open work?",
                record=user,
                work=done.work,
                changed=confirmed is not None,
            )
            return page, 409 if confirmed is not None else 200
        if done.outcome == "deactivated" and done.work.total:
            # Work left with someone who cannot sign in is something to act on, not a success.
            flash(
                f"{user.name} has been deactivated and signed out everywhere. Their open work "
                "stays theirs until someone reassigns it.",
                "info",
            )
        elif done.outcome == "deactivated":
            flash(f"{user.name} has been deactivated and signed out everywhere.", "success")
        else:
            flash(f"{user.name} was already deactivated: nothing has changed.", "info")
    return _back_to(user)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@fresh_sign_in(ACCOUNTS)
def user_reactivate(user_id: int):
    user = _action(user_id)
    try:
        reactivated = people.reactivate_user(user)
    except StaleEdit:
        flash(RACED, "info")
    else:
        if reactivated:
            flash(f"{user.name} has been reactivated and can sign in again.", "success")
        else:
            flash(f"{user.name} was already active: nothing has changed.", "info")
    return _back_to(user)


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@fresh_sign_in(ACCOUNTS)
def user_password_link(user_id: int):
    user = _action(user_id)
    try:
        purpose = people.send_new_password_link(user)
    except Refused as refused:
        flash(refused.problems["user"], "info")
    else:
        what = "set their password" if purpose == "setup" else "reset their password"
        flash(f"{user.name} has been emailed a link to {what}.", "success")
    return _back_to(user)


@bp.route("/users/<int:user_id>/second-factors/reset", methods=["GET", "POST"])
@fresh_sign_in("reset a person's second factors")
def user_reset_factors(user_id: int):
    """Take away a person's passkeys, app and recovery codes (lost phone), with a reason."""
    user = found(User, user_id)
    if user.id == _me().id:
        abort(404)  # one's own are changed from one's account page, with one's own factor
    if not factors_of(user).any:
        flash(f"{user.name} has no second factors set up, so there is nothing to reset.", "info")
        return _back_to(user)
    form = ResetFactorsForm()
    if form.validate_on_submit():
        enrolment.reset_by_administrator(_me(), user, form.reason.data.strip())
        flash(
            f"{user.name}'s second factors have been reset. They and their safeguarding lead "
            "have been emailed; they set one up again when they next sign in.",
            "success",
        )
        return _back_to(user)
    return render_template("organisations/user_reset_factors.html", form=form, record=user)
