"""An invitation's answer: attending, apologies, or apologies with a written update, given by
the agency or person invited until the meeting starts. The audit log keeps the answer, never the
update's text."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.core.choices import label
from tas.core.clock import utcnow
from tas.core.use_cases import Refused, check_version, commit, refuse_if
from tas.extensions import db
from tas.meetings import rules
from tas.meetings.invitations.services import answer_closed, is_mine, own_first, standing
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import User

ANSWERABLE = ("attending", "apologies", "apologies_with_update")


# A form sent without the version it was opened with (never one the page makes) is not a
# colleague's change: it is said plainly, and the form comes back ready to send again.
INCOMPLETE = "Your answer was not sent because the page was incomplete. Check it and send it again"


def my_invitation(meeting: Meeting, user: User) -> Invitation | None:
    """The standing invitation this person answers: one naming them, else their agency's (the
    one the meeting page shows them: `own_first`)."""
    mine = own_first(
        [
            invitation
            for invitation in db.session.scalars(
                select(Invitation)
                .options(joinedload(Invitation.agency), joinedload(Invitation.representative))
                .where(*standing(meeting.id))
            )
            if is_mine(invitation, user, meeting)
        ],
        user,
    )
    return mine[0] if mine else None


def answer(invitation: Invitation, user: User, version: int | None, values: dict) -> list[str]:
    """Record the answer (attending, apologies, or apologies with a written update) until the
    meeting starts. The audit log keeps the answer, never the update's text. What changed:
    nothing (and nothing is written) when it is the answer given already. Once the meeting has
    started that is what is said, whatever the form sent."""
    closed = answer_closed(invitation.meeting, utcnow())
    refuse_if({"answer": closed} if closed else {})
    refuse_if({"answer": INCOMPLETE} if version is None else {})
    check_version(invitation, version)
    given, update = checked_answer(values)
    kept = update if given == "apologies_with_update" else None
    if invitation.answer == given and invitation.written_update == kept:
        return []
    commit(lambda: record_answer(invitation, user, given, update))
    return ["answer"]


def checked_answer(values: dict) -> tuple[str, str | None]:
    """The answer and written update given, or Refused saying what is missing."""
    given = values.get("answer")
    update = (values.get("written_update") or "").strip() or None
    if given not in ANSWERABLE:
        raise Refused({"answer": "Select your answer"})
    if given == "apologies_with_update" and update is None:
        raise Refused({"written_update": "Enter your written update for the meeting"})
    return given, update


def record_answer(
    invitation: Invitation, user: User, given: str, update: str | None, **detail
) -> None:
    """Keep one invitation's answer and audit it (no commit: the caller commits once)."""
    invitation.answer = given
    invitation.written_update = update if given == "apologies_with_update" else None
    invitation.answered_at = utcnow()
    invitation.answered_by_id = user.id
    db.session.flush()  # a competing save shows here, as StaleDataError
    record(
        "invitation_answered",
        target=invitation,
        detail={
            "meeting_id": invitation.meeting_id,
            "answer": given,
            "fields": ["answer", "written_update"],
            **detail,
        },
    )


def answer_label(code: str) -> str:
    return label(rules.ANSWERS, code)
