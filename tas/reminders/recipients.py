"""Who gets the reminders of a thing's owner.

The owner, while their account is active and they are not marked away. Otherwise (deactivated,
away, or nobody owns it): their agency's safeguarding leads; for school staff, their school's
DSLs; else the DSLs of the child's school; else the coordinators covering the child's school.
Stand-ins must themselves be active and not away.

`choose` is the pure rule; `load` gathers what it needs for many things in a fixed number of
queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from tas.extensions import db
from tas.organisations.models import School, User, coordinator_clusters

SCHOOL_ROLES = frozenset({"dsl", "school_staff"})


@dataclass(frozen=True)
class Person:
    """What the rule needs to know about an owner."""

    id: int
    role: str
    agency_id: int | None = None
    school_id: int | None = None
    active: bool = True
    away: bool = False

    @property
    def available(self) -> bool:
        return self.active and not self.away


def choose(
    owner: Person | None,
    *,
    agency_leads: Sequence[int] = (),
    own_school_dsls: Sequence[int] = (),
    child_school_dsls: Sequence[int] = (),
    coordinators: Sequence[int] = (),
) -> tuple[int, ...]:
    """The people (ids) who get the owner's reminders. The lists are the available safeguarding
    leads of the owner's agency, DSLs of the owner's school, DSLs of the child's school and
    coordinators covering it; the owner is never their own stand-in."""
    if owner is not None and owner.available:
        return (owner.id,)
    others = owner.id if owner is not None else None
    chain: list[Sequence[int]] = []
    if owner is not None and owner.agency_id is not None:
        chain.append(agency_leads)
    if owner is not None and owner.role in SCHOOL_ROLES and owner.school_id is not None:
        chain.append(own_school_dsls)
    chain += [child_school_dsls, coordinators]
    for people in chain:
        found = tuple(sorted({person for person in people if person != others}))
        if found:
            return found
    return ()


@dataclass
class Directory:
    """Owners and their possible stand-ins, loaded once for a pass."""

    owners: dict[int, Person] = field(default_factory=dict)
    agency_leads: dict[int, list[int]] = field(default_factory=dict)
    school_dsls: dict[int, list[int]] = field(default_factory=dict)
    school_coordinators: dict[int, list[int]] = field(default_factory=dict)

    def recipients(self, owner_id: int | None, school_id: int) -> tuple[int, ...]:
        """Who gets the reminders of a thing owned by `owner_id` about a child at `school_id`."""
        owner = self.owners.get(owner_id) if owner_id is not None else None
        return choose(
            owner,
            agency_leads=self.agency_leads.get(owner.agency_id, []) if owner else [],
            own_school_dsls=self.school_dsls.get(owner.school_id, []) if owner else [],
            child_school_dsls=self.school_dsls.get(school_id, []),
            coordinators=self.school_coordinators.get(school_id, []),
        )


def load(owner_ids: Iterable[int | None], school_ids: Iterable[int]) -> Directory:
    """Everything `Directory.recipients` needs for these owners and children's schools, in at
    most five queries whatever their number."""
    directory = Directory()
    wanted_owners = sorted({owner for owner in owner_ids if owner is not None})
    schools = set(school_ids)
    if wanted_owners:
        for row in db.session.execute(
            select(
                User.id, User.role, User.agency_id, User.school_id, User.active, User.away
            ).where(User.id.in_(wanted_owners))
        ):
            directory.owners[row.id] = Person(*row)
    standing_in = [person for person in directory.owners.values() if not person.available]
    agencies = sorted({p.agency_id for p in standing_in if p.agency_id is not None})
    schools |= {p.school_id for p in standing_in if p.school_id is not None}
    available = (User.active.is_(True), User.away.is_(False))
    if agencies:
        for user_id, agency_id in db.session.execute(
            select(User.id, User.agency_id)
            .where(User.agency_id.in_(agencies), User.is_safeguarding_lead.is_(True), *available)
            .order_by(User.id)
        ):
            directory.agency_leads.setdefault(agency_id, []).append(user_id)
    if not schools:
        return directory
    for user_id, school_id in db.session.execute(
        select(User.id, User.school_id)
        .where(User.school_id.in_(sorted(schools)), User.role == "dsl", *available)
        .order_by(User.id)
    ):
        directory.school_dsls.setdefault(school_id, []).append(user_id)
    covering = coordinators_by_school(schools)
    directory.school_coordinators = {school: covering.get(school, []) for school in schools}
    return directory


def coordinators_by_school(school_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each school, the active coordinators (not away) covering it: district-wide ones and
    those of its cluster (three queries)."""
    schools = sorted(set(school_ids))
    if not schools:
        return {}
    coordinators = db.session.execute(
        select(User.id, User.district_wide).where(
            User.role == "coordinator", User.active.is_(True), User.away.is_(False)
        )
    ).all()
    if not coordinators:
        return {}
    district = [user_id for user_id, wide in coordinators if wide]
    by_cluster: dict[int, list[int]] = {}
    for user_id, cluster_id in db.session.execute(
        select(coordinator_clusters.c.user_id, coordinator_clusters.c.cluster_id).where(
            coordinator_clusters.c.user_id.in_([user_id for user_id, _ in coordinators])
        )
    ):
        by_cluster.setdefault(cluster_id, []).append(user_id)
    clusters: Mapping[int, int] = dict(
        db.session.execute(select(School.id, School.cluster_id).where(School.id.in_(schools))).all()
    )
    return {
        school: sorted({*district, *by_cluster.get(clusters.get(school), [])}) for school in schools
    }
