"""The account page: a person's password, sessions and calendar feed link. Shown by the account
routes here and, once with a new feed link, by tas.ical.views."""

from __future__ import annotations

from flask import (
    render_template,
)
from flask_login import current_user

from tas.auth import rules, services
from tas.auth.feed_links import feed_of
from tas.auth.forms import ChangePasswordForm, stand_ins
from tas.core.forms import ButtonForm


def account_page(form: ChangePasswordForm | None = None, **extra):
    """The account page (also shown once, with a new calendar feed link, by tas.ical.views)."""
    sessions = services.open_sessions(current_user)
    return render_template(
        "auth/account.html",
        form=form or ChangePasswordForm(),
        sessions=sessions,
        browsers={row.id: rules.browser_in_words(row.user_agent) for row in sessions},
        action_form=ButtonForm(),
        calendar_feed=feed_of(current_user),
        stand_ins=stand_ins(current_user),
        **extra,
    )
