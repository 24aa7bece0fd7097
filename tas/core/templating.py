"""Jinja setup: GOV.UK Frontend macros, WTForms widgets, and the helpers every page uses."""

from __future__ import annotations

from datetime import time

from flask import Flask, g
from govuk_frontend_wtf.main import WTFormsHelpers, wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from tas.core.choices import label
from tas.core.times import parse_clock
from tas.core.words import local_date, local_datetime, spoken_clock


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
    app.add_template_global(label)  # a stored code in words: label(rules.MEETING_KINDS, code)
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["spoken_time"] = spoken_time

    @app.context_processor
    def _service():
        return {
            "service_name": app.config["SERVICE_NAME"],
            "partnership_name": app.config["PARTNERSHIP_NAME"],
            "csp_nonce": getattr(g, "csp_nonce", None),
        }


def spoken_time(value) -> str:
    """A time of day in the GOV.UK style the rest of the page uses (2:00pm), from a time or
    the 24-hour text a form took ("14:00"); text that is no time is shown as it is."""
    moment = value if isinstance(value, time) else parse_clock(str(value or ""))
    return spoken_clock(moment) if moment is not None else str(value or "")


def error_summary(form, page: str = "") -> dict:
    """The GOV.UK error summary for a form, in the order its questions come on the `page` (a
    form's fields may be declared in another order); a date's message leads to its Day box,
    which is where GOV.UK asks focus to go (the date's own id is a container, not a field)."""
    params = wtforms_errors(form)
    dates = {
        f"#{field.id}": f"#{field.name}-day"
        for field in form
        if isinstance(field.widget, GovDateInput)
    }
    for item in params["errorList"]:
        item["href"] = dates.get(item["href"], item["href"])

    def on_page(item: dict) -> int:
        found = page.find(f'id="{item["href"].removeprefix("#")}"')
        return found if found != -1 else len(page)

    params["errorList"].sort(key=on_page)
    return params
