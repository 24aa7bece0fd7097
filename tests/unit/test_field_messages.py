"""An error message names the question as a person would say it: never with "(optional)",
never as a question ("Why is the meeting cancelled? must be..."), never built into nonsense
("Select the where the information came from from the list"). This walks every form class
declared under tas/ and reads the messages of its fields: text too long, a choice not in the
list, and characters that cannot be used."""

from __future__ import annotations

import importlib
import pkgutil

from wtforms import Form
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import tas
from tas.core.forms import plain_name_of


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


def fields_of(form: type[Form]):
    for name in dir(form):
        field = getattr(form, name, None)
        if isinstance(field, UnboundField):
            yield f"{form.__module__}.{form.__name__}.{name}", name, field


def label_of(name: str, field: UnboundField) -> str:
    """The label a bound field shows: as declared, else WTForms' own from the field's name."""
    label = field.kwargs.get("label", field.args[0] if field.args else None)
    return name.replace("_", " ").title() if label is None else str(label)


def odd(text: str) -> bool:
    return "?" in text or "(optional)" in text or "the where" in text or "from from" in text


def test_a_choice_not_in_the_list_is_named_plainly():
    messages = {
        where: field.kwargs["invalid_choice_message"]
        for form in declared_forms()
        for where, _, field in fields_of(form)
        if field.kwargs.get("invalid_choice_message")
    }

    assert len(messages) > 40
    assert {where: text for where, text in messages.items() if odd(text)} == {}
    assert messages["tas.chronology.forms.EventForm.source_agency"] == (
        "Select the agency the information came from"
    )


def test_characters_that_cannot_be_used_are_named_plainly():
    names = {
        where: plain_name_of(label_of(name, field), field.kwargs.get("validators"))
        for form in declared_forms()
        for where, name, field in fields_of(form)
    }

    assert len(names) > 200
    assert {where: name for where, name in names.items() if odd(name) or not name} == {}
    assert names["tas.children.forms.CoordinatorReasonForm.reason"] == "Your reason"
    assert names["tas.children.forms.ChildForm.upn"] == "Unique pupil number (UPN)"
    assert names["tas.voice.forms.VoiceForm.setting_detail"] == "The place the child was heard"
    assert names["tas.children.agreements.forms.AgreementForm.agreed_by"] == "Your answer"


def test_the_place_a_child_was_heard_is_named_in_its_message_for_too_long():
    messages = {}
    for form in declared_forms():
        messages.update(too_long_messages(form))
    assert messages["tas.voice.forms.VoiceForm.setting_detail"] == (
        "The place the child was heard must be 200 characters or fewer"
    )
