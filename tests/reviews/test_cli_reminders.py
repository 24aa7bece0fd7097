"""`flask --app tas send-reminders [--as-of ...]`: one pass, by hand or from cron."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import time_machine
from sqlalchemy import select

from tas.extensions import db
from tas.reminders.models import Reminder
from tests import factories
from tests.reviews.helpers import child_with_plan


def eml_files(app) -> list[Path]:
    folder = Path(app.config["OUTBOX_DIR"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def test_send_reminders_writes_the_emails_into_the_outbox_folder(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=date(2026, 12, 3),
    )
    db.session.commit()

    with time_machine.travel(datetime(2026, 12, 3, 12, 0, tzinfo=UTC)):
        result = app.test_cli_runner().invoke(
            args=["send-reminders", "--as-of", "2026-12-03 07:05"]
        )

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Reminder pass: planned 1, emailed 1,")
    assert "delivered 1" in result.output
    files = eml_files(app)
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Subject"] == f"Reminder: plan review for {setting.plan.reference} is due today"
    assert message["To"].addresses[0].addr_spec == setting.link_worker.email
    assert f"https://tas.example.org/reviews/{review.id}" in message.get_content()
    assert setting.child.first_name not in files[0].read_text()

    # Run again for the same day: nothing twice.
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, tzinfo=UTC)):
        again = app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "2026-12-03 08:00"])
    assert "planned 0, emailed 0" in again.output
    assert len(eml_files(app)) == 1


def test_a_time_without_a_zone_is_london_time(app):
    setting = child_with_plan()
    factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=date(2027, 7, 1),
    )
    db.session.commit()
    runner = app.test_cli_runner()
    with time_machine.travel(datetime(2027, 7, 1, 12, 0, tzinfo=UTC)):
        # 06:30 in London in July (BST) is 05:30 UTC: too early.
        early = runner.invoke(args=["send-reminders", "--as-of", "2027-07-01 06:30"])
        # Given in UTC: 06:30 UTC is 07:30 in London.
        utc = runner.invoke(args=["send-reminders", "--as-of", "2027-07-01T06:30:00+00:00"])
    assert "planned 0" in early.output
    assert "planned 1, emailed 1" in utc.output
    db.session.expire_all()
    assert db.session.scalar(select(Reminder.send_on)) == date(2027, 7, 1)


def test_a_wrong_as_of_is_explained_not_a_traceback(app):
    result = app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "next tuesday"])
    assert result.exit_code == 2
    assert 'Give a date and time like "2026-12-03 07:05" (London time)' in result.output
    assert "Traceback" not in result.output


def test_a_time_still_to_come_is_refused_so_real_reminders_are_not_spent_early(app):
    setting = child_with_plan()
    factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=date(2026, 12, 10),
    )
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["send-reminders", "--as-of", "2026-12-09 07:05"])

    assert result.exit_code == 2
    assert "Give a time that has passed" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(Reminder)).all() == []


def test_without_as_of_the_pass_runs_for_now(app):
    # The clock of these tests: Friday 27 November 2026, 09:30 in London.
    setting = child_with_plan()
    factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=date(2026, 11, 27),
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "planned 1, emailed 1" in result.output
