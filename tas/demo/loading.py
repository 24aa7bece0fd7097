"""Demo data: a small partnership to try the service with. Idempotent; never in production."""

from __future__ import annotations

from sqlalchemy import select

from tas.auth.passwords import hash_password
from tas.children.models import LawfulBasis
from tas.demo import children as demo_children
from tas.demo import meetings as demo_meetings
from tas.demo import reviews as demo_reviews
from tas.extensions import db
from tas.organisations.models import Agency, Cluster, School, User

DEMO_PASSWORD = "tas-demo-passphrase"  # noqa: S105  (published in the README)

CLUSTERS = ("Wakefield North", "Wakefield South")
SCHOOLS = (
    # name, URN, phase, cluster
    ("Oakfield Primary", "900001", "primary", "Wakefield North"),
    ("Castle Academy", "900002", "secondary", "Wakefield North"),
    ("Meadow Lane Primary", "900003", "primary", "Wakefield South"),
    ("Riverside High School", "900004", "secondary", "Wakefield South"),
)
AGENCIES = (
    # name, service type, contact email, ODS code
    ("Future in Mind", "future_in_mind", "fim.referrals@demo.tas.test", None),
    ("CAMHS", "camhs", "camhs.spa@demo.tas.test", None),
    ("0-19 Service", "zero_to_nineteen", "zero19.safeguarding@demo.tas.test", None),
    ("Early Help", "early_help", "earlyhelp.hub@demo.tas.test", None),
    ("Children's Social Care", "social_care", "ifd@demo.tas.test", None),
    ("Westgate Surgery", "gp_practice", "westgate.surgery@demo.tas.test", "B99001"),
    ("Northfield Medical Centre", "gp_practice", "northfield.mc@demo.tas.test", "B99002"),
)
# The partnership DPO's list of lawful bases and conditions for sharing (a coordinator keeps it).
LAWFUL_BASES = (
    (
        "UK GDPR Article 6(1)(e) public task, with Article 9(2)(g) substantial public interest",
        "DPA 2018 Schedule 1 paragraph 18: safeguarding of children and individuals at risk",
    ),
    (
        "UK GDPR Article 6(1)(c) legal obligation",
        "Children Act 1989 and 2004 duties to safeguard and promote welfare",
    ),
    ("UK GDPR Article 6(1)(a) consent", "The family's explicit agreement to share"),
)
# email, name, role, school, agency, extra
ACCOUNTS = (
    ("admin@demo.tas.test", "Alex Admin", "admin", None, None, {}),
    (
        "coordinator@demo.tas.test",
        "Chris Coordinator",
        "coordinator",
        None,
        None,
        {"district_wide": True},
    ),
    ("dsl@oakfield.demo.tas.test", "Dana Shah", "dsl", "Oakfield Primary", None, {}),
    (
        "linkworker@demo.tas.test",
        "Lee Walker",
        "link_worker",
        None,
        "Early Help",
        {"linked": ("Oakfield Primary", "Castle Academy")},
    ),
    ("fim@demo.tas.test", "Farah Iqbal", "practitioner", None, "Future in Mind", {}),
    (
        "nurse@demo.tas.test",
        "Nia Owen",
        "practitioner",
        None,
        "0-19 Service",
        {"is_safeguarding_lead": True},
    ),
    ("gp@demo.tas.test", "Dr Gita Patel", "gp", None, "Westgate Surgery", {}),
)


def load() -> dict[str, int]:
    """Create whatever part of the demo partnership is missing; return how many rows were added."""
    added = {"clusters": 0, "schools": 0, "agencies": 0, "users": 0, "lawful bases": 0}
    known_bases = set(db.session.scalars(select(LawfulBasis.name)))
    for name, condition in LAWFUL_BASES:
        if name not in known_bases:
            db.session.add(LawfulBasis(name=name, condition=condition))
            added["lawful bases"] += 1
    clusters = {c.name: c for c in db.session.scalars(select(Cluster))}
    for name in CLUSTERS:
        if name not in clusters:
            clusters[name] = Cluster(name=name)
            db.session.add(clusters[name])
            added["clusters"] += 1
    schools = {s.name: s for s in db.session.scalars(select(School))}
    for name, urn, phase, cluster in SCHOOLS:
        if name not in schools:
            schools[name] = School(name=name, urn=urn, phase=phase, cluster=clusters[cluster])
            db.session.add(schools[name])
            added["schools"] += 1
    agencies = {a.name: a for a in db.session.scalars(select(Agency))}
    for name, service_type, email, ods in AGENCIES:
        if name not in agencies:
            agencies[name] = Agency(
                name=name, service_type=service_type, contact_email=email, ods_code=ods
            )
            db.session.add(agencies[name])
            added["agencies"] += 1
    existing = set(db.session.scalars(select(User.email)))
    password_hash = hash_password(DEMO_PASSWORD)  # written directly: the form would refuse it
    for email, name, role, school, agency, extra in ACCOUNTS:
        if email in existing:
            continue
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=password_hash,
            school=schools[school] if school else None,
            agency=agencies[agency] if agency else None,
            district_wide=extra.get("district_wide", False),
            is_safeguarding_lead=extra.get("is_safeguarding_lead", False),
            linked_schools=[schools[s] for s in extra.get("linked", ())],
        )
        db.session.add(user)
        added["users"] += 1
    db.session.commit()
    added.update(demo_children.load())
    for kind, count in demo_meetings.load().items():  # meetings add actions to the plans too
        added[kind] = added.get(kind, 0) + count
    added.update(demo_reviews.load())
    return added


def database_is_empty() -> bool:
    """True before anyone (demo or real) has been added."""
    return db.session.scalar(select(User.id).limit(1)) is None
