"""Lists find what a person may see through indexed paths first (issue 14): the children, meetings
and reviews a person could have any access to are picked out by their indexes (a link worker's
schools, a chair, an invitation, a review's owner), and only that set is checked further. A list
that instead tests every row of the region against the access rules reads the whole table: on a
region's data that was most of each page's time.

Both databases are asked how they would run each list's access condition:
- SQLite's plan reads the table by its primary key from the candidate list (`SEARCH ... USING
  INTEGER PRIMARY KEY`), never `SCAN` of the table itself;
- PostgreSQL, told to avoid sequential scans where an index can serve, must still read the table
  sequentially when the condition is a chain of per-row subqueries; index first, it need not.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tas.children import access as children_access
from tas.children.models import Child
from tas.extensions import db
from tas.meetings import access as meetings_access
from tas.meetings.models import Meeting, TasRequest
from tas.meetings.requests import access as requests_access
from tas.reviews import access as reviews_access
from tas.reviews.models import Review
from tests import factories

pytestmark = pytest.mark.integration


def _reads_whole_table(query, table: str) -> bool:
    """Whether the database's plan for `query` reads every row of `table`."""
    bind = db.session.get_bind()
    sql = str(query.compile(bind, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "sqlite":
        plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        details = [row[-1] for row in plan]
        return any(detail == f"SCAN {table}" for detail in details)
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = db.session.execute(text(f"EXPLAIN {sql}")).scalars().all()
    return any(f"Seq Scan on {table} " in line + " " for line in plan)


@pytest.fixture
def partnership(app):
    """A few schools with children, meetings and reviews, beside the people who look at them."""
    cluster = factories.cluster()
    schools = [factories.school(cluster=cluster) for _ in range(3)]
    worker = factories.user("link_worker", linked_schools=[schools[0]])
    organiser = factories.user("dsl", school=schools[0])
    practitioner = factories.user("practitioner")
    coordinator = factories.user("coordinator", district_wide=False, clusters=[cluster])
    for school in schools:
        for _ in range(3):
            child = factories.child(school=school)
            db.session.flush()
            factories.review(child, owner=organiser)
            factories.tas_request(child, organiser)
        meeting = factories.meeting(school, organiser)
        factories.invitation(meeting, organiser, representative=practitioner)
    db.session.flush()
    return {
        "link worker": worker,
        "DSL": organiser,
        "practitioner": practitioner,
        "coordinator": coordinator,
    }


# Each list's model, its access condition (for a person) and the people who look at it.
LISTS = {
    "meetings": (Meeting, meetings_access.visible),
    "requests": (TasRequest, requests_access.requests_visible),
    "reviews": (Review, reviews_access.visible),
    "children": (Child, children_access.visible),
}
WHO_LOOKS = [
    ("meetings", "link worker"),
    ("meetings", "DSL"),
    ("meetings", "practitioner"),
    ("requests", "link worker"),
    ("requests", "DSL"),
    ("reviews", "link worker"),
    ("reviews", "DSL"),
    ("reviews", "coordinator"),
    ("children", "link worker"),
    ("children", "DSL"),
]


@pytest.mark.parametrize(("listed", "who"), WHO_LOOKS)
def test_a_list_finds_what_the_person_may_see_by_index(partnership, listed, who):
    model, visible = LISTS[listed]
    query = select(model.id).where(visible(partnership[who]))
    assert db.session.scalars(query).all(), f"the {who} sees some {listed}"
    assert not _reads_whole_table(query, model.__tablename__)


def test_the_check_sees_a_list_that_reads_every_row(partnership):
    """The check itself: a condition tested on every row (the shape these lists had) is seen."""
    worker = partnership["link worker"]
    per_row = select(Meeting.id).where(
        (Meeting.chair_id == worker.id)
        | Meeting.school_id.in_([s.id for s in worker.linked_schools])
        | (Meeting.kind == "tas")
    )
    assert _reads_whole_table(per_row, "meeting")
