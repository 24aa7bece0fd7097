"""What a person's home page flags from meetings: invitations waiting for their answer, minutes
overdue at meetings they chair or organised, requests waiting for their triage, and decisions in
minutes still to be recorded (tas.levels.decisions.services). At most four queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from tas.core.clock import utcnow
from tas.extensions import db
from tas.levels.decisions import services as open_decisions
from tas.levels.decisions.services import OpenDecision
from tas.meetings.access import MeetingAccess, organising_schools, visible
from tas.meetings.day import services as day
from tas.meetings.lists.upcoming import AwaitingAnswer, awaiting_answer
from tas.meetings.models import Meeting, TasRequest
from tas.organisations.models import User


@dataclass(frozen=True)
class Attention:
    minutes_overdue: int = 0
    to_triage: int = 0
    open_decisions: list[OpenDecision] = field(default_factory=list)
    awaiting: AwaitingAnswer = field(default_factory=AwaitingAnswer)

    @property
    def anything(self) -> bool:
        return bool(
            self.minutes_overdue or self.to_triage or self.open_decisions or self.awaiting.total
        )


def for_home(user: User) -> Attention:
    if not user.active:
        return Attention()
    now = utcnow()
    awaiting = awaiting_answer(user, now)
    if user.role not in ("dsl", "link_worker", "practitioner"):
        return Attention(awaiting=awaiting)
    overdue = db.session.scalar(
        select(func.count(Meeting.id)).where(
            or_(Meeting.chair_id == user.id, Meeting.organiser_id == user.id),
            visible(user, MeetingAccess.ORGANISE),
            day.minutes_overdue(now),
        )
    )
    to_triage = 0
    schools = organising_schools(user)
    if user.role == "link_worker" and schools is not None:
        to_triage = db.session.scalar(
            select(func.count(TasRequest.id)).where(
                TasRequest.status == "awaiting_triage", TasRequest.school_id.in_(schools)
            )
        )
    return Attention(
        minutes_overdue=overdue or 0,
        to_triage=to_triage or 0,
        open_decisions=open_decisions.for_home(user),
        awaiting=awaiting,
    )
