"""The words of meetings and requests, and small pure rules about them. No Flask, no database;
"today" and "now" are always arguments."""

from __future__ import annotations

from datetime import datetime

from tas.core.choices import Choice, label

MEETING_KINDS = (
    Choice("tas", "TAS meeting"),
    Choice("keeping_in_touch", "Keeping-in-touch meeting"),
    Choice("taf", "TAF / handover meeting"),
)
SCHEDULED, HELD, CANCELLED = "scheduled", "held", "cancelled"
MEETING_STATUSES = (
    Choice("scheduled", "Scheduled"),
    Choice("held", "Held"),
    Choice("cancelled", "Cancelled"),
)
# A meeting that has ended waits for its minutes until they are complete (`shown_status`).
AWAITING_MINUTES = Choice("awaiting_minutes", "Awaiting minutes")
ANSWERS = (
    Choice("awaiting", "No answer yet"),
    Choice("attending", "Attending"),
    Choice("apologies", "Apologies"),
    Choice("apologies_with_update", "Apologies with a written update"),
)
ATTENDANCE = (
    Choice("attended", "Attended"),
    Choice("apologies", "Apologies"),
    Choice("apologies_with_update", "Apologies with a written update"),
    Choice("did_not_attend", "Did not attend"),
)
# The parent or carer's, and the child's, part in the discussion.
FAMILY_PARTS = (
    Choice("attended", "Attended"),
    Choice("contributed", "Contributed without attending"),
    Choice("did_not_take_part", "Did not take part"),
)
DECISIONS = (
    Choice("support_in_school", "Support in school"),
    Choice("shared_plan", "Open or continue the shared plan"),
    Choice("step_up_early_help", "Step up within early help (Targeted Early Help)"),
    Choice("refer_to_ifd", "Refer to the IFD (step up to Children's Social Care)"),
    Choice("step_down_received", "Step down received"),
    Choice("close", "Close"),
)
# The same decisions as the family version of the minutes says them: the family's words, not
# the service's (no "IFD", no "step up").
DECISIONS_FOR_THE_FAMILY = (
    Choice("support_in_school", "The school will give support in school."),
    Choice(
        "shared_plan",
        "The services working with your family will work together on one shared plan, and "
        "meet to review it with you.",
    ),
    Choice("step_up_early_help", "The Early Help service will give more support."),
    Choice(
        "refer_to_ifd",
        "We will ask Children's Social Care for more help, through the council's Integrated "
        "Front Door.",
    ),
    Choice(
        "step_down_received",
        "Children's Social Care has passed the support on to the services at this meeting.",
    ),
    Choice("close", "The support arranged through these meetings is coming to an end."),
)
AWAITING_TRIAGE = "awaiting_triage"
ACCEPTED = "accepted"
REQUEST_STATUSES = (
    Choice(AWAITING_TRIAGE, "Awaiting triage"),
    Choice(ACCEPTED, "Accepted onto an agenda"),
    Choice("advice_given", "Advice given"),
    Choice("redirected_to_ifd", "Redirected to the Integrated Front Door"),
    Choice("withdrawn", "Withdrawn"),
    Choice("agreement_withdrawn", "Closed: the family withdrew agreement"),
)
TERM_NAMES = (
    Choice("autumn", "Autumn term"),
    Choice("spring", "Spring term"),
    Choice("summer", "Summer term"),
)
# Default invited agencies for a school, by service type: FiM, 0-19, Early Help (docs/glossary.md,
# Agency).
DEFAULT_INVITED_SERVICES = ("future_in_mind", "zero_to_nineteen", "early_help")

NO_AGREEMENT_FOR_AGENDA = (
    "This child cannot be added to a TAS agenda because the family has not agreed to early help "
    "(or has withdrawn agreement). Record the family's agreement first; to ask advice without "
    "naming the child, add an anonymous consultation instead. If you are worried the child is at "
    "risk of harm, contact the Integrated Front Door now."
)


# Said the same way for cancelling and for moving (`doing`: "cancelled", "moved ...").
TOOK_PLACE = (
    "Who was present, attendance or minutes are recorded for this meeting: it took place, so it "
    "cannot be {doing}"
)
NOT_MOVED = "moved to another date or time"


def took_place(meeting, invitations, items) -> bool:
    """Whether anything of the meeting itself is recorded (who was present, anyone's attendance,
    a child's minutes): such a meeting happened, so it is never cancelled, and its date and
    times stay those it was held at. Recording is open only once a meeting has started
    (tas.meetings.day.rules.why_not_recordable), so this is what was recorded, not the clock: a
    meeting that ended with nothing recorded may not have happened, and can still be moved.
    Its invitations and agenda items are passed in, as the page and the use case each already
    read them."""
    return (
        meeting.present_confirmed_at is not None
        or any(invitation.attendance for invitation in invitations)
        or any(item.minuted_at for item in items)
    )


STARTED_ALREADY = "The meeting is today, so the start time must be later than now"


def started_by(starts_at: datetime, now: datetime) -> bool:
    """Whether a meeting starting at `starts_at` has started by `now`. A meeting booked (alone
    or in a series) or moved to such a time would be "Awaiting minutes" as soon as it was saved
    (`shown_status`): booking refuses it (no invitation would go out), a series skips the date,
    and a move asks to confirm that the meeting happened then."""
    return starts_at <= now


def shown_status(status: str, ends_at: datetime, now: datetime) -> Choice:
    """The status people see: a scheduled meeting that has ended is "Awaiting minutes" (it
    becomes "Held" once its minutes are complete); otherwise the stored status."""
    if status == SCHEDULED and ends_at <= now:
        return AWAITING_MINUTES
    return Choice(status, label(MEETING_STATUSES, status))


# A person's part in one of their next meetings, on their home page: their own answer, or the
# answer of their agency's invitation naming nobody (which any of its staff may give).
ANSWERED_BY_NAME = {
    "attending": "You said you can come",
    "apologies": "You sent apologies",
    "apologies_with_update": "You sent apologies with a written update",
}
ANSWERED_FOR_AGENCY = {
    "attending": "{who} said it can come",
    "apologies": "{who} sent apologies",
    "apologies_with_update": "{who} sent apologies with a written update",
}


def part_in_meeting(
    answer: str | None, *, chairs: bool, by_name: bool, practice: bool = False
) -> str:
    """What a person's home page says of their part in a meeting: chairing it; else the answer
    on the invitation they answer, theirs by name or their agency's (a GP's practice's); nothing
    for an organiser with no invitation."""
    if chairs:
        return "You are chairing"
    if answer is None:
        return ""
    if answer == "awaiting":
        return "Waiting for your answer"
    if by_name:
        return ANSWERED_BY_NAME.get(answer, label(ANSWERS, answer))
    words = ANSWERED_FOR_AGENCY.get(answer)
    if words is None:
        return label(ANSWERS, answer)
    return words.format(who="Your practice" if practice else "Your agency")
