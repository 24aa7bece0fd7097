"""Review lists (mine, due in the next 10 working days, overdue, recently completed; per school,
cluster or the whole district) and what each row shows.

Every list goes through `access.visible`; a coordinator sees plan references, never a child's
name (`access.names_children`), and anyone else sees a name only for a child whose record they
may read. Each page runs the same queries whatever the number of reviews.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import SchoolsOffered, label
from tas.core.clock import today
from tas.core.days import add_working_days
from tas.core.paging import window
from tas.extensions import db
from tas.organisations.models import School, User, coordinator_clusters
from tas.organisations.models import link_worker_schools as linked
from tas.organisations.services import school_filter
from tas.reviews import access, rules
from tas.reviews.completion import outcome_label
from tas.reviews.models import Review

SOON_WORKING_DAYS = 10
RECENT_DAYS = 90
MINE, SOON, OVERDUE, COMPLETED = "mine", "soon", "overdue", "completed"
VIEWS = (
    (MINE, "Mine"),
    (SOON, f"Due in the next {SOON_WORKING_DAYS} working days"),
    (OVERDUE, "Overdue"),
    (COMPLETED, "Completed in the last 3 months"),
)
DUE_TAGS = {
    "overdue": ("Overdue", "govuk-tag--red"),
    "due_today": ("Due today", "govuk-tag--orange"),
    "due_soon": ("Due soon", "govuk-tag--yellow"),
}

# ---------------------------------------------------------------- pure rules


def soon_until(day: date, holidays: Container[date] = ()) -> date:
    """The last day counted as "due soon": 10 working days after `day`."""
    return add_working_days(day, SOON_WORKING_DAYS, holidays)


def due_state(status: str, due_on: date, day: date, holidays: Container[date] = ()) -> str | None:
    """Whether an open review is overdue, due today or due soon (within 10 working days);
    None for a review due later, or one no longer open."""
    if status != "open":
        return None
    if due_on < day:
        return "overdue"
    if due_on == day:
        return "due_today"
    if due_on <= soon_until(day, holidays):
        return "due_soon"
    return None


def kind_label(kind: str) -> str:
    return label(rules.REVIEW_KINDS, kind)


# ---------------------------------------------------------------- what the filters offer


@dataclass(frozen=True)
class Scope:
    """The schools and clusters this person may narrow the list to, as (id, name) pairs, and
    the hint that says why the schools are not all listed."""

    schools: list[tuple[str, str]]
    clusters: list[tuple[str, str]]
    hint: str = ""

    def schools_offered(self) -> SchoolsOffered:
        return SchoolsOffered(self.schools, self.hint)


def _schools_covered(user: User) -> ColumnElement[bool] | None:
    """The schools a person covers: a coordinator's clusters (or the district), a link
    worker's linked schools, a DSL's or school staff's own school; None for anyone else."""
    if user.role == "coordinator":
        if user.district_wide:
            return School.id.is_not(None)
        return School.cluster_id.in_(
            select(coordinator_clusters.c.cluster_id).where(
                coordinator_clusters.c.user_id == user.id
            )
        )
    if user.role == "link_worker":
        return School.id.in_(select(linked.c.school_id).where(linked.c.user_id == user.id))
    if user.role in ("dsl", "school_staff") and user.school_id is not None:
        return School.id == user.school_id
    return None


def scope_options(user: User, cluster: str | None = None, school: str | None = None) -> Scope:
    """What the school and cluster filters offer, in two queries (none for practitioners): a
    coordinator's schools past SCHOOLS_AT_ONCE are those of the `cluster` (or `school`)
    chosen; a filter with a single choice is left out."""
    covered = _schools_covered(user)
    if covered is None:
        return Scope([], [])
    coordinator = user.role == "coordinator"
    found = school_filter(covered, cluster, school, clusters=coordinator, narrowed=coordinator)
    clusters = found.clusters if coordinator and len(found.clusters) > 1 else []
    schools = found.schools if found.hint or len(found.schools) > 1 else []
    return Scope(schools, clusters, found.hint)


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class Filters:
    """The view and scope chosen (codes and ids only)."""

    view: str = SOON
    school_id: int | None = None
    cluster_id: int | None = None

    def as_args(self) -> dict[str, str]:
        values = {"show": self.view, "school": self.school_id, "cluster": self.cluster_id}
        return {name: str(value) for name, value in values.items() if value not in (None, "")}

    def audit_detail(self) -> dict:
        return {"view": self.view, "school_id": self.school_id, "cluster_id": self.cluster_id}


