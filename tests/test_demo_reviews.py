"""Issue 6's "Done when", on the demo partnership: a step down recorded in meeting minutes has
created its reviews; a reminder pass writes the right emails into the outbox folder and shows
them on the owner's notifications page; completing the review stops its reminders."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.policy import default
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from tas.demo import loading as demo
from tas.extensions import db
from tas.jobs import run_pass
from tas.levels.models import StepChange
from tas.organisations.models import User
from tas.reminders.models import Reminder
from tas.reviews.models import Review
from tests.conftest import Visitor
from tests.pages import day, field_value, page_text

FRIDAY = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # a working day, after 07:00 in London
MONDAY = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
CHILD_NAMES = ("Ruby", "Clarke", "Leo", "Price")


@pytest.fixture
def demo_partnership(app):
    with time_machine.travel(FRIDAY, tick=False):
        demo.load()
        yield app


def subjects_in(folder: Path) -> list[str]:
    return [
        str(email.message_from_bytes(path.read_bytes(), policy=default)["Subject"])
        for path in sorted(folder.glob("*.eml"))
    ]


def handover() -> Review:
    db.session.expire_all()
    return db.session.scalars(select(Review).where(Review.kind == "handover_meeting")).one()


def test_the_step_down_in_the_minutes_is_reminded_until_its_review_is_done(demo_partnership):
    app = demo_partnership
    outbox = Path(app.config["OUTBOX_DIR"])
    change = db.session.scalars(select(StepChange).where(StepChange.kind == "step_down")).one()
    review = handover()
    # The step down came from the minutes of a held TAS meeting, and opened the handover review.
    assert change.meeting_id is not None and change.agenda_item_id is not None
    assert (review.status, review.step_change_id) == ("open", change.id)
    # Plan reviews of that plan start once the handover has been held.
    assert (
        db.session.scalars(
            select(Review).where(Review.plan_id == review.plan_id, Review.kind == "plan_review")
        ).all()
        == []
    )
    owner = db.session.get(User, review.owner_id)

    counts = run_pass(FRIDAY)

    assert counts.emailed > 0
    subjects = subjects_in(outbox)
    mine = [s for s in subjects if s.startswith("Reminder: handover meeting for TAS-")]
    assert len(mine) == 1
    assert any(s.startswith("Overdue: IFD decision for TAS-") for s in subjects)  # Leo's plan
    assert not [s for s in subjects if any(name in s for name in CHILD_NAMES)]
    owner_sees = Visitor(app.test_client())
    assert owner_sees.sign_in(owner.email, demo.DEMO_PASSWORD).status_code == 302
    assert mine[0] in page_text(owner_sees.get("/notifications"))

    form = owner_sees.get(f"/reviews/{review.id}/complete")
    done = owner_sees.submit(
        f"/reviews/{review.id}/complete",
        {
            "outcome": "held",
            "completed_on": day(FRIDAY.date()),
            "notes": "",
            "version": field_value(form, "version"),
            "submission": field_value(form, "submission"),
        },
    )
    assert done.status_code == 302
    assert handover().status == "completed"

    run_pass(MONDAY)

    db.session.expire_all()
    about_it = db.session.scalars(
        select(Reminder).where(Reminder.target_kind == "review", Reminder.target_id == review.id)
    ).all()
    assert [row.send_on for row in about_it] == [FRIDAY.date()]
    assert sum(s.startswith("Reminder: handover meeting") for s in subjects_in(outbox)) == 1
