"""Clusters, schools, agencies and the people who work in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.core.choices import label
from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.organisations import rules

link_worker_schools = Table(
    "link_worker_school",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
)

coordinator_clusters = Table(
    "coordinator_cluster",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("cluster_id", ForeignKey("cluster.id", ondelete="CASCADE"), primary_key=True),
)


class Cluster(db.Model):
    """A group of schools that coordinators and link workers work with together."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    schools: Mapped[list[School]] = relationship(back_populates="cluster", order_by="School.name")


class School(db.Model):
    """A school that hosts TAS meetings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    urn: Mapped[str] = mapped_column(String(6), unique=True)
    phase: Mapped[str] = mapped_column(String(40))
    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    cluster: Mapped[Cluster] = relationship(back_populates="schools")

    @property
    def phase_label(self) -> str:
        return label(rules.PHASES, self.phase)


class Agency(db.Model):
    """A service that works with children; each GP practice is its own agency."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    service_type: Mapped[str] = mapped_column(String(40))
    contact_email: Mapped[str] = mapped_column(String(254))
    ods_code: Mapped[str | None] = mapped_column(String(10), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    @property
    def service_type_label(self) -> str:
        return label(rules.SERVICE_TYPES, self.service_type)

    @property
    def is_gp_practice(self) -> bool:
        return self.service_type == rules.GP_PRACTICE


class User(db.Model):
    """A person who signs in: school staff, agency staff, coordinators and administrators."""

    __tablename__ = "user_account"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (
        CheckConstraint("school_id IS NULL OR agency_id IS NULL", name="one_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    is_safeguarding_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    district_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Marked away (leave, sickness): reminders go to the agency's safeguarding lead or the
    # school's DSL instead, as they do for a deactivated account.
    away: Mapped[bool] = mapped_column(Boolean, default=False)
    # One daily digest email of reminders instead of one email per reminder.
    reminder_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    school: Mapped[School | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    linked_schools: Mapped[list[School]] = relationship(
        secondary=link_worker_schools, order_by="School.name"
    )
    clusters: Mapped[list[Cluster]] = relationship(
        secondary=coordinator_clusters, order_by="Cluster.name"
    )

    # Flask-Login: the id it keeps in the cookie is the signed-in session's token, not the
    # user's id, so ending the session row ends the sign-in (docs/security.md B6).
    signed_in_session = None
    session_token = None
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return self.signed_in_session is not None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def has_own_work(self) -> bool:
        """Administrators keep the lists, and have no work of their own: no reminders, no
        notifications and no calendar feed."""
        return self.role != "admin"

    @property
    def role_label(self) -> str:
        return label(rules.ROLES, self.role)

    @property
    def organisation_name(self) -> str:
        if self.school:
            return self.school.name
        if self.agency:
            return self.agency.name
        if self.role == "coordinator" and self.district_wide:
            return "Whole district"
        return ""
