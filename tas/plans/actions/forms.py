"""Forms for actions: the whole action for plan editors, and the status update its owner makes.

An owner's form has only the status and completion note, so posted `description`, `owner_*` or
`due_on` values are ignored (docs/security.md C14).
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectChoice, SubmitField

from tas.core.choices import record_id
from tas.core.fields import GovDateField, choice, options, select, text_area
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.plans import rules
from tas.plans.fields import marker_values, markers_field, markers_from, people
from tas.plans.models import Action


def _status():
    return choice("Status", rules.ACTION_STATUSES, "Select the action's status")


def _completion_note():
    return text_area(
        "Completion note",
        longest=2000,
        description="Needed when the action is done (what was done, and what came of it) or "
        "cancelled (why)",
    )


class ActionUpdateForm(RecordForm):
    """What the action's owner keeps up to date."""

    status = _status()
    completion_note = _completion_note()
    submit = SubmitField("Save the action", widget=GovSubmitInput())

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)

    @staticmethod
    def data_from(action: Action) -> dict:
        return {
            "description": action.description,
            "owner_kind": action.owner_kind,
            "owner_agency": str(action.owner_agency_id or ""),
            "owner_user": str(action.owner_user_id or ""),
            "owner_family_member": str(action.owner_family_member_id or ""),
            "due_on": action.due_on,
            "involvement": str(action.involvement_id or ""),
            "status": action.status,
            "completion_note": action.completion_note or "",
            "markers": markers_from(action),
            "version": action.version,
        }

    def values(self) -> dict:
        return {"status": self.status.data, "completion_note": self.completion_note.data or None}


class ActionForm(SentOnce, ActionUpdateForm):
    """The whole action, for people who may change the plan."""

    description = text_area(
        "What needs to be done", longest=2000, missing="Enter what needs to be done"
    )
    owner_kind = choice("Who owns the action", rules.OWNER_KINDS, "Select who owns the action")
    owner_agency = select(
        "Agency",
        description="If an agency owns the action: one of the agencies involved",
        invalid_choice_message="Select an agency from the list",
    )
    owner_user = select(
        "Person",
        description="If a named person owns the action",
        invalid_choice_message="Select a person from the list",
    )
    owner_family_member = select(
        "Parent or carer",
        description="If a parent or carer owns the action",
        invalid_choice_message="Select a parent or carer from the list",
    )
    due_on = GovDateField("Due date", missing="Enter the date the action is due")
    involvement = select(
        "Part of which involvement (optional)",
        description="Link the action to one agency's work with the child",
        invalid_choice_message="Select an involvement from the list",
    )
    status = _status()
    completion_note = _completion_note()
    markers = markers_field()
    submit = SubmitField("Save the action", widget=GovSubmitInput())

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or {}
        self.owner_agency.choices = options(choices.get("agencies", ()), "Select an agency")
        self.owner_user.choices = [
            *options([], "Select a person"),
            *people(choices.get("people", ())),
        ]
        self.owner_family_member.choices = [
            *options([], "Select a parent or carer"),
            *(
                SelectChoice(str(m.id), f"{m.name} ({m.relationship_to_child})")
                for m in choices.get("family", ())
            ),
        ]
        self.involvement.choices = [
            *options([], "Not linked to an involvement"),
            *(
                SelectChoice(str(i.id), f"{i.agency.name}: {i.service}")
                for i in choices.get("involvements", ())
            ),
        ]

    def values(self) -> dict:
        owners = rules.owner_values(
            self.owner_kind.data,
            {
                "owner_agency_id": record_id(self.owner_agency.data),
                "owner_user_id": record_id(self.owner_user.data),
                "owner_family_member_id": record_id(self.owner_family_member.data),
            },
        )
        return {
            "description": self.description.data,
            **owners,
            "due_on": self.due_on.data,
            "involvement_id": record_id(self.involvement.data),
            **super().values(),
            **marker_values(self.markers.data),
        }
