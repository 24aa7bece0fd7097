"""Children with agreements and plans, and the people around them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.extensions import db
from tas.plans.models import Action, ActionEvent, AgencyInvolvement, SharedPlan
from tests import factories


def child_at(school, *, agreed: bool = True, **fields):
    """A child at the school, with the family's agreement unless `agreed` is False."""
    child = factories.child(school=school, **fields)
    db.session.flush()
    if agreed:
        factories.agreement(child, factories.user("dsl", school=school))
    db.session.flush()
    return child


def open_plan(child, **fields) -> SharedPlan:
    plan = factories.plan(child, next_review_on=date(2026, 10, 20), **fields)
    db.session.flush()
    return plan


def named_practitioner(plan, login_as, **involvement_fields):
    """A practitioner signed in, named on an active involvement of their agency on the plan."""
    browser = login_as("practitioner")
    involvement = factories.involvement(
        plan, agency=browser.user.agency, practitioner=browser.user, **involvement_fields
    )
    db.session.commit()
    return browser, involvement


def plans_of(child_id: int) -> list[SharedPlan]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SharedPlan).where(SharedPlan.child_id == child_id).order_by(SharedPlan.id)
        )
    )


def action_history(action_id: int) -> list[dict]:
    db.session.expire_all()
    return [
        event.changes
        for event in db.session.scalars(
            select(ActionEvent).where(ActionEvent.action_id == action_id).order_by(ActionEvent.id)
        )
    ]


def involvements_of(plan_id: int) -> list[AgencyInvolvement]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AgencyInvolvement).where(AgencyInvolvement.plan_id == plan_id))
    )


def actions_of(plan_id: int) -> list[Action]:
    db.session.expire_all()
    return list(db.session.scalars(select(Action).where(Action.plan_id == plan_id)))
