"""Forms for invitations: inviting an agency or a named person, answering an invitation, and a
school's default invited agencies; plus the one-button forms that remove or move a record."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectChoice, SelectMultipleField, SubmitField

from tas.core.choices import Choice, record_id
from tas.core.fields import choice, options, select, text_area
from tas.core.forms import RecordForm
from tas.meetings import rules
from tas.meetings.models import Invitation
from tas.plans.fields import people

INVITEE_KINDS = (
    Choice("agency", "An agency"),
    Choice("person", "A named person"),
)
ANSWER_CHOICES = tuple(c for c in rules.ANSWERS if c.code != "awaiting")
UPDATE_LONGEST = 5000
NOTHING_SAVED = "none"  # the default agencies form opened when none were ever chosen


class InvitationForm(RecordForm):
    """Invite an agency (with its representative, if one is named) or a named person."""

    kind = choice(
        "Who are you inviting?",
        INVITEE_KINDS,
        "Select whether you are inviting an agency or a named person",
    )
    agency = select("Agency", invalid_choice_message="Select an agency from the list")
    representative = select(
        "Representative (optional)",
        description="Someone at the agency who answers for it. Without one, the invitation "
        "goes to the agency's contact address.",
        invalid_choice_message="Select a representative from the list",
    )
    person = select(
        "Person",
        description="Practitioners, link workers and GP practice staff with an account",
        invalid_choice_message="Select a person from the list",
    )
    submit = SubmitField("Invite", widget=GovSubmitInput())

    def __init__(self, *args, agencies=(), invitable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = options(agencies, "Select an agency")
        with_agency = [person for person in invitable if person.agency_id is not None]
        self.representative.choices = [
            *options([], "No representative: use the agency's contact address"),
            *people(with_agency),
        ]
        self.person.choices = [*options([], "Select a person"), *people(invitable)]

    def values(self) -> dict:
        kind = self.kind.data
        return {
            "kind": kind,
            "agency_id": record_id(self.agency.data) if kind == "agency" else None,
            "representative_id": record_id(self.representative.data) if kind == "agency" else None,
            "person_id": record_id(self.person.data) if kind == "person" else None,
        }


class AnswerForm(RecordForm):
    """An invited practitioner's answer."""

    answer = choice("Your answer", ANSWER_CHOICES, "Select your answer")
    written_update = text_area(
        "Your written update",
        longest=UPDATE_LONGEST,
        description="Needed when you send apologies with a written update: what your service "
        "wants the meeting to know, and anything it will do. Only the meeting's organisers see "
        "it. Leave it blank for the other answers.",
    )
    submit = SubmitField("Send your answer", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (
            valid
            and self.answer.data == "apologies_with_update"
            and not (self.written_update.data or "").strip()
        ):
            self.written_update.errors = ["Enter your written update for the meeting"]
            valid = False
        return valid

    @staticmethod
    def data_from(invitation: Invitation) -> dict:
        return {
            "answer": invitation.answer if invitation.answer != "awaiting" else None,
            "written_update": invitation.written_update or "",
            "version": invitation.version,
        }

    def values(self) -> dict:
        given = self.answer.data
        return {
            "answer": given,
            "written_update": self.written_update.data
            if given == "apologies_with_update"
            else None,
        }


class SeriesAnswerForm(AnswerForm):
    """One answer for every date of a series still to come; its `version` is the invitations
    and their versions as shown (series_answers.token)."""

    answer = choice("Can you come to these meetings?", ANSWER_CHOICES, "Select your answer")
    submit = SubmitField("Send your answer for every date", widget=GovSubmitInput())


class DefaultAgenciesForm(RecordForm):
    """The agencies a school's new meetings invite. Its `version` is the set of agencies saved
    when the page was opened ("3,7,9"), so a save over someone else's is refused."""

    agencies = SelectMultipleField(
        "Agencies invited to every new meeting",
        description="Select all that apply. GP practices are suggested at each meeting, from "
        "the children on its agenda.",
        widget=GovCheckboxesInput(),
        choices=[],
        invalid_choice_message="Select agencies from the list",
    )
    submit = SubmitField("Save the default agencies", widget=GovSubmitInput())

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies.choices = [SelectChoice(str(agency.id), agency.name) for agency in agencies]

    @staticmethod
    def data_from(ticked: list[int], saved: list[int]) -> dict:
        return {"agencies": [str(a) for a in ticked], "version": saved_token(saved)}

    def loaded(self) -> list[int] | None:
        """The agencies saved when the page was opened, or None when the token is unusable."""
        token = (self.version.data or "").strip()
        if token == NOTHING_SAVED:
            return []
        ids = [record_id(part) for part in token.split(",")]
        return None if not token or None in ids else ids

    def values(self) -> list[int]:
        return [number for number in map(record_id, self.agencies.data or []) if number]


def saved_token(saved: list[int]) -> str:
    return ",".join(str(a) for a in sorted(saved)) or NOTHING_SAVED


class ConfirmForm(RecordForm):
    """A form that is one button: remove an invitation or an agenda item, move an item."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
