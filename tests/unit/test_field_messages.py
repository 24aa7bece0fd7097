"""The message for text that is too long names the question as a person would say it: never
with "(optional)", never as a question ("Why is the meeting cancelled? must be..."). This walks
every form class declared under tas/ and reads the messages of its text fields."""

from __future__ import annotations

import importlib
import pkgutil

from wtforms import Form
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import tas


def declared_forms() -> list[type[Form]]:
    for module in pkgutil.walk_packages(tas.__path__, "tas."):
        importlib.import_module(module.name)
    found, waiting = [], [Form]
    while waiting:
        for child in waiting.pop().__subclasses__():
            waiting.append(child)
            if child.__module__.startswith("tas."):
                found.append(child)
    return found


def too_long_messages(form: type[Form]) -> dict[str, str]:
    messages = {}
    for name in dir(form):
        field = getattr(form, name, None)
        if not isinstance(field, UnboundField):
            continue
        for validator in field.kwargs.get("validators") or ():
            if isinstance(validator, Length) and validator.message:
                messages[f"{form.__module__}.{form.__name__}.{name}"] = validator.message
    return messages


def test_every_too_long_message_names_the_question_plainly():
    messages = {}
    for form in declared_forms():
        messages.update(too_long_messages(form))

    assert len(messages) > 40  # the walk found the service's forms
    odd = {where: text for where, text in messages.items() if "?" in text or "(optional)" in text}
    assert odd == {}
    assert messages["tas.meetings.booking.forms.CancelForm.reason"] == (
        "The reason for cancelling must be 2,000 characters or fewer"
    )
