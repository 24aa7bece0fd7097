"""The scheduler process: `flask --app tas scheduler`.

APScheduler only wakes the process up; the database decides what is due (reminder rows with a
unique key, claimed with row locks), so a pass can run at any time, as often as wanted, in as
many processes as wanted, without sending anything twice. Web workers never start it.

- A pass every SCHEDULER_PASS_MINUTES (reminders, digests, the outbox, purges), the first at
  start-up, and one at REMINDER_HOUR:00 on weekdays so the day's reminders and digests go at
  once.
- coalesce=True, max_instances=1 and no misfire grace limit: a pass that was missed (the
  machine slept) runs once when it can, never several times in a row, and never skipped
  (APScheduler 3's default grace of 1 second would silently skip it).
- One worker thread: the two jobs never run at the same time in this process.
- The job store is in memory: jobs are defined here, not stored (3.x job stores must not be
  shared between schedulers).
"""

from __future__ import annotations

import logging
import signal

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from tas.core.clock import LONDON, utcnow
from tas.extensions import db
from tas.jobs import run_pass

log = logging.getLogger(__name__)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def reminder_pass(app: Flask) -> None:
    """One pass in an app context; a failure is logged and the next pass tries again."""
    with app.app_context():
        try:
            run_pass(utcnow())
        except Exception:
            log.exception("Reminder pass failed; the next pass will try again")
            db.session.rollback()


def build(app: Flask) -> BlockingScheduler:
    """The scheduler with its two jobs, not yet started."""
    config = app.config
    scheduler = BlockingScheduler(
        timezone=LONDON,
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults=JOB_DEFAULTS,
    )
    scheduler.add_job(
        reminder_pass,
        "interval",
        minutes=int(config["SCHEDULER_PASS_MINUTES"]),
        args=[app],
        id="pass",
        name="reminder pass",
        **JOB_DEFAULTS,
        next_run_time=utcnow(),  # one pass at start-up: catch up after downtime at once
    )
    scheduler.add_job(
        reminder_pass,
        "cron",
        day_of_week="mon-fri",
        hour=int(config["REMINDER_HOUR"]),
        minute=0,
        args=[app],
        id="reminder-hour",
        name="reminders and digests at the reminder hour",
        **JOB_DEFAULTS,
    )
    return scheduler


def run(app: Flask) -> None:
    """Run the scheduler until SIGTERM or Ctrl-C; a pass under way finishes first."""
    scheduler = build(app)

    def stop(signum, _frame):
        log.info("Scheduler stopping (signal %s)", signum)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info(
        "Scheduler started: a pass every %s minutes, reminders from %s:00 Europe/London",
        app.config["SCHEDULER_PASS_MINUTES"],
        app.config["REMINDER_HOUR"],
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        log.info("Scheduler stopped")
