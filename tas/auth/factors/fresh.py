"""A fresh confirmation before the powerful actions (docs/security.md B10): when the person
last proved it is them more than FRESH_SIGN_IN_MINUTES ago, the action's form post is answered
with "Confirm it is you" (their second factor, or their password when they have none), carrying
what they typed in hidden fields. Confirming posts it all back to the same address, and the
action completes. Only form posts are gated: looking at a form is not the powerful part."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import render_template, request
from flask_login import current_user

from tas.auth.factors import passkeys, rules, services
from tas.auth.factors.forms import ConfirmItIsYouForm
from tas.auth.rules import minutes_in_words, seconds_to_wait
from tas.core.clock import utcnow


def confirm_first(doing: str):
    """None when the action may go ahead (not a form post, a fresh confirmation, or one given
    in this very post); otherwise the "Confirm it is you" page to answer with, and its status.
    Called after the view's own access check, so nobody is asked to confirm what they may not
    do anyway. `doing` completes "You are about to …"."""
    user = current_user._get_current_object()
    if request.method != "POST" or services.is_fresh(user):
        return None
    form = ConfirmItIsYouForm()
    status = 200
    # Only the confirm page's own post confirms: the action's form, first sent, carries no
    # `fresh_confirm` (the field's default must not make it look like a confirmation tried).
    confirming = request.form.get("fresh_confirm") == "yes"
    if confirming and form.validate_on_submit():
        if not (form.fresh_code.data or form.fresh_passkey.data or form.fresh_password.data):
            # Nothing given is nothing tried: asked for, never counted as a wrong try.
            _ask_for_nothing_given(form, services.factors_of(user).app)
            return confirm_page(form, doing), 200
        outcome = services.confirm(
            user,
            code=form.fresh_code.data or "",
            passkey=form.fresh_passkey.data or "",
            password=form.fresh_password.data or "",
        )
        if outcome.ok:
            return None
        status = _explain(form, outcome)
    return confirm_page(form, doing), status


def fresh_sign_in(doing: str) -> Callable:
    """Gate a view's form posts, for views whose access is checked before they run (the
    administrators' blueprint, one's own account)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def gated(*args, **kwargs):
            page = confirm_first(doing)
            return view(*args, **kwargs) if page is None else page

        return gated

    return decorate


def _ask_for_nothing_given(form: ConfirmItIsYouForm, has_app: bool) -> None:
    if has_app:
        form.fresh_code.errors = ["Enter the 6-digit code from your authenticator app"]
    else:
        form.fresh_password.errors = ["Enter your password"]


def _explain(form: ConfirmItIsYouForm, outcome) -> int:
    """Put why it was refused on the form; the status to answer with."""
    form.fresh_password.data = ""
    if outcome.locked:
        form.fresh_code.errors = ["Too many wrong tries: reset your password to go on"]
        return 429
    if outcome.paused_until:
        wait = minutes_in_words(seconds_to_wait(outcome.paused_until, utcnow()))
        form.fresh_code.errors = [f"Too many wrong tries. Wait {wait} and try again"]
        return 429
    if form.fresh_passkey.data:
        form.fresh_code.errors = ["Your passkey could not be checked. Try again"]
    elif form.fresh_code.data:
        form.fresh_code.errors = [
            rules.code_problem(form.fresh_code.data)
            or "That code is not right, or was used already. Wait for the next one"
        ]
    else:
        form.fresh_password.errors = ["Your password is not right"]
    return 200


def confirm_page(form: ConfirmItIsYouForm, doing: str):
    """The "Confirm it is you" page, with the action's own fields carried in hidden fields."""
    user = current_user._get_current_object()
    factors = services.factors_of(user)
    carried = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != "csrf_token" and not name.startswith("fresh_")
    ]
    return render_template(
        "auth/factors/confirm.html",
        form=form,
        doing=doing,
        carried=carried,
        factors=factors,
        passkeys_here=bool(factors.passkeys_here()),
        passkeys_possible=passkeys.host() is not None,
        title="Confirm it is you",
    )
