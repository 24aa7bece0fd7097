"""Small factories: the least a test needs, with sensible defaults it can override."""

from __future__ import annotations

import itertools

from tas.auth.passwords import hash_password
from tas.extensions import db
from tas.organisations.models import Agency, Cluster, School, User

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def cluster(**fields) -> Cluster:
    n = next(_numbers)
    row = Cluster(**{"name": f"Cluster {n}", **fields})
    db.session.add(row)
    return row


def school(**fields) -> School:
    n = next(_numbers)
    defaults = {"name": f"School {n}", "urn": f"{100000 + n}", "phase": "primary"}
    if "cluster" not in fields and "cluster_id" not in fields:
        defaults["cluster"] = cluster()
    row = School(**{**defaults, **fields})
    db.session.add(row)
    return row


def agency(**fields) -> Agency:
    n = next(_numbers)
    defaults = {
        "name": f"Agency {n}",
        "service_type": "future_in_mind",
        "contact_email": f"agency{n}@agency.example.org",
    }
    row = Agency(**{**defaults, **fields})
    db.session.add(row)
    return row


def user(role: str = "dsl", password: str | None = PASSWORD, **fields) -> User:
    """A user of the role, belonging where that role must belong."""
    n = next(_numbers)
    defaults: dict = {"name": f"Person {n}", "email": f"person{n}@example.org", "role": role}
    if role in ("dsl", "school_staff") and "school" not in fields:
        defaults["school"] = school()
    if role in ("practitioner", "link_worker") and "agency" not in fields:
        defaults["agency"] = agency(
            service_type="early_help" if role == "link_worker" else "future_in_mind"
        )
    if role == "gp" and "agency" not in fields:
        defaults["agency"] = agency(service_type="gp_practice", ods_code=f"B{10000 + n}")
    if role == "link_worker" and "linked_schools" not in fields:
        defaults["linked_schools"] = [school()]
    if role == "coordinator" and "clusters" not in fields:
        defaults["district_wide"] = True
    row = User(**{**defaults, **fields})
    if password:
        row.password_hash = hash_password(password)
    db.session.add(row)
    return row
