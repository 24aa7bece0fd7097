"""Loads the demo partnership (tas.demo.data.partnership) through the admin use cases: the lawful
bases, clusters, schools and agencies that are missing.

Written directly: the accounts. Adding a user (tas.organisations.users.services.add_user) emails
them a single-use link to choose their own password, and tells the people who answer for where they
work; the demo's accounts share the published demo password instead, and email nobody."""

from __future__ import annotations

from sqlalchemy import select

from tas.auth.factors import services as second_factors
from tas.auth.passwords import hash_password
from tas.children.models import LawfulBasis
from tas.children.sharing import services as sharing
from tas.demo.copies import THE_DEMO, Copy
from tas.demo.counting import counted
from tas.demo.data.partnership import (
    ACCOUNTS,
    AGENCIES,
    CLUSTERS,
    DEMO_PASSWORD,
    LAWFUL_BASES,
    SCHOOLS,
    WAIVER,
)
from tas.extensions import db
from tas.organisations import services as organisations
from tas.organisations.models import Agency, Cluster, School, User

KINDS = {
    "clusters": Cluster,
    "schools": School,
    "agencies": Agency,
    "users": User,
    "lawful bases": LawfulBasis,
}


def load(copy: Copy = THE_DEMO) -> dict[str, int]:
    """Add whatever part of the partnership (this copy of it) is missing; return the counts."""
    return counted(KINDS, lambda: _load(copy))


def by_name(model: type) -> dict:
    return {row.name: row for row in db.session.scalars(select(model).order_by(model.id))}


def _load(copy: Copy) -> None:
    if second_factors.waive(WAIVER):
        db.session.commit()
    bases = {name.lower() for name in db.session.scalars(select(LawfulBasis.name))}
    for name, condition in LAWFUL_BASES:
        if copy.name(name).lower() not in bases:
            sharing.add_lawful_basis({"name": copy.name(name), "condition": condition})
    clusters = by_name(Cluster)
    for name in map(copy.name, CLUSTERS):
        if name not in clusters:
            clusters[name] = organisations.add_cluster({"name": name})
    schools = by_name(School)
    for name, urn, phase, cluster in SCHOOLS:
        if copy.name(name) not in schools:
            schools[copy.name(name)] = organisations.add_school(
                {
                    "name": copy.name(name),
                    "urn": copy.code(urn),
                    "phase": phase,
                    "cluster_id": clusters[copy.name(cluster)].id,
                }
            )
    agencies = by_name(Agency)
    for name, service_type, email, ods in AGENCIES:
        if copy.name(name) not in agencies:
            agencies[copy.name(name)] = organisations.add_agency(
                {
                    "name": copy.name(name),
                    "service_type": service_type,
                    "contact_email": copy.email(email),
                    "ods_code": copy.code(ods),
                }
            )
    _accounts(copy, schools, agencies)


def _accounts(copy: Copy, schools: dict[str, School], agencies: dict[str, Agency]) -> None:
    existing = set(db.session.scalars(select(User.email)))
    missing = [row for row in ACCOUNTS if copy.email(row[0]) not in existing]
    if not missing:
        return
    password_hash = hash_password(DEMO_PASSWORD)  # the account form would refuse a shared one
    for email, name, role, school, agency, extra in missing:
        db.session.add(
            User(
                email=copy.email(email),
                name=copy.name(name),
                role=role,
                password_hash=password_hash,
                school=schools[copy.name(school)] if school else None,
                agency=agencies[copy.name(agency)] if agency else None,
                district_wide=extra.get("district_wide", False),
                is_safeguarding_lead=extra.get("is_safeguarding_lead", False),
                linked_schools=[schools[copy.name(s)] for s in extra.get("linked", ())],
            )
        )
    db.session.commit()
