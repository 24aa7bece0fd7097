"""Answering an invitation to every date of a termly series at once. Each meeting keeps its own
invitation and answer (one calendar UID per meeting): the answer given for all is recorded on
each open invitation through the same checks and audit entry as a single answer
(tas.meetings.invitations.answers: checked_answer, record_answer), all in one commit; a single
date is then changed on its own page. An answer sends nothing, so nothing is sent twice.

Who sees the series page: the school's organisers (every meeting), and whoever a standing
invitation to one of its meetings covers (the meetings they may see, through access.visible)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.core.clock import utcnow
from tas.core.use_cases import Refused, StaleEdit, commit
from tas.extensions import db
from tas.meetings import access
from tas.meetings.invitations import answers
from tas.meetings.invitations import services as invitations
from tas.meetings.models import Invitation, Meeting, MeetingSeries
from tas.organisations.models import User

NOTHING_OPEN = (
    "None of the dates of this series can be answered now: they have started, been held or been "
    "cancelled"
)


@dataclass(frozen=True)
class SeriesDate:
    """One meeting of the series as this person sees it, with the invitation they answer."""

    meeting: Meeting
    invitation: Invitation | None
    open: bool  # the invitation can still be answered

    @property
    def answer_label(self) -> str:
        if self.invitation is None or self.meeting.status == "cancelled":
            return ""
        return answers.answer_label(self.invitation.answer)


def dates_for(series: MeetingSeries, user: User, now: datetime | None = None) -> list[SeriesDate]:
    """The series' meetings this person may see, soonest first, each with the standing
    invitation they answer (theirs by name before their agency's): two queries."""
    now = now or utcnow()
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.series_id == series.id, access.visible(user, now=now))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    mine: dict[int, Invitation] = {}
    if meetings:
        rows = db.session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.agency), joinedload(Invitation.representative))
            .where(
                Invitation.meeting_id.in_([meeting.id for meeting in meetings]),
                Invitation.removed_at.is_(None),
                access.covered(user),
            )
            .order_by(access.own_first(user), Invitation.id)
        )
        for invitation in rows:
            mine.setdefault(invitation.meeting_id, invitation)
    return [
        SeriesDate(
            meeting,
            mine.get(meeting.id),
            meeting.id in mine and invitations.answer_closed(meeting, now) is None,
        )
        for meeting in meetings
    ]


def may_see(series: MeetingSeries, user: User, dates: list[SeriesDate]) -> bool:
    """The school's organisers, and those invited to one of the series' meetings."""
    if access.may_organise_school(user, series.school_id):
        return True
    return any(date.invitation is not None for date in dates)


def open_invitations(dates: list[SeriesDate]) -> list[Invitation]:
    return [date.invitation for date in dates if date.open and date.invitation is not None]


def token(dates: list[SeriesDate]) -> str:
    """The open invitations and their versions as the page showed them ("12.1,15.3"): an answer
    for all is refused when any changed, or another date was invited, meanwhile."""
    return ",".join(f"{i.id}.{i.version}" for i in open_invitations(dates))


def answer_all(
    series: MeetingSeries, user: User, shown: str | None, values: dict
) -> list[Invitation]:
    """Give one answer to every date of the series this person may still answer: each
    invitation's answer is recorded and audited once, in one commit. StaleEdit when the
    invitations changed since the page was shown."""
    dates = dates_for(series, user)
    answering = open_invitations(dates)
    if not answering:
        raise Refused({"answer": NOTHING_OPEN})
    given, update = answers.checked_answer(values)
    if shown != token(dates):
        raise StaleEdit

    def write() -> list[Invitation]:
        for invitation in answering:
            answers.record_answer(invitation, user, given, update, series_id=series.id)
        return answering

    return commit(write)
