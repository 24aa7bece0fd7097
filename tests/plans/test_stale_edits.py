"""Two people changing the same plan, involvement or action: the second save is refused with
both versions shown, and nothing either of them typed is lost (docs/security.md I35, I36)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from tas.extensions import db
from tas.plans.models import Action, AgencyInvolvement, SharedPlan
from tests import factories
from tests.pages import day, error_summary, field_value, page_text, saved, version_on
from tests.plans.helpers import child_at, named_practitioner, open_plan


@dataclass
class Edit:
    """One record being edited by two people at once."""

    browser: object
    model: type
    record_id: int
    url: str
    mine: dict  # what the second person types
    column: str  # the column both of them change
    theirs: object  # what the first person saved
    expected: object  # the second person's value, once they save again
    row_text: str  # the comparison row: question, yours, saved


def plan_edit(login_as) -> Edit:
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()
    return Edit(
        dsl,
        SharedPlan,
        plan.id,
        f"/children/{child.id}/plans/{plan.id}/change",
        {"lead_practitioner": "", "next_review_on": day(date(2026, 11, 2))},
        "next_review_on",
        date(2026, 11, 9),
        date(2026, 11, 2),
        "Next review date 2 November 2026 9 November 2026 Different",
    )


def involvement_edit(login_as) -> Edit:
    child = child_at(factories.school())
    plan = open_plan(child)
    worker, involvement = named_practitioner(plan, login_as)
    return Edit(
        worker,
        AgencyInvolvement,
        involvement.id,
        f"/children/{child.id}/involvements/{involvement.id}/change",
        {"service": "Wellbeing sessions", "status": "active", "summary": "Mine"},
        "summary",
        "Theirs",
        "Mine",
        "Summary Mine Theirs Different",
    )


def action_edit(login_as) -> Edit:
    child = child_at(factories.school())
    plan = open_plan(child)
    worker, _involvement = named_practitioner(plan, login_as)
    action = factories.action(plan, owner_kind="person", owner_user=worker.user)
    db.session.commit()
    return Edit(
        worker,
        Action,
        action.id,
        f"/children/{child.id}/actions/{action.id}/change",
        {"status": "done", "completion_note": "Seen at school"},
        "completion_note",
        "Phoned instead",
        "Seen at school",
        "Completion note Seen at school Phoned instead Different",
    )


EDITS = {"plan": plan_edit, "involvement": involvement_edit, "action": action_edit}


@pytest.mark.parametrize("thing", EDITS)
def test_a_stale_save_is_refused_with_both_versions_and_what_was_typed(login_as, thing):
    edit = EDITS[thing](login_as)
    page = edit.browser.get(edit.url)
    mine = {**edit.mine, "version": version_on(page)}
    row = db.session.get(edit.model, edit.record_id)
    setattr(row, edit.column, edit.theirs)  # someone else saves first
    if thing == "action":
        row.status = "done"
    db.session.commit()

    response = edit.browser.submit(edit.url, mine)

    assert response.status_code == 409
    assert error_summary(response) == {
        "saved-version": f"Someone else changed this {thing} while you were editing it"
    }
    text = page_text(response)
    assert "Question Your changes Saved version" in text
    assert edit.row_text in text
    if thing == "plan":
        assert 'value="2"' in response.get_data(as_text=True)  # the day typed, kept
    elif thing == "involvement":
        assert field_value(response, "service") == "Wellbeing sessions"
        assert ">Mine</textarea>" in response.get_data(as_text=True)
    else:
        assert ">Seen at school</textarea>" in response.get_data(as_text=True)
    assert getattr(saved(edit.model, edit.record_id), edit.column) == edit.theirs
    assert version_on(response) == str(saved(edit.model, edit.record_id).version)

    again = edit.browser.submit(edit.url, {**mine, "version": version_on(response)})

    assert again.status_code == 302
    assert getattr(saved(edit.model, edit.record_id), edit.column) == edit.expected


@pytest.mark.commits  # another connection saves first, mid-flush
@pytest.mark.parametrize("thing", EDITS)
def test_a_save_that_loses_a_race_at_the_last_moment_is_refused_not_a_500(login_as, thing):
    edit = EDITS[thing](login_as)
    page = edit.browser.get(edit.url)
    mine = {**edit.mine, "version": version_on(page)}
    raced = []
    table = edit.model.__table__

    def someone_else_saves_first(session, _context, _instances):
        if raced or not any(isinstance(changed, edit.model) for changed in session.dirty):
            return
        raced.append(True)
        with db.engine.begin() as other:
            other.execute(
                update(table)
                .where(table.c.id == edit.record_id)
                .values({edit.column: edit.theirs, "version": table.c.version + 1})
            )

    event.listen(Session, "before_flush", someone_else_saves_first)
    try:
        response = edit.browser.submit(edit.url, mine)
    finally:
        event.remove(Session, "before_flush", someone_else_saves_first)

    assert raced and response.status_code == 409
    assert "Question Your changes Saved version" in page_text(response)
    assert getattr(saved(edit.model, edit.record_id), edit.column) == edit.theirs
