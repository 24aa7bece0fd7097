"""Jinja setup: GOV.UK Frontend macros, WTForms widgets, and the helpers every page uses."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g
from govuk_frontend_wtf.main import WTFormsHelpers, wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from tas.core.clock import local


def configure_templates(app: Flask) -> None:
    """Load our templates first, then GOV.UK Frontend's macros and form widgets."""
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("tas"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    app.add_template_global(error_summary)
    app.jinja_env.filters["local_datetime"] = format_local_datetime
    app.jinja_env.filters["local_date"] = format_local_date

    @app.context_processor
    def _service():
        return {
            "service_name": app.config["SERVICE_NAME"],
            "partnership_name": app.config["PARTNERSHIP_NAME"],
            "csp_nonce": getattr(g, "csp_nonce", None),
        }


def error_summary(form) -> dict:
    """The GOV.UK error summary for a form; a date's message leads to its Day box, which is
    where GOV.UK asks focus to go (the date's own id is a container, not a field)."""
    params = wtforms_errors(form)
    dates = {
        f"#{field.id}": f"#{field.name}-day"
        for field in form
        if isinstance(field.widget, GovDateInput)
    }
    for item in params["errorList"]:
        item["href"] = dates.get(item["href"], item["href"])
    return params


def format_clock(moment: datetime) -> str:
    """The time of day in the GOV.UK style: 9:05am, 5:30pm, midday, midnight (already local)."""
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    return moment.strftime("%I:%M%p").lstrip("0").lower()


def format_local_datetime(moment: datetime | None) -> str:
    """A time as people in England read it: 3 December 2026 at 9:05am."""
    if moment is None:
        return ""
    shown = local(moment)
    return f"{shown.day} {shown:%B %Y} at {format_clock(shown)}"


def format_local_date(moment: datetime | None) -> str:
    """A date as people in England read it: 3 December 2026."""
    if moment is None:
        return ""
    shown = local(moment) if isinstance(moment, datetime) else moment
    return f"{shown.day} {shown:%B %Y}"
