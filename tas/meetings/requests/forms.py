"""Forms for TAS requests: asking for a child to be discussed, triage, withdrawal, and an
anonymous consultation. Each posted form keeps what was typed when it comes back with errors."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectChoice, SubmitField

from tas.core.choices import label, record_id
from tas.core.fields import GovDateField, choice, select, text_area
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.core.words import local_date, local_datetime
from tas.meetings import rules
from tas.meetings.models import AgendaItem, Meeting, TasRequest
from tas.meetings.requests.triage import ALREADY_ON_THIS, TRIAGE_OUTCOMES

LONGEST = 4000


def meeting_label(meeting: Meeting, *, school: bool = False) -> str:
    """A meeting as a choice: when, what kind, where (the school when asked), reference."""
    kind = label(rules.MEETING_KINDS, meeting.kind)
    at = f" at {meeting.school.name}" if school else ""
    return f"{local_datetime(meeting.starts_at)}: {kind}{at} ({meeting.reference})"


def meeting_choices(meetings, *, school: bool = False) -> list[SelectChoice]:
    return [SelectChoice("", "Select a meeting")] + [
        SelectChoice(str(m.id), meeting_label(m, school=school)) for m in meetings
    ]


class Shows:
    """Problems found when saving go beside the fields they are about."""

    def show(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            self[name].errors = [message]


class RequestForm(SentOnce, Shows, TasForm):
    child = select("Child", missing="Select the child you want discussed")
    reason = text_area(
        "Why you want the child discussed",
        longest=LONGEST,
        missing="Enter why you want the child discussed at TAS",
        description="What you are worried about, what you have noticed and for how long",
    )
    already_tried = text_area(
        "What the school has already tried",
        longest=LONGEST,
        missing="Enter what the school has already tried",
        description="Support in school so far, and what difference it made",
    )
    child_views = text_area(
        "The child's own views",
        longest=LONGEST,
        missing="Enter the child's own views",
        description="What the child says about what is happening and what would help, in their "
        "own words where you can",
    )
    submit = SubmitField("Send the request", widget=GovSubmitInput())

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.child.choices = [SelectChoice("", "Select a child")] + [
            SelectChoice(
                str(child.id),
                f"{child.full_name}, born {local_date(child.date_of_birth)}"
                + ("" if agreed else " (no current agreement)"),
            )
            for child, agreed in children
        ]

    def values(self) -> dict:
        return {
            "child_id": record_id(self.child.data),
            "reason": self.reason.data,
            "already_tried": self.already_tried.data,
            "child_views": self.child_views.data,
        }


class TriageForm(RecordForm):
    outcome = choice("What happens next", TRIAGE_OUTCOMES, "Select what happens to the request")
    meeting = select(
        "Meeting",
        description="Scheduled TAS and keeping-in-touch meetings still to come at the child's "
        "school",
    )
    advice = text_area(
        "Advice for the school",
        longest=LONGEST,
        description="The school sees this advice with the request, which is then closed",
    )
    told_on = GovDateField(
        "Date the school was told to contact the IFD",
        description="For example, 27 11 2026",
    )
    submit = SubmitField("Save the triage", widget=GovSubmitInput())

    def __init__(self, *args, meetings=(), already=(), **kwargs):
        """`already`: the meetings the child is on the agenda of, shown but not offered."""
        super().__init__(*args, **kwargs)
        self.already = list(already)
        taken = {meeting.id for meeting in self.already}
        self.meeting.choices = meeting_choices([m for m in meetings if m.id not in taken])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.meeting.data in {str(meeting.id) for meeting in self.already}:
            self.meeting.errors = [ALREADY_ON_THIS]
        needed = {
            "accepted": (self.meeting, "Select the meeting to discuss the child at"),
            "advice_given": (self.advice, "Enter the advice for the school"),
            "redirected_to_ifd": (self.told_on, "Enter the date the school was told"),
        }.get(self.outcome.data)
        if needed:
            field, message = needed
            if not field.data and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    @staticmethod
    def data_from(row: TasRequest, item: AgendaItem | None = None) -> dict:
        """The triage as saved, to compare with what someone else typed."""
        outcome = row.status if row.status in {c.code for c in TRIAGE_OUTCOMES} else ""
        return {
            "outcome": outcome,
            "meeting": str(item.meeting_id) if item else "",
            "advice": row.advice or "",
            "told_on": row.school_told_of_ifd_on,
            "version": row.version,
        }

    def values(self) -> dict:
        """The chosen outcome and only its own answer."""
        outcome = self.outcome.data
        return {
            "outcome": outcome,
            "meeting_id": record_id(self.meeting.data) if outcome == "accepted" else None,
            "advice": self.advice.data if outcome == "advice_given" else None,
            "told_on": self.told_on.data if outcome == "redirected_to_ifd" else None,
        }


class WithdrawForm(RecordForm):
    submit = SubmitField("Withdraw the request", widget=GovSubmitInput())


class ConsultationForm(SentOnce, Shows, TasForm):
    # Any posted meeting goes to the service, which says why one not offered is refused; a
    # value that is no id at all (text, a number past the database's range) is not offered.
    meeting = select(
        "TAS meeting",
        missing="Select the meeting",
        description="Scheduled TAS meetings still to come at your schools",
        validate_choice=False,
    )
    situation = text_area(
        "The situation",
        longest=LONGEST,
        missing="Describe the situation you want advice about",
        description="Do not include names, initials, dates of birth or addresses, or anything "
        "else that could identify the child or family. Describe what is happening, what you "
        "have tried and what you want advice about.",
    )
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting.choices = meeting_choices(meetings, school=True)

    def values(self) -> dict:
        return {"meeting_id": record_id(self.meeting.data), "situation": self.situation.data}
