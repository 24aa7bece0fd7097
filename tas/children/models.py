"""A child, their family and school history, and who has been given access to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.core.markers import RecordOrigin
from tas.extensions import db
from tas.organisations.models import Agency, School, User


class Child(RecordOrigin, db.Model):
    """A child known to the partnership: only what coordinating support needs, nothing more."""

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    year_group_override: Mapped[int | None] = mapped_column(Integer)
    upn: Mapped[str | None] = mapped_column(String(13), unique=True)
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    gp_practice_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    preferred_language: Mapped[str | None] = mapped_column(String(60))
    early_help_reference: Mapped[str | None] = mapped_column(String(40))
    social_care_reference: Mapped[str | None] = mapped_column(String(40))
    school_system_reference: Mapped[str | None] = mapped_column(String(40))
    known_to: Mapped[str | None] = mapped_column(String(500))
    lives_with: Mapped[str | None] = mapped_column(String(200))
    # The current level of need (tas.reviews.rules); its dated history is StepChange.
    level_of_need: Mapped[str] = mapped_column(String(40), default="universal")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    school: Mapped[School] = relationship(foreign_keys=[school_id])
    gp_practice: Mapped[Agency | None] = relationship(foreign_keys=[gp_practice_id])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SchoolMove(db.Model):
    """A change of school: the old school keeps read-only access until `read_only_until`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    from_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    to_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # when recorded
    moved_on: Mapped[date | None] = mapped_column(Date)  # the day of the move (None: older rows)
    read_only_until: Mapped[datetime] = mapped_column(UTCDateTime)
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    from_school: Mapped[School] = relationship(foreign_keys=[from_school_id])
    to_school: Mapped[School] = relationship(foreign_keys=[to_school_id])


class FileTransfer(db.Model):
    """After a move, the old school's DSL sends the child protection file to the new school
    (KCSIE: within 5 school days, receipt confirmed). Shown to the old school's DSL as an action."""

    id: Mapped[int] = mapped_column(primary_key=True)
    move_id: Mapped[int] = mapped_column(
        ForeignKey("school_move.id", ondelete="CASCADE"), unique=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    receipt_confirmed_on: Mapped[date | None] = mapped_column(Date)
    receipt_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    move: Mapped[SchoolMove] = relationship()


class StaffGrant(db.Model):
    """A DSL lets one member of school staff see one child."""

    __table_args__ = (UniqueConstraint("child_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CoordinatorAccess(db.Model):
    """A coordinator recorded why they need to open a child's record; it lasts a few hours."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FamilyMember(RecordOrigin, db.Model):
    """A parent, carer or other adult in the child's network."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    relationship_to_child: Mapped[str] = mapped_column(String(60))
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[str | None] = mapped_column(String(300))
    lives_with_child: Mapped[bool] = mapped_column(Boolean, default=False)
    # Contacting this person could put someone at risk (for example domestic abuse).
    safe_contact_warning: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class SiblingLink(db.Model):
    """Two children in the product who are siblings; stored once, lower id first."""

    __table_args__ = (
        UniqueConstraint("child_id", "sibling_id"),
        CheckConstraint("child_id < sibling_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    sibling_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)


class LawfulBasis(db.Model):
    """A lawful basis and condition for sharing, from the list the partnership's DPO keeps."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    condition: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Agreement(RecordOrigin, db.Model):
    """The family's agreement to early help and TAS; withdrawal takes effect at once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    agreed_on: Mapped[date] = mapped_column(Date)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    young_person_view: Mapped[str | None] = mapped_column(Text)
    young_person_competent: Mapped[bool | None] = mapped_column(Boolean)
    information_covered: Mapped[str] = mapped_column(Text)
    family_told_what_and_why: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_notice_given: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_note: Mapped[str | None] = mapped_column(Text)
    withdrawn_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # When the withdrawal was recorded (withdrawn_on is the day the family gave, which may be
    # earlier): a sharing decision counts after a withdrawal only if made after this moment.
    withdrawn_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreed_by: Mapped[FamilyMember] = relationship()
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    agencies: Mapped[list[Agency]] = relationship(secondary="agreement_agency")


class AgreementAgency(db.Model):
    """An agency the family agreed may be involved and receive information."""

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)


class SharingDecision(RecordOrigin, db.Model):
    """A decision to share or not to share information, recorded whether or not anything was."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    shared: Mapped[bool] = mapped_column(Boolean)
    shared_with: Mapped[str | None] = mapped_column(String(300))
    # The decision lets the partnership's coordinators open the record for oversight, even
    # after the family withdrew agreement (a decision made since the withdrawal counts).
    coordinators_may_see: Mapped[bool] = mapped_column(Boolean, default=False)
    lawful_basis_id: Mapped[int] = mapped_column(ForeignKey("lawful_basis.id"))
    reasons: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lawful_basis: Mapped[LawfulBasis] = relationship()
    decided_by: Mapped[User] = relationship()
