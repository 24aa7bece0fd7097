"""Several scheduler processes at once send each reminder exactly once (docs/security.md I37); the
scheduler is its own process, and the web application never starts one.

Real operating-system processes (`flask --app tas ...`) against the test's own database and a
real SMTP server on loopback.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tas.extensions import db
from tas.jobs import run_pass
from tas.outbox import services as outbox
from tas.outbox.models import OutboxMessage
from tas.reminders.models import Reminder
from tas.voice.models import VoiceEntry
from tests import factories
from tests.conftest import TEST_SECRET
from tests.reviews.helpers import child_with_plan

ROOT = Path(__file__).resolve().parents[2]
THURSDAY = date(2026, 11, 26)  # in the past for the child processes, which use the real clock


def environment(app, smtp_port: int, tmp_path: Path) -> dict[str, str]:
    """Settings for a child process: this test's database, SMTP server and folders."""
    return {
        **os.environ,
        "TAS_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "TAS_MAIL_SERVER": "127.0.0.1",
        "TAS_MAIL_PORT": str(smtp_port),
        "TAS_SECRET_KEY": TEST_SECRET,
        "TAS_BASE_URL": "https://tas.example.org",
        "TAS_INSTANCE_PATH": str(tmp_path / "instance"),
        "TAS_OUTBOX_DIR": str(tmp_path / "outbox"),
        "TAS_ENV": "development",
    }


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "tas", *args]


def three_passes_at_once(app, smtp_server, tmp_path: Path, as_of: str) -> list[tuple[str, str]]:
    """Three `flask send-reminders --as-of` processes started together; their (out, err)."""
    env = environment(app, smtp_server.port, tmp_path)
    command = flask("send-reminders", "--as-of", as_of)
    processes = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    return outputs


@pytest.mark.commits  # scheduler processes read and write this database
def test_three_processes_and_100_due_reminders_send_exactly_100_emails(app, smtp_server, tmp_path):
    # 50 people, each owning two reviews due today: 100 reminders.
    setting = child_with_plan()
    owners = []
    for _ in range(50):
        owner = factories.user("link_worker", password=None)
        db.session.flush()
        owners.append(owner.email)
        for _ in range(2):
            factories.review(
                setting.child, plan_id=setting.plan.id, owner_id=owner.id, due_on=THURSDAY
            )
    db.session.commit()

    outputs = three_passes_at_once(app, smtp_server, tmp_path, "2026-11-26 07:05")

    # Each process reports what it did; together they emailed 100, each reminder once.
    emailed = [int(re.search(r"emailed (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(emailed) == 100
    delivered = [int(re.search(r"delivered (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(delivered) == 100

    envelopes = smtp_server.envelopes
    assert len(envelopes) == 100
    message_ids = {
        message_from_bytes(e.content, policy=policy.default)["Message-ID"] for e in envelopes
    }
    assert len(message_ids) == 100
    to = Counter(address for e in envelopes for address in e.rcpt_tos)
    assert to == Counter({address: 2 for address in owners})

    db.session.expire_all()
    rows = db.session.scalars(select(Reminder)).all()
    assert len(rows) == 100
    assert len({(r.target_id, r.recipient_id, r.kind, r.send_on) for r in rows}) == 100
    assert {row.status for row in rows} == {"sent"}
    assert len({row.outbox_message_id for row in rows}) == 100
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 100

    # A later pass (here, in this process) sends nothing more.
    assert run_pass(datetime(2026, 11, 26, 7, 30, tzinfo=UTC)).emailed == 0
    assert len(smtp_server.envelopes) == 100


@pytest.mark.commits  # a scheduler process reads and writes this database
def test_the_scheduler_process_runs_a_pass_at_start_and_stops_cleanly(app, smtp_server, tmp_path):
    # Something waiting in the outbox: the first pass (at start-up) delivers it, whatever the
    # hour (reminders themselves wait for 07:00).
    waiting = outbox.queue([("dsl@school.example.org", "")], "Waiting", "Body")
    waiting.next_attempt_at = datetime(2026, 1, 1, tzinfo=UTC)  # due, by any clock
    db.session.commit()
    env = environment(app, smtp_server.port, tmp_path)
    process = subprocess.Popen(
        flask("scheduler"), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not smtp_server.envelopes and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
        assert len(smtp_server.envelopes) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    log = stderr.decode()
    assert "Scheduler started: a pass every 5 minutes" in log
    assert "Reminder pass at " in log and "delivered 1" in log
    assert "Scheduler stopped" in log


def test_the_web_application_never_starts_a_scheduler(app, tmp_path):
    # What gunicorn's workers (and the development server) run: building the app and serving
    # requests must not import APScheduler, let alone start it.
    script = (
        "import sys, threading\n"
        "from tas import create_app\n"
        "app = create_app()\n"
        "app.test_client().get('/healthz')\n"
        "print('apscheduler' in sys.modules, threading.active_count())\n"
    )
    env = environment(app, 25, tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["False", "1"]


def test_the_scheduler_refuses_to_start_inside_the_reloader(app, tmp_path):
    env = {**environment(app, 25, tmp_path), "WERKZEUG_RUN_MAIN": "true"}
    result = subprocess.run(
        flask("scheduler"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "never runs inside the development server's reloader" in result.stderr


def test_the_scheduler_wakes_every_few_minutes_and_at_seven_on_weekdays(app):
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from tas import scheduler

    built = scheduler.build(app)
    assert str(built.timezone) == "Europe/London"
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == {"pass", "reminder-hour"}
    for job in jobs.values():
        # A missed run is run once when it can: never skipped, never run several times over.
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    interval = jobs["pass"].trigger
    assert isinstance(interval, IntervalTrigger)
    assert interval.interval.total_seconds() == 5 * 60
    cron = jobs["reminder-hour"].trigger
    assert isinstance(cron, CronTrigger)
    fields = {field.name: str(field) for field in cron.fields}
    assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("mon-fri", "7", "0")


@pytest.mark.commits  # scheduler processes read and write this database
def test_three_processes_send_each_hourly_concern_reminder_once(app, smtp_server, tmp_path):
    # 30 concerns recorded at 08:00 on Thursday, unanswered, each at a school with no DSL or
    # coordinator to tell: at 10:05 each is due its reminder of the second hour, to its recorder.
    recorders = []
    for _ in range(30):
        child = factories.child()
        recorder = factories.user("practitioner", password=None)
        db.session.flush()
        recorders.append(recorder.email)
        db.session.add(
            VoiceEntry(
                child_id=child.id,
                heard_on=THURSDAY,
                setting="school",
                captured_by="A teacher",
                heard_how="directly",
                words="I don't want to go home.",
                raises_concern=True,
                recorded_by_id=recorder.id,
                recorded_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
                response_due_at=datetime(2026, 11, 26, 17, 0, tzinfo=UTC),
            )
        )
    db.session.commit()

    outputs = three_passes_at_once(app, smtp_server, tmp_path, "2026-11-26 10:05")

    sent = [int(re.search(r"concern reminders (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(sent) == 30
    assert Counter(a for e in smtp_server.envelopes for a in e.rcpt_tos) == Counter(recorders)
    db.session.expire_all()
    rows = db.session.scalars(select(Reminder)).all()
    assert {(row.kind, row.status) for row in rows} == {("concern_h2", "sent")}
    assert len(rows) == 30
