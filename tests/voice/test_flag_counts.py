"""Every flag a person may see is listed in a fixed number of statements, with 10 flagged
children as with 500: the list of flagged children, the home page, a child's page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tas.children.models import Child
from tas.extensions import db
from tas.voice.models import VoiceEntry
from tests import factories
from tests.pages import page_text
from tests.voice.helpers import signed_in

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def flag_children(school, recorder, count: int) -> list[Child]:
    """`count` children at the school, each with a concern recorded this morning, unanswered."""
    children = [
        Child(
            first_name=f"Flagged{n}",
            last_name="Child",
            date_of_birth=date(2015, 1, 1),
            school_id=school.id,
        )
        for n in range(count)
    ]
    db.session.add_all(children)
    db.session.flush()
    db.session.add_all(
        VoiceEntry(
            child_id=child.id,
            heard_on=date(2026, 12, 11),
            setting="school",
            captured_by="A teacher",
            heard_how="directly",
            words="I don't want to go home.",
            raises_concern=True,
            recorded_by_id=recorder.id,
            recorded_at=datetime(2026, 12, 11, 9, 0, tzinfo=UTC),
            response_due_at=datetime(2026, 12, 11, 17, 0, tzinfo=UTC),
        )
        for child in children
    )
    db.session.commit()
    return children


def test_flags_are_listed_in_the_same_statements_for_10_and_500_children(app, count_queries):
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    db.session.flush()
    children = flag_children(school, dsl, 10)
    browser = signed_in(app, dsl)
    pages = ("/flags", "/", f"/children/{children[0].id}")

    def statements() -> dict[str, int]:
        counted = {}
        for page in pages:
            with count_queries() as run:
                assert browser.get(page).status_code == 200
            counted[page] = len(run)
        return counted

    few = statements()
    assert "10 children flagged" in page_text(browser.get("/flags"))

    flag_children(school, dsl, 490)

    assert statements() == few
    assert "500 children flagged" in page_text(browser.get("/flags"))
