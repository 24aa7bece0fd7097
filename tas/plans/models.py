"""One shared plan per child, and every agency's work hanging off it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from tas.children.models import Child, FamilyMember
from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.core.markers import RecordOrigin
from tas.extensions import db
from tas.organisations.models import Agency, User
from tas.plans.rules import plan_reference


def _on_plan():
    """The column linking a record to its shared plan (deleted with it)."""
    return mapped_column(ForeignKey("shared_plan.id", ondelete="CASCADE"), index=True)


class SharedPlan(RecordOrigin, db.Model):
    """The Team Around the Child/Family plan: one open at a time, older ones kept read-only."""

    __table_args__ = (
        # At most one plan per child that is not closed.
        Index(
            "uq_shared_plan_one_open_per_child",
            "child_id",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="open")
    lead_practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True
    )
    level_of_need: Mapped[str] = mapped_column(String(40), default="early_help")
    started_on: Mapped[date] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    # The review date's calendar revision (SEQUENCE, LAST-MODIFIED in feeds): see revise_on_change.
    review_sequence: Mapped[int] = mapped_column(Integer, default=0)
    review_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(Text)
    # The level of need the child returned to when the plan closed (also a step change).
    returned_to_level: Mapped[str | None] = mapped_column(String(40))
    # While Children's Social Care holds the plan, the social worker leads: their name and team
    # (they need not have an account here) are shown as the lead contact.
    social_worker_name: Mapped[str | None] = mapped_column(String(200))
    social_worker_team: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    child: Mapped[Child] = relationship()
    lead_practitioner: Mapped[User | None] = relationship()

    @property
    def reference(self) -> str:
        """The plan reference used wherever a child's name must not appear: TAS-0042."""
        return plan_reference(self.id)


class Outcome(RecordOrigin, db.Model):
    """What the plan wants to change, scored 0-10 at each review."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="CASCADE"), index=True
    )
    statement: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    scores: Mapped[list[OutcomeScore]] = relationship(order_by="OutcomeScore.scored_on")


class OutcomeScore(db.Model):
    """A 0-10 scaling score for an outcome on a date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcome.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(Integer)
    scored_on: Mapped[date] = mapped_column(Date)
    # What has changed since the last score, in the words of the review (impact over time).
    what_changed: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class OutcomeProgress(db.Model):
    """When an outcome counts as improved (tas.plans.outcomes.rules.drift): while one of its
    scores is the baseline (the last score on or before the day asked about, else its first)
    and a later score is higher. One row for each such score: the days it is the baseline,
    from its own day (None for the first score, the baseline of every day before it) until
    the next score's. Kept by tas.plans.outcomes.periods whenever scores are written, so that
    the drift flags ask one indexed question of a region's plans rather than reading their
    scores."""

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcome.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="CASCADE"), index=True
    )
    from_on: Mapped[date | None] = mapped_column(Date)
    until_on: Mapped[date] = mapped_column(Date, index=True)


class AgencyInvolvement(RecordOrigin, db.Model):
    """One agency's work with the child, always linked to the shared plan."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    service: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    child_engagement: Mapped[str | None] = mapped_column(String(20))
    parent_engagement: Mapped[str | None] = mapped_column(String(20))
    last_contact_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[SharedPlan] = relationship()
    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id])
    practitioner: Mapped[User | None] = relationship()


class EngagementUpdate(db.Model):
    """The child's and the parent's or carer's engagement on a date (dated history)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    involvement_id: Mapped[int] = mapped_column(
        ForeignKey("agency_involvement.id", ondelete="CASCADE"), index=True
    )
    recorded_on: Mapped[date] = mapped_column(Date)
    child_engagement: Mapped[str] = mapped_column(String(20))
    parent_engagement: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class EngagementDecision(db.Model):
    """A decision about an involvement whose engagement stayed limited or none: continue with
    a joint approach (and what it is), escalate, or close (with reasons). It answers the low
    engagement flag for the engagement recorded up to it (`after_update_id`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    involvement_id: Mapped[int] = mapped_column(
        ForeignKey("agency_involvement.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(20))  # continue_joint, escalate, close
    detail: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    # The newest engagement update when the decision was made: later updates are new.
    after_update_id: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User] = relationship()


class DriftDecision(db.Model):
    """A decision about a plan that drifted (a year with no change of level and no better
    score): try a different approach (and what it is), escalate, or continue (and why). It
    answers the drift flag for the next twelve months."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = _on_plan()
    decision: Mapped[str] = mapped_column(String(20))  # different_approach, escalate, continue
    detail: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User] = relationship()


class Action(RecordOrigin, db.Model):
    """Who does what by when: an agency, a person, or the parent/carer or child themselves."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_kind: Mapped[str] = mapped_column(String(20))  # agency, person, family_member, child
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    owner_family_member_id: Mapped[int | None] = mapped_column(ForeignKey("family_member.id"))
    involvement_id: Mapped[int | None] = mapped_column(ForeignKey("agency_involvement.id"))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The due date's calendar revision (SEQUENCE, LAST-MODIFIED in feeds): see revise_on_change.
    due_sequence: Mapped[int] = mapped_column(Integer, default=0)
    due_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    completion_note: Mapped[str | None] = mapped_column(Text)
    # The meeting whose minutes agreed this action, if it was agreed at a meeting.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    owner_agency: Mapped[Agency | None] = relationship(foreign_keys=[owner_agency_id])
    owner_user: Mapped[User | None] = relationship()
    owner_family_member: Mapped[FamilyMember | None] = relationship()


class ActionEvent(db.Model):
    """One change to an action: its full history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changes: Mapped[dict] = mapped_column(JSON)


class GpNotification(db.Model):
    """Telling the child's GP practice that agencies are involved, sent or recorded by hand."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="CASCADE"), index=True
    )
    gp_practice_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="initial")  # initial, step_up, ...
    due_on: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    method: Mapped[str | None] = mapped_column(String(40))  # secure email, phone, letter...
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The email sent from the app, until it is deleted past OUTBOX_SENT_DAYS (sent_at stays).
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    health_services_reply: Mapped[str | None] = mapped_column(Text)
    # Two people at the practice may answer at once: the reply form carries the version it
    # was opened with, so neither answer silently replaces the other (docs/security.md I35).
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


def revise_on_change(day, sequence: str, changed_at: str) -> None:
    """Whenever a due date is set to another day, however it is set, its calendar entry is a
    new revision: SEQUENCE one higher and the time of the change, so subscribed calendars take
    the new date (RFC 5545 3.8.7.4, 3.8.7.3)."""

    def revised(target, value, old, _initiator):
        if value == old:
            return
        if old not in (NO_VALUE, NEVER_SET):
            setattr(target, sequence, (getattr(target, sequence) or 0) + 1)
        setattr(target, changed_at, utcnow())

    event.listen(day, "set", revised, active_history=True)


revise_on_change(SharedPlan.next_review_on, "review_sequence", "review_changed_at")
revise_on_change(Action.due_on, "due_sequence", "due_changed_at")
