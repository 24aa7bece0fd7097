"""Passes running at the same moment claim each pending reminder once: row locks skipped on
PostgreSQL, an immediate transaction on SQLite. (Separate processes: test_scheduler_processes.)"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tas.extensions import db
from tas.outbox.models import OutboxMessage
from tas.reminders import services as reminders
from tas.reminders.models import Reminder
from tas.reminders.services import PassCounts
from tests import factories
from tests.reviews.helpers import child_with_plan

FRIDAY = date(2026, 11, 27)


@pytest.mark.commits  # three threads, a connection each
def test_three_passes_at_once_send_each_reminder_once(app):
    setting = child_with_plan()
    for _ in range(60):
        owner = factories.user("link_worker", password=None)
        db.session.flush()
        factories.review(setting.child, plan_id=setting.plan.id, owner_id=owner.id, due_on=FRIDAY)
    db.session.commit()
    assert reminders.plan(FRIDAY) == 60
    db.session.commit()

    start = threading.Barrier(3)
    results: list[PassCounts | BaseException] = []

    def one_pass():
        with app.app_context():
            counts = PassCounts()
            try:
                start.wait()
                reminders.send(FRIDAY, counts)
                results.append(counts)
            except BaseException as error:  # reported below, never lost in the thread
                results.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one_pass) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(result, PassCounts) for result in results), results
    assert sum(result.emailed for result in results) == 60
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 60
    statuses = db.session.scalars(select(Reminder.status)).all()
    assert statuses == ["sent"] * 60
    sent_to = db.session.scalars(select(OutboxMessage.recipients)).all()
    assert len(set(sent_to)) == 60


@pytest.mark.commits  # two threads, a connection each
def test_on_sqlite_a_claim_waits_for_the_other_passes_transaction(make_app, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL skips rows another pass has locked (the test above)")
    app = make_app()
    holding, release = threading.Event(), threading.Event()
    order = []

    def first():
        with app.app_context():
            with reminders.write_transaction():
                holding.set()
                release.wait(5)
                order.append("first done")
            db.session.remove()

    with app.app_context():
        thread = threading.Thread(target=first)
        thread.start()
        holding.wait(5)
        release_later = threading.Timer(0.3, release.set)
        release_later.start()
        with reminders.write_transaction():
            order.append("second in")
        thread.join(5)
    assert order == ["first done", "second in"]
