"""The review rules page (/reviews/rules): how long after each event its review is due. Everyone
with reviews (and administrators) may read the rules; district-wide coordinators change them,
or put one back to its default (a coordinator of some clusters reads them, as the rules are the
district's: tas.reviews.access.may_change_rules). New values apply to reviews made from then on.

A coordinator's change is a ReviewRule row (none: the default applies). The form carries the
versions of the four rules as it was opened; a save or reset made after someone else changed
any rule is refused with both versions shown (409), as every change form is.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.auth.factors.fresh import confirm_first
from tas.core.choices import label
from tas.core.editing import Submitted, compare, saved_banner
from tas.core.use_cases import Refused, StaleEdit
from tas.core.words import in_a_sentence
from tas.reviews import access, bp, rules
from tas.reviews.forms import ResetRuleForm, RulesForm
from tas.reviews.review_rules.services import RulesNow, reset_rule, rules_now, save_rules
from tas.reviews.rules import how_long

CHANGED_BY_SOMEONE = "Someone else changed the review rules while you were editing them"


def _page(now: RulesNow, form: RulesForm | None, comparison=None, status: int = 200):
    editor = access.may_change_rules(current_user)
    return render_template(
        "reviews/rules.html",
        title="Review rules",
        now=now,
        form=form,
        editor=editor,
        comparison=comparison,
        event_label=lambda event: label(rules.EVENTS, event),
        kind_label=lambda kind: label(rules.REVIEW_KINDS, kind),
        how_long=how_long,
        defaults={rule.event: rule for rule in rules.DEFAULT_RULES},
        reset_forms={
            event: ResetRuleForm(formdata=None, data={"rule": event, "version": now.versions})
            for event in now.changed
        }
        if editor
        else {},
    ), status


# Changing the district's rules needs a fresh confirmation that it is the person (B10).
CHANGING_RULES = "change the district's review rules"


@bp.route("/rules", methods=["GET", "POST"], endpoint="rules")
def rules_page():
    """The rules in force; a district-wide coordinator's form to change them (anyone else who
    posts it is refused, 403, and nothing changes)."""
    user = current_user
    if not access.may_read_rules(user):
        abort(403)
    editor = access.may_change_rules(user)
    if request.method == "POST" and not editor:
        abort(403)
    if (confirming := confirm_first(CHANGING_RULES)) is not None:
        return confirming
    now = rules_now()
    if not editor:
        return _page(now, None)
    opened = RulesForm.data_from(now.in_force, now.versions)
    form = RulesForm(data=opened if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = save_rules(user, form.loaded_versions(), form.values())
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            fresh = rules_now()
            saved = RulesForm(
                formdata=None, data=RulesForm.data_from(fresh.in_force, fresh.versions)
            )
            comparison = compare(form, saved)
            form.version.data = fresh.versions
            form.version.errors = [CHANGED_BY_SOMEONE]
            return _page(fresh, form, comparison, 409)
        else:
            result = Submitted(saved=True, changed=bool(changed))
            saved_banner(result, "The review rules have been saved")
            return redirect(url_for(".rules"))
    return _page(now, form)


@bp.route("/rules/reset", methods=["POST"])
def rule_reset():
    """Put one rule back to its default (district-wide coordinators only)."""
    user = current_user
    if not access.may_change_rules(user):
        abort(403)
    if (confirming := confirm_first(CHANGING_RULES)) is not None:
        return confirming
    sent = ResetRuleForm()
    if not sent.validate_on_submit():
        abort(400)
    event = (sent.rule.data or "").strip()
    try:
        done = reset_rule(sent.loaded_versions(), event)
    except Refused:
        abort(400)
    except StaleEdit:
        fresh = rules_now()
        form = RulesForm(formdata=None, data=RulesForm.data_from(fresh.in_force, fresh.versions))
        form.version.errors = [CHANGED_BY_SOMEONE + ": check them, then reset the rule again"]
        return _page(fresh, form, [], 409)
    named = in_a_sentence(label(rules.EVENTS, event))
    if done:
        flash(f"The rule for {named} is back to its default", "success")
    else:
        flash(f"The rule for {named} was already at its default", "info")
    return redirect(url_for(".rules"))
