"""Second-factor pages on the `auth` blueprint: the second step of signing in (a code, a
passkey or a recovery code), setting one up (required before anything else for most roles),
and managing them from the account page."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.auth import bp
from tas.auth.factors import enrolment, passkeys, remembered, rules, services
from tas.auth.factors.forms import CodeForm, PasskeyForm, RecoveryCodeForm, SetUpAppForm
from tas.auth.factors.fresh import fresh_sign_in
from tas.auth.rules import minutes_in_words, safe_next, seconds_to_wait
from tas.core.clock import utcnow
from tas.core.forms import ButtonForm
from tas.core.use_cases import Refused

WRONG_CODE = "That code is not right, or was used already. Wait for the next one"
CHANGING = "change your second factors"


def _user():
    return current_user._get_current_object()


def _next() -> str:
    """Where to go once this step is done: the page asked for at sign-in, else home."""
    return safe_next(request.args.get("next")) or url_for("pages.home")


LOCKED = (
    "Too many wrong tries: signing in to this account is stopped until a new password is set. "
    "Reset your password, or ask your partnership's administrator"
)


def _paused(outcome) -> str:
    if outcome.locked:
        return LOCKED
    wait = minutes_in_words(seconds_to_wait(outcome.paused_until, utcnow()))
    return f"Too many wrong tries. Wait {wait} and try again, or sign out"


def _json(body: str) -> Response:
    return Response(body, content_type="application/json", headers={"Cache-Control": "no-store"})


@bp.route("/sign-in/second-factor", methods=["GET", "POST"])
def second_factor():
    """The second step of signing in: a passkey or a code from the authenticator app."""
    user = _user()
    if services.needs(user) != rules.CONFIRM:
        return redirect(_next())
    form, status = CodeForm(), 200
    factors = services.factors_of(user)
    if form.validate_on_submit():
        outcome = services.confirm(user, code=form.code.data, passkey=form.passkey.data or "")
        if outcome.ok:
            return _signed_in(form)
        if outcome.paused_until or outcome.locked:
            form.code.errors, status = [_paused(outcome)], 429
        elif form.passkey.data:
            form.code.errors = [
                "Your passkey could not be checked. Try again, or use your authenticator app"
            ]
        else:
            form.code.errors = [WRONG_CODE]
    form.code.data = ""
    form.remember.label.text = (
        f"Do not ask again on this device for {remembered.days()} days (only on a device "
        "nobody else uses: you will still need your password)"
    )
    return render_template(
        "auth/factors/second_factor.html",
        form=form,
        factors=factors,
        passkeys_here=bool(factors.passkeys_here()),
        remember_days=remembered.days(),
    ), status


def _signed_in(form: CodeForm):
    response = redirect(_next())
    if form.remember.data and remembered.days() > 0:
        remembered.remember(response, _user())
    return response


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
def recovery_code():
    user = _user()
    if services.needs(user) != rules.CONFIRM:
        return redirect(_next())
    form, status = RecoveryCodeForm(), 200
    if form.validate_on_submit():
        outcome = services.confirm(user, recovery=form.recovery.data)
        if outcome.ok:
            flash(
                "You signed in with a recovery code, which now no longer works. Check your "
                "second factors below: set up your app or a passkey again if you lost it.",
                "info",
            )
            return redirect(url_for("auth.second_factors"))
        refused = outcome.paused_until or outcome.locked
        form.recovery.errors = [
            _paused(outcome) if refused else "That recovery code is not right, or was used already"
        ]
        status = 429 if refused else 200
    return render_template("auth/factors/recovery_code.html", form=form), status


@bp.post("/sign-in/passkey-options")
def passkey_options():
    """The browser's options to sign in with one of the person's passkeys (JSON)."""
    ButtonForm()  # the CSRF check runs for every POST
    keys = services.factors_of(_user()).passkeys_here()
    if not keys:
        abort(404)
    return _json(passkeys.authentication_options(keys))


@bp.route("/sign-in/set-up-second-factor")
def set_up_second_factor():
    """Before anything else: choose a passkey or an authenticator app."""
    return render_template(
        "auth/factors/set_up.html",
        passkeys_possible=passkeys.host() is not None,
        next=safe_next(request.args.get("next")),
        enrolling=services.needs(_user()) == rules.ENROL,
    )


@bp.route("/account/second-factors")
def second_factors():
    user = _user()
    return render_template(
        "auth/factors/manage.html",
        factors=services.factors_of(user),
        remembered=remembered.live_count(user),
        passkeys_possible=passkeys.host() is not None,
        host=passkeys.host(),
        action_form=ButtonForm(),
        must_keep_one=services.must_keep_one(user),
    )


@bp.route("/account/second-factors/app", methods=["GET", "POST"])
@fresh_sign_in(CHANGING)
def set_up_app():
    user = _user()
    app = enrolment.pending_app(user)
    form = SetUpAppForm()
    if form.validate_on_submit():
        codes = enrolment.confirm_app(user, app, form.code.data)
        if codes is not None:
            return _added(codes, "Your authenticator app is set up")
        form.code.errors = [WRONG_CODE]
    secret = enrolment.app_secret(app)
    form.code.data = ""
    return render_template(
        "auth/factors/set_up_app.html",
        form=form,
        qr_code=enrolment.qr_code_svg(user, secret),
        secret=rules.secret_in_groups(secret),
        next=safe_next(request.args.get("next")),
    )


@bp.route("/account/second-factors/passkeys/new", methods=["GET", "POST"])
@fresh_sign_in(CHANGING)
def add_passkey():
    if passkeys.host() is None:
        abort(404)
    user = _user()
    form = PasskeyForm()
    if form.validate_on_submit():
        try:
            codes = enrolment.add_passkey(user, form.name.data, form.passkey_response.data or "")
        except Refused as refused:
            form.name.errors = [refused.problems["name"]]
        else:
            if codes is not None:
                return _added(codes, "Your passkey has been added")
            form.name.errors = [
                "Your passkey was not added. Select ‘Add the passkey’ and follow your "
                "browser's steps; if it keeps failing, set up an authenticator app instead"
            ]
    form.passkey_response.data = ""
    return render_template(
        "auth/factors/add_passkey.html", form=form, next=safe_next(request.args.get("next"))
    )


@bp.post("/account/second-factors/passkeys/options")
def passkey_registration_options():
    ButtonForm()
    if passkeys.host() is None:
        abort(404)
    user = _user()
    return _json(passkeys.registration_options(user, services.factors_of(user).passkeys))


def _added(codes: list[str], done: str):
    """After a factor is added: the recovery codes, shown once, when it was the first."""
    if codes:
        return render_template(
            "auth/factors/recovery_codes.html",
            codes=codes,
            done=done,
            next=safe_next(request.args.get("next")) or url_for("pages.home"),
        )
    flash(f"{done}. You have been signed out everywhere else.", "success")
    return redirect(safe_next(request.args.get("next")) or url_for("auth.second_factors"))


@bp.post("/account/second-factors/passkeys/<int:passkey_id>/remove")
@fresh_sign_in(CHANGING)
def remove_passkey(passkey_id: int):
    ButtonForm()
    try:
        name = enrolment.remove_passkey(_user(), passkey_id)
    except Refused as refused:
        flash(refused.problems["factor"], "info")
        return redirect(url_for("auth.second_factors"))
    if name is None:
        abort(404)
    flash(
        f"The passkey ‘{name}’ has been removed. You have been signed out everywhere else.",
        "success",
    )
    return redirect(url_for("auth.second_factors"))


@bp.post("/account/second-factors/app/remove")
@fresh_sign_in(CHANGING)
def remove_app():
    ButtonForm()
    try:
        removed = enrolment.remove_app(_user())
    except Refused as refused:
        flash(refused.problems["factor"], "info")
        return redirect(url_for("auth.second_factors"))
    if not removed:
        abort(404)
    flash(
        "Your authenticator app has been removed. You have been signed out everywhere else.",
        "success",
    )
    return redirect(url_for("auth.second_factors"))


@bp.post("/account/second-factors/recovery-codes")
@fresh_sign_in(CHANGING)
def new_recovery_codes():
    ButtonForm()
    user = _user()
    if not services.factors_of(user).any:
        abort(404)
    codes = enrolment.new_recovery_codes(user)
    return render_template(
        "auth/factors/recovery_codes.html",
        codes=codes,
        done="You have new recovery codes",
        next=url_for("auth.second_factors"),
    )


@bp.post("/account/second-factors/remembered/forget")
def forget_remembered():
    ButtonForm()
    user = _user()
    remembered.forget_here_and_everywhere(user)
    flash("Every device will ask for your second factor at the next sign-in.", "success")
    return redirect(url_for("auth.second_factors"))
