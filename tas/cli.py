"""Flask commands that span domains: demo data, deployment checks, the outbox."""

from __future__ import annotations

import click
from flask import Flask, current_app

from . import config, demo
from .outbox.services import deliver_due


def register(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(check_deploy)
    app.cli.add_command(outbox_send)


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
def demo_data(if_empty: bool) -> None:
    """Load the demo partnership (idempotent; refused in production)."""
    if config.is_production(current_app.config):
        raise click.ClickException("Demo data is never loaded when TAS_ENV=production.")
    if if_empty and not demo.database_is_empty():
        click.echo("The database already has users: demo data not loaded.")
        return
    added = demo.load()
    sent = deliver_due()  # the demo meetings' invitations, as .eml files in the outbox folder
    summary = ", ".join(f"{count} {what}" for what, count in added.items())
    click.echo(
        f"Demo data loaded: added {summary}; {sent} email(s) delivered. "
        f"Password for every demo account: {demo.DEMO_PASSWORD}"
    )


@click.command("check-deploy")
def check_deploy() -> None:
    """List every setting that makes this deployment unsafe (exit 1 when there is one)."""
    problems = config.deployment_problems(current_app.config)
    warnings = config.deployment_warnings(current_app.config)
    for problem in problems:
        click.echo(f"ERROR: {problem}")
    for warning in warnings:
        click.echo(f"WARNING: {warning}")
    if problems:
        raise SystemExit(1)
    click.echo("No problems found." if not warnings else "No errors found.")


@click.command("outbox-send")
def outbox_send() -> None:
    """Deliver every queued email that is due (the scheduler will run this regularly)."""
    click.echo(f"{deliver_due()} email(s) delivered.")
