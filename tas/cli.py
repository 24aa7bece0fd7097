"""Flask commands that span domains: demo data, deployment checks, the outbox, reminders and
the scheduler process."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app
from sqlalchemy.exc import OperationalError

from tas.benchmark import district
from tas.core.clock import LONDON, utcnow
from tas.core.database import audit_role_problems
from tas.demo import loading as demo
from tas.deployment import deployment_problems, deployment_warnings, is_production
from tas.extensions import db
from tas.jobs import run_pass
from tas.outbox.services import deliver_due


def register(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(check_deploy)
    app.cli.add_command(outbox_send)
    app.cli.add_command(send_reminders)
    app.cli.add_command(scheduler)
    app.cli.add_command(generate_district)


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
@click.option(
    "--check",
    is_flag=True,
    help="Only check that demo data may be loaded here (make run asks before anything else).",
)
def demo_data(if_empty: bool, check: bool) -> None:
    """Load the demo partnership (idempotent; refused in production)."""
    if is_production(current_app.config):
        raise click.ClickException(
            "Demo data is never loaded when TAS_ENV=production: its accounts share a published "
            "password. make run is for trying the service; see the README for deploying it."
        )
    if check:
        click.echo("Demo data may be loaded here (TAS_ENV is not production).")
        return
    if if_empty and not demo.database_is_empty():
        click.echo("The database already has users: demo data not loaded.")
        if demo.waive_second_factors_if_demo():
            click.echo("It is the demo's: its accounts now sign in without a second factor.")
        return
    added = demo.load()
    sent = deliver_due()  # the demo meetings' invitations, as .eml files in the outbox folder
    summary = ", ".join(f"{count} {what}" for what, count in added.items())
    click.echo(
        f"Demo data loaded: added {summary}; {sent} email(s) delivered. "
        f"Password for every demo account: {demo.DEMO_PASSWORD}"
    )


@click.command("generate-district")
@click.option("--scale", type=float, default=1.0, show_default=True, help="Districts to make.")
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed, the same data."
)
def generate_district(scale: float, seed: int) -> None:
    """Fill an empty database with a district's worth of invented data for measuring (a region
    at --scale 10; a fraction makes a smaller district). Refused in production."""
    if is_production(current_app.config):
        raise click.ClickException(
            "Benchmark data is never made when TAS_ENV=production: its accounts share a "
            "published password."
        )
    if not demo.database_is_empty():
        raise click.ClickException("The database already has people in it: use an empty one.")
    if scale <= 0:
        raise click.BadParameter("must be more than 0", param_hint="--scale")
    steps = 2 * max(1, int(scale)) + 1
    with click.progressbar(length=steps, label="Generating", show_pos=True) as bar:

        def progress(step: str) -> None:
            bar.label = step
            bar.update(1)

        made = district.generate(scale, seed, progress)
    click.echo("Made " + ", ".join(f"{count:,} {kind}" for kind, count in made.items()) + ".")
    click.echo(f"Password for every account: {demo.DEMO_PASSWORD}")


@click.command("check-deploy")
def check_deploy() -> None:
    """List every setting that makes this deployment unsafe (exit 1 when there is one)."""
    problems = deployment_problems(current_app.config) + _database_problems()
    warnings = deployment_warnings(current_app.config)
    for problem in problems:
        click.echo(f"ERROR: {problem}")
    for warning in warnings:
        click.echo(f"WARNING: {warning}")
    if problems:
        raise SystemExit(1)
    click.echo("No problems found." if not warnings else "No errors found.")


def _database_problems() -> list[str]:
    """What the database connection allows that it should not (the audit log, G29)."""
    try:
        with db.engine.connect() as connection:
            return audit_role_problems(connection)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
        return [f"Cannot connect to the database to check its roles: {reason}"]


@click.command("outbox-send")
def outbox_send() -> None:
    """Deliver every queued email that is due (the scheduler will run this regularly)."""
    click.echo(f"{deliver_due()} email(s) delivered.")


class Moment(click.ParamType):
    """A date and time such as "2026-12-03 07:05": London time unless it says otherwise."""

    name = "datetime"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            self.fail('Give a date and time like "2026-12-03 07:05" (London time)', param, ctx)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LONDON)
        return moment.astimezone(UTC)


@click.command("send-reminders")
@click.option(
    "--as-of",
    type=Moment(),
    default=None,
    help='Run the pass as if it were this time ("2026-12-03 07:05", London time): for '
    "re-running a missed day. Default: now.",
)
def send_reminders(as_of: datetime | None) -> None:
    """Run one reminder pass: plan and send reminders and digests, deliver the outbox."""
    if as_of is not None and as_of > utcnow() + timedelta(minutes=5):
        # A pass "from the future" would send that day's reminders now and then keep the real
        # ones from going (each is sent once per day it is for): only now or a missed past day.
        raise click.BadParameter(
            "Give a time that has passed (for re-running a missed day), or leave it out for now",
            param_hint="--as-of",
        )
    counts = run_pass(as_of or utcnow())
    click.echo(f"Reminder pass: {counts.line()}.")


@click.command("scheduler")
def scheduler() -> None:
    """Run the scheduler process (exactly one per deployment; never in the web workers)."""
    if os.environ.get("WERKZEUG_RUN_MAIN"):
        raise click.ClickException(
            "The scheduler never runs inside the development server's reloader: start it as "
            "its own process (make run does)."
        )
    # Imported here, not at the top: create_app registers these commands, and the web
    # workers must never load APScheduler (tests/reviews/test_scheduler_processes.py).
    from tas.scheduler import run

    logging.getLogger("tas").setLevel(logging.INFO)
    run(current_app._get_current_object())
