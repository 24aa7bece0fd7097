"""A district per unit of scale, made in bulk: 6 clusters of 27 schools, about 600 people,
3,000 children (most with the family's agreement), 1,200 open shared plans with their
agencies' involvements and reviews, 650 meetings across the year with invitations and
agendas, a year of reminders (sent, with their emails) and audit rows in proportion
(tas/benchmark/records.py). Caseloads as in life: a link worker has 10 schools, each
practitioner covers one cluster (their safeguarding lead the whole district), and each agency's
busiest practitioner is named on 40 children.

Rows are inserted a table at a time (INSERT ... RETURNING the ids), not through the use cases:
this is data to measure with, made in seconds. Every name is invented, every NHS number is in
the test range, every email address is at example.org."""

from __future__ import annotations

import random
from collections.abc import Callable

from sqlalchemy import text

from tas.auth.factors import services as second_factors
from tas.auth.passwords import hash_password
from tas.benchmark import records
from tas.benchmark.rows import Unit, add, first_name, last_name, link, place
from tas.core.clock import utcnow
from tas.demo.data.partnership import DEMO_PASSWORD, WAIVER
from tas.extensions import db
from tas.organisations.models import (
    Agency,
    Cluster,
    School,
    User,
    coordinator_clusters,
    link_worker_schools,
)

CLUSTERS, SCHOOLS_PER_CLUSTER = 6, 27
AGENCY_TYPES = (
    "future_in_mind",
    "camhs",
    "mhst",
    "zero_to_nineteen",
    "early_help",
    "social_care",
    "educational_psychology",
    "attendance",
    "youth_justice",
    "police",
    "voluntary",
)
GP_PRACTICES = 20
PRACTITIONERS_PER_AGENCY = 20
SCHOOLS_PER_LINK_WORKER = 10


def generate(
    scale: float, seed: int, progress: Callable[[str], None] = lambda step: None
) -> dict[str, int]:
    """Fill an empty database with `scale` districts (a fraction makes one smaller district);
    how many rows of each kind were made. Every account signs in with the demo's password.
    Committed once, at the end."""
    chance = random.Random(seed)
    today = utcnow().date()
    password = hash_password(DEMO_PASSWORD)
    whole = max(1, int(scale))
    fraction = scale / whole if scale < 1 else 1.0
    made: dict[str, int] = {}
    second_factors.waive(WAIVER)  # its people sign in with a published password, as the demo's
    for number in range(1, whole + 1):
        progress(f"District {number} of {whole}: schools and people")
        unit = _places_and_people(number, fraction, password)
        made["schools"] = made.get("schools", 0) + len(unit.schools)
        made["people"] = made.get("people", 0) + len(unit.everyone)
        progress(f"District {number} of {whole}: children, plans, meetings and reminders")
        for kind, count in records.fill(unit, fraction, chance, today).items():
            made[kind] = made.get(kind, 0) + count
    progress("Saving")
    db.session.commit()
    # The planner's statistics, as a database that grew over time has them (autovacuum would
    # gather them later): without them every plan guesses a table of a few rows.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return made


def share(per_district: int, fraction: float) -> int:
    """A district's number at this fraction of a district (never none)."""
    return max(1, round(per_district * fraction))


def _places_and_people(number: int, fraction: float, password: str) -> Unit:
    unit = Unit(number)
    tag = f"D{number}"
    unit.clusters = add(
        Cluster.__table__, [{"name": f"{tag} Cluster {n + 1}"} for n in range(CLUSTERS)]
    )
    per_cluster = share(SCHOOLS_PER_CLUSTER, fraction)
    schools = []
    for c, cluster_id in enumerate(unit.clusters):
        for s in range(per_cluster):
            n = c * per_cluster + s
            schools.append(
                {
                    "name": f"{tag} {place(n)} {('Primary', 'Academy')[n % 2]}",
                    "urn": f"{200000 + (number - 1) * 1000 + n:06d}",
                    "phase": ("primary", "secondary")[n % 2],
                    "cluster_id": cluster_id,
                }
            )
    unit.schools = add(School.__table__, schools)
    agencies = [
        {"name": f"{tag} {kind.replace('_', ' ').title()}", "service_type": kind}
        for kind in AGENCY_TYPES
    ]
    agencies += [
        {"name": f"{tag} {place(n)} Surgery", "service_type": "gp_practice"}
        for n in range(share(GP_PRACTICES, fraction))
    ]
    for n, row in enumerate(agencies):
        row["contact_email"] = f"agency{n}.{tag.lower()}@example.org"
    ids = add(Agency.__table__, agencies)
    unit.agencies = dict(zip(AGENCY_TYPES, ids, strict=False))
    unit.practices = ids[len(AGENCY_TYPES) :]
    _people(unit, tag, fraction, password)
    return unit


def _people(unit: Unit, tag: str, fraction: float, password: str) -> None:
    made: list[dict] = []

    def people(role: str, rows: list[dict]) -> list[int]:
        for n, row in enumerate(rows, start=len(made)):
            row.setdefault("name", f"{first_name(n)} {last_name(n // 3)}")
            row.setdefault("email", f"{role.replace('_', '-')}{n}.{tag.lower()}@example.org")
            row.update(role=role, password_hash=password)
            for key in ("school_id", "agency_id"):
                row.setdefault(key, None)
            row.setdefault("is_safeguarding_lead", False)
            row.setdefault("district_wide", False)
        made.extend(rows)
        ids = add(User.__table__, rows)
        unit.everyone.extend(ids)
        return ids

    people("admin", [{}])
    unit.coordinators = people(
        "coordinator", [{} for _ in unit.clusters] + [{"district_wide": True}]
    )
    link(
        coordinator_clusters,
        [
            {"user_id": user_id, "cluster_id": cluster_id}
            for user_id, cluster_id in zip(unit.coordinators, unit.clusters, strict=False)
        ],
    )
    dsls = people("dsl", [{"school_id": school} for school in unit.schools])
    unit.dsl_of = dict(zip(unit.schools, dsls, strict=True))
    people("school_staff", [{"school_id": school} for school in unit.schools])
    early_help = unit.agencies["early_help"]
    workers = people(
        "link_worker",
        [{"agency_id": early_help} for _ in range(0, len(unit.schools), SCHOOLS_PER_LINK_WORKER)],
    )
    links = []
    for n, school in enumerate(unit.schools):
        unit.link_worker_of[school] = workers[n // SCHOOLS_PER_LINK_WORKER]
        links.append({"user_id": unit.link_worker_of[school], "school_id": school})
    link(link_worker_schools, links)
    areas = []
    for kind, agency in unit.agencies.items():
        unit.practitioners[kind] = people(
            "practitioner",
            [
                {"agency_id": agency, "is_safeguarding_lead": n == 0}
                for n in range(share(PRACTITIONERS_PER_AGENCY, fraction))
            ],
        )
        # Each practitioner but the safeguarding lead covers one cluster: their agency's
        # invitations naming nobody reach them there only (tas.meetings.access.in_area).
        for n, practitioner in enumerate(unit.practitioners[kind][1:]):
            areas.append({"user_id": practitioner, "cluster_id": unit.clusters[n % CLUSTERS]})
    link(coordinator_clusters, areas)
    people("gp", [{"agency_id": practice} for practice in unit.practices])
