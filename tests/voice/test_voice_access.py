"""Who may read, record and answer the voice of the child: those who may read the child's record
(never a GP practice's summary access, an administrator, or a practitioner or coordinator
without a reason to); flags follow the same check, and a withdrawal of agreement."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tas.children.models import Agreement
from tas.extensions import db
from tas.voice.models import VoiceEntry
from tests import factories
from tests.pages import asked_why, page_text
from tests.voice.helpers import child_and_team, record, signed_in

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def urls(child_id: int, entry_id: int) -> dict[str, str]:
    base = f"/children/{child_id}/voice"
    return {
        "entries": base,
        "new": f"{base}/new",
        "entry": f"{base}/{entry_id}",
        "response": f"{base}/{entry_id}/response",
    }


def test_each_role_reads_records_and_answers_only_what_it_may(app):
    team = child_and_team()
    record(signed_in(app, team.practitioner), team.child)
    entry_id = db.session.scalar(select(VoiceEntry.id))
    other_school_dsl = factories.user("dsl")
    gp = factories.user("gp")
    db.session.flush()
    team.child.gp_practice_id = gp.agency_id  # registered there: the GP's summary access
    unnamed = factories.user("practitioner", agency=team.agency)
    people = {
        "dsl": (team.dsl, 200, 200, 200, 200),
        "link worker": (team.link_worker, 200, 200, 200, 200),
        "named practitioner": (team.practitioner, 200, 200, 200, 200),
        "her safeguarding lead": (team.lead, 200, 200, 200, 200),
        "practitioner not named": (unnamed, 404, 404, 404, 404),
        "another school's DSL": (other_school_dsl, 404, 404, 404, 404),
        "GP practice": (gp, 403, 403, 403, 403),
        # Asked why first (below), as for any page of a record.
        "coordinator without a reason": (factories.user("coordinator"), 302, 302, 302, 302),
        "administrator": (factories.user("admin"), 404, 404, 404, 404),
    }
    db.session.commit()
    pages = urls(team.child.id, entry_id)
    seen = {}
    for who, (person, *_) in people.items():
        browser = signed_in(app, person)
        seen[who] = tuple(browser.get(url).status_code for url in pages.values())
    assert seen == {who: tuple(codes) for who, (_, *codes) in people.items()}
    chris = signed_in(app, people["coordinator without a reason"][0])
    assert all(asked_why(chris.get(url), team.child.id) for url in pages.values())
    # Another child's id with this entry's id is not found: no guessing across children.
    other = factories.child(school=team.school)
    db.session.commit()
    assert signed_in(app, team.dsl).get(urls(other.id, entry_id)["entry"]).status_code == 404


def test_a_coordinator_with_a_reason_answers_a_concern_but_records_nothing(app):
    team = child_and_team()
    record(signed_in(app, team.practitioner), team.child)
    entry_id = db.session.scalar(select(VoiceEntry.id))
    coordinator = factories.user("coordinator")
    db.session.commit()
    chris = signed_in(app, coordinator)
    flagged = page_text(chris.get("/flags"))
    assert f"Child CH-{team.child.id:04d}" in flagged and team.child.first_name not in flagged
    reason = chris.get(f"/children/{team.child.id}")
    assert reason.headers["Location"].endswith(f"/children/{team.child.id}/reason")
    chris.submit(
        f"/children/{team.child.id}/reason",
        {"reason": "Checking an unanswered concern at the DSL's request"},
    )

    pages = urls(team.child.id, entry_id)
    assert chris.get(pages["response"]).status_code == 200
    assert chris.get(pages["new"]).status_code == 403
    assert "Child's words raise a concern" in page_text(chris.get(f"/children/{team.child.id}"))


def test_flags_follow_who_may_see_the_child_and_a_withdrawal(app):
    team = child_and_team()
    record(signed_in(app, team.practitioner), team.child)
    bystander = factories.user("dsl")
    db.session.commit()

    for person in (team.dsl, team.practitioner, team.lead, team.link_worker):
        assert team.child.first_name in page_text(signed_in(app, person).get("/flags"))
    for person in (team.dsl, team.practitioner, team.lead):
        home = page_text(signed_in(app, person).get("/"))
        assert "Concerns waiting for a response" in home and team.child.first_name in home
    # The link worker may see the child, but the concern is not hers to see to.
    assert "Concerns waiting" not in page_text(signed_in(app, team.link_worker).get("/"))
    assert "No child you can see is flagged" in page_text(signed_in(app, bystander).get("/flags"))

    agreement = db.session.scalar(select(Agreement).where(Agreement.child_id == team.child.id))
    agreement.withdrawn_on = date(2026, 12, 11)
    db.session.commit()

    # The practitioner's access ends with the family's agreement, and her flags with it.
    assert team.child.first_name not in page_text(signed_in(app, team.practitioner).get("/flags"))
    assert team.child.first_name in page_text(signed_in(app, team.dsl).get("/flags"))
    # The DSL keeps the record read-only: she reads and answers nothing new onto it.
    dana = signed_in(app, team.dsl)
    assert dana.get(f"/children/{team.child.id}/voice").status_code == 200
    assert dana.get(f"/children/{team.child.id}/voice/new").status_code == 403
    assert dana.get(f"/children/{team.child.id}/chronology/new").status_code == 403
