"""Sign-in, sign-out, account and password pages: parse, call a service, render or redirect."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from tas.auth import attempts, bp, devices, rules, services
from tas.auth.account import account_page
from tas.auth.factors import services as second_factors
from tas.auth.forms import (
    ChangePasswordForm,
    NewPasswordForm,
    PasswordResetForm,
    ReminderChoicesForm,
    SignInForm,
    stand_ins,
)
from tas.auth.guard import FIRST_PAGE
from tas.core.clock import utcnow
from tas.core.editing import compare
from tas.core.forms import RESTORE_KEY, ButtonForm
from tas.core.pending_forms import form_waiting
from tas.core.use_cases import StaleEdit
from tas.extensions import db
from tas.organisations.safeguarding import ANYONE
from tas.organisations.services import change

THROTTLED = {
    "account": "You have tried to sign in too many times. Wait {wait} and try again, "
    "or reset your password",
    "address": "There have been too many attempts to sign in from your network. "
    "Wait {wait} and try again",
}


def _client() -> tuple[str | None, str | None]:
    return request.remote_addr, request.headers.get("User-Agent")


def _enter_session(user, target: str) -> None:
    """Start a clean Flask session for the user (docs/security.md B7) and note any kept form."""
    session.clear()
    login_user(user)
    path = target.split("?", 1)[0]
    if form_waiting(user.id, path):
        session[RESTORE_KEY] = True


def _second_step(user, target: str) -> str:
    """Where a right password leads: the second factor (or setting one up) first, if this
    session still needs it, then the page asked for."""
    needed = second_factors.needs(user)
    if needed is None:
        return target
    page = FIRST_PAGE[needed]
    return url_for(page) if target == url_for("pages.home") else url_for(page, next=target)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    # Only a next page on this site is carried through the form (docs/security.md E19).
    form = SignInForm(next=rules.safe_next(request.args.get("next")) or "")
    status, headers = 200, {}
    if form.validate_on_submit():
        ip, agent = _client()
        known = devices.known_account()
        result = attempts.sign_in(form.email.data, form.password.data, ip, agent, known)
        if result.user:
            target = rules.safe_next(form.next.data) or url_for("pages.home")
            _enter_session(result.user, target)
            response = redirect(_second_step(result.user, target))
            devices.remember(response, result.user)
            return response
        if result.throttled_until:
            # What was typed stays (but the password); the page says how long to wait.
            seconds = rules.seconds_to_wait(result.throttled_until, utcnow())
            status, headers = 429, {"Retry-After": str(seconds)}
            form.email.errors = [
                THROTTLED[result.throttled_by].format(wait=rules.minutes_in_words(seconds))
            ]
        else:
            # Said once, at the email address (which of the two was wrong is not told).
            form.email.errors = ["Enter a correct email address and password"]
        form.password.data = ""
    page = render_template(
        "auth/sign_in.html", form=form, worried=ANYONE, waiver=second_factors.waiver()
    )
    return page, status, headers


@bp.post("/sign-out")
def sign_out():
    ButtonForm()  # the CSRF check itself runs for every POST
    services.sign_out(current_user)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.post("/session/extend")
def extend_session():
    services.keep_session_alive(current_user)
    return jsonify(seconds_left=services.seconds_until_idle_timeout(current_user))


@bp.route("/account")
def account():
    return account_page()


def _why_not(checked) -> str:
    if checked.locked:
        return "Too many wrong tries: reset your password to go on"
    if checked.paused_until:
        wait = rules.minutes_in_words(rules.seconds_to_wait(checked.paused_until, utcnow()))
        return f"Too many wrong tries. Wait {wait} and try again"
    return "Your current password is not right"


@bp.post("/account/password")
def change_password():
    form = ChangePasswordForm()
    valid = form.validate_on_submit()
    if form.is_submitted():
        # Every problem at once: the current password, and the new one, beside the rest.
        current, new = form.current_password, form.new_password
        user = current_user._get_current_object()
        checked = (
            second_factors.check_current_password(user, current.data)
            if current.data and not current.errors
            else None
        )
        if checked is not None and not checked.ok:
            current.errors = [_why_not(checked)]
            if checked.locked or checked.paused_until:
                return account_page(form), 429
        problem = (
            new.data and not new.errors and services.password_problem_for(current_user, new.data)
        )
        if problem:
            new.errors = [problem]
        elif new.data and new.data == current.data and not current.errors:
            new.errors = ["Your new password must be different from your current password"]
        if valid and not current.errors and not new.errors:
            ip, agent = _client()
            services.change_password(user, form.new_password.data, ip, agent)
            session.clear()
            login_user(user)
            flash(
                "Your password has been changed. You have been signed out everywhere else.",
                "success",
            )
            return redirect(url_for("auth.account"))
    return account_page(form)


@bp.post("/account/sessions/end-others")
def end_other_sessions():
    ButtonForm()
    count = services.end_other_sessions(current_user)
    if count:
        flash(f"Signed out of {count} other session{'s' if count != 1 else ''}.", "success")
    else:
        flash("You were not signed in anywhere else, so nothing changed.", "info")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/<int:session_id>/end")
def end_session(session_id: int):
    if not services.end_one_session(current_user, session_id):
        abort(404)
    flash("That session has been signed out.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/reminders", methods=["GET", "POST"])
def reminders():
    """The person's own choices: one email per reminder or a daily digest, and whether they
    are away (their reminders then go to their safeguarding lead or DSL). Administrators get
    no reminders."""
    user = current_user._get_current_object()
    if not user.has_own_work:
        abort(404)
    form = ReminderChoicesForm(
        data=ReminderChoicesForm.data_from(user) if request.method == "GET" else None
    )
    comparison, status = None, 200
    if form.validate_on_submit():
        try:
            changed = change(user, form.loaded_version(), form.values(), "reminder_choices_changed")
        except StaleEdit:
            db.session.rollback()
            fresh = db.session.get(type(user), user.id, populate_existing=True)
            saved = ReminderChoicesForm(formdata=None, data=ReminderChoicesForm.data_from(fresh))
            comparison = compare(form, saved)
            form.version.data = str(fresh.version)
            form.version.errors = [
                "Your reminder choices were changed somewhere else while you had this page open"
            ]
            status = 409
        else:
            if changed:
                flash("Your reminder choices have been saved.", "success")
            else:
                flash("Your reminder choices are as they were: nothing was changed.", "info")
            return redirect(url_for("auth.account"))
    page = render_template(
        "auth/reminders.html", form=form, comparison=comparison, cover=stand_ins(user)
    )
    return page, status


@bp.route("/password-reset", methods=["GET", "POST"])
def password_reset():
    form = PasswordResetForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, request.remote_addr)
        return redirect(url_for("auth.password_reset_sent"))
    return render_template("auth/password_reset.html", form=form)


@bp.route("/password-reset/sent")
def password_reset_sent():
    return render_template("auth/password_reset_sent.html")


@bp.route("/password/<token>", methods=["GET", "POST"])
def password_link(token: str):
    link = services.valid_password_link(token)
    if link is None:
        return render_template("auth/password_link_invalid.html"), 404
    form = NewPasswordForm()
    valid = form.validate_on_submit()
    new = form.new_password
    # Every problem at once: a password too short beside confirmation that does not match.
    problem = (
        form.is_submitted()
        and new.data
        and not new.errors
        and services.password_problem_for(link.user, new.data)
    )
    if problem:
        new.errors = [problem]
    if valid and not problem:
        services.set_password_from_link(link, new.data)
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash("Your password has been saved. Sign in with it now.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/password_set.html", form=form, link=link)
