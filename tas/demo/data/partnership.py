"""The demo partnership's organisations, lawful bases and accounts."""

DEMO_PASSWORD = "tas-demo-passphrase"  # noqa: S105  (published in the README)
# Said on the sign-in page: the demo's accounts sign in without a second factor.
WAIVER = (
    "This is a demonstration with made-up people and published passwords: its accounts sign "
    "in without a second factor. A real service asks everyone for one."
)

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
# The accounts the stories below use, by email.
COORDINATOR = "coordinator@demo.tas.test"
DANA, LEE = "dsl@oakfield.demo.tas.test", "linkworker@demo.tas.test"
FARAH, NIA = "fim@demo.tas.test", "nurse@demo.tas.test"
GP = "gp@demo.tas.test"
