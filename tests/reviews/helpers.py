"""A child at a school with the family's agreement, an open shared plan led by the school's
link worker, and the people around them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tas.children.models import Child
from tas.extensions import db
from tas.organisations.models import School, User
from tas.plans.models import SharedPlan
from tests import factories
from tests.plans.helpers import child_at


@dataclass
class ChildSetting:
    school: School
    dsl: User
    link_worker: User
    child: Child
    plan: SharedPlan | None


def child_with_plan(*, plan: bool = True, level: str = "early_help", **plan_fields) -> ChildSetting:
    """A school, its DSL, its linked link worker (the plan's lead practitioner), a child with
    the family's agreement at `level`, and (unless `plan` is False) an open shared plan due for
    review on 4 December 2026; committed."""
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    link_worker = factories.user("link_worker", linked_schools=[school])
    child = child_at(school, level_of_need=level)
    shared = None
    if plan:
        fields = {
            "lead_practitioner": link_worker,
            "next_review_on": date(2026, 12, 4),
            "level_of_need": level,
            **plan_fields,
        }
        shared = factories.plan(child, **fields)
    db.session.commit()
    return ChildSetting(school, dsl, link_worker, child, shared)
