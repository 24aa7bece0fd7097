"""Adding significant events the way a person does."""

from __future__ import annotations

from tas.children.models import Child
from tests.conftest import Visitor


def event_form(**changes) -> dict:
    return {
        "happened_on": ["3", "12", "2026"],
        "category": "police_call_out",
        "severity": "high",
        "source_agency": "",
        "summary": "Police called to the home overnight.",
        **changes,
    }


def add_event(browser: Visitor, child: Child, **changes):
    return browser.submit(f"/children/{child.id}/chronology/new", event_form(**changes))