@dataclass(frozen=True)
class ReviewRow:
    """One review in a list: never more about the child than this person may see."""

    review: Review
    reference: str
    child_name: str | None
    school_name: str
    due: tuple[str, str] | None  # (words, tag class) when overdue, due today or due soon

    @property
    def kind_label(self) -> str:
        return kind_label(self.review.kind)

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.review.kind, self.review.outcome)


@dataclass(frozen=True)
class ReviewsPage:
    rows: list[ReviewRow]
    number: int
    pages: int
    total: int
    overdue: int = 0  # of the total, open and past their due date
    due_soon: int = 0  # of the total, open and due today or in the next 10 working days


def owns_open_reviews(user: User) -> bool:
    """Whether the person owns an open review (their list opens on "Mine")."""
    found = db.session.scalar(
        select(Review.id).where(Review.owner_id == user.id, Review.status == "open").limit(1)
    )
    return found is not None


def _conditions(user: User, filters: Filters, day: date) -> list[ColumnElement[bool]]:
    conditions = [access.visible(user)]
    if filters.view == MINE:
        conditions += [Review.owner_id == user.id, Review.status == "open"]
    elif filters.view == SOON:
        until = soon_until(day, ENGLAND_AND_WALES)
        conditions += [Review.status == "open", Review.due_on >= day, Review.due_on <= until]
    elif filters.view == OVERDUE:
        conditions += [Review.status == "open", Review.due_on < day]
    else:
        since = day - timedelta(days=RECENT_DAYS)
        conditions += [Review.status == "completed", Review.completed_on >= since]
    if filters.school_id is not None:
        conditions.append(
            Review.child_id.in_(select(Child.id).where(Child.school_id == filters.school_id))
        )
    if filters.cluster_id is not None:
        in_cluster = select(School.id).where(School.cluster_id == filters.cluster_id)
        conditions.append(
            Review.child_id.in_(select(Child.id).where(Child.school_id.in_(in_cluster)))
        )
    return conditions


def _order(view: str):
    if view == COMPLETED:
        return (Review.completed_on.desc(), Review.id.desc())
    return (Review.due_on, Review.id)


def listing(user: User, filters: Filters, page: int) -> ReviewsPage:
    """The reviews this person may see that match the filters, a page at a time, in two
    queries; the read is audited (filters as codes and ids) and committed before the rows
    are loaded."""
    day = today()
    where = _conditions(user, filters, day)
    until = soon_until(day, ENGLAND_AND_WALES)
    is_open = Review.status == "open"
    total, overdue, due_soon = db.session.execute(
        select(
            func.count(Review.id),
            func.count(Review.id).filter(is_open, Review.due_on < day),
            func.count(Review.id).filter(is_open, Review.due_on >= day, Review.due_on <= until),
        ).where(*where)
    ).one()
    audit_view("reviews_listed", detail={**filters.audit_detail(), "page": page, "found": total})
    size = current_app.config["PAGE_SIZE"]
    shown = window(page, total, size)
    names = access.names_children(user)
    readable = (
        exists().where(Child.id == Review.child_id, children.visible(user, Access.READ))
        if names
        else None
    )
    columns = [Review] + ([readable.label("readable")] if readable is not None else [])
    query = (
        select(*columns)
        .options(
            joinedload(Review.owner),
            joinedload(Review.child).joinedload(Child.school),
        )
        .where(*where)
        .order_by(*_order(filters.view))
        .limit(shown.size)
        .offset(shown.start)
    )
    rows = []
    for row in db.session.execute(query):
        review = row.Review
        shows_name = readable is not None and bool(row.readable)
        state = due_state(review.status, review.due_on, day, ENGLAND_AND_WALES)
        rows.append(
            ReviewRow(
                review=review,
                reference=rules.review_reference(review.id, review.plan_id, review.referral_id),
                child_name=review.child.full_name if shows_name else None,
                school_name=review.child.school.name,
                due=DUE_TAGS.get(state) if state else None,
            )
        )
    return ReviewsPage(rows, shown.number, shown.pages, total, overdue or 0, due_soon or 0)
