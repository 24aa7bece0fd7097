"""Pure rules about organisations and people: codes, identifiers and who may belong where."""

import re
from collections.abc import Iterable

from tas.core.choices import Choice, label

URN_PATTERN = re.compile(r"^[1-9]\d{5}$")
ODS_PRACTICE_PATTERN = re.compile(r"^[A-Z]\d{5}$")


PHASES = (
    Choice("nursery", "Nursery"),
    Choice("primary", "Primary"),
    Choice("middle", "Middle"),
    Choice("secondary", "Secondary"),
    Choice("all_through", "All-through"),
    Choice("special", "Special school"),
    Choice("alternative_provision", "Alternative provision"),
    Choice("post_16", "Post-16"),
)

SERVICE_TYPES = (
    Choice("future_in_mind", "Future in Mind"),
    Choice("camhs", "CAMHS"),
    Choice("mhst", "Mental Health Support Team"),
    Choice("zero_to_nineteen", "0-19 Service"),
    Choice("early_help", "Early Help"),
    Choice("gp_practice", "GP practice"),
    Choice("social_care", "Children's Social Care"),
    Choice("educational_psychology", "Educational Psychology"),
    Choice("attendance", "Attendance and Education Welfare"),
    Choice("youth_justice", "Youth Justice"),
    Choice("police", "Police"),
    Choice("voluntary", "Voluntary sector"),
    Choice("other", "Other"),
)
GP_PRACTICE = "gp_practice"

ROLES = (
    Choice("admin", "Administrator"),
    Choice("coordinator", "Coordinator"),
    Choice("dsl", "Designated safeguarding lead"),
    Choice("school_staff", "School staff"),
    Choice("link_worker", "Link worker"),
    Choice("practitioner", "Practitioner"),
    Choice("gp", "GP practice"),
)
SCHOOL_ROLES = {"dsl", "school_staff"}
AGENCY_ROLES = {"link_worker", "practitioner", "gp"}


def normalise_urn(text: str) -> str:
    """A URN as typed, without spaces."""
    return "".join(text.split())


def valid_urn(urn: str) -> bool:
    """A school's unique reference number: six digits."""
    return bool(URN_PATTERN.match(urn))


def normalise_ods_code(text: str) -> str:
    """An ODS code as typed, upper case and without spaces."""
    return "".join(text.split()).upper()


def valid_ods_practice_code(code: str) -> bool:
    """A GP practice's ODS code: one letter then five digits, for example B82005."""
    return bool(ODS_PRACTICE_PATTERN.match(code))


def normalise_email(text: str) -> str:
    """Email addresses are compared and stored in lower case."""
    return text.strip().lower()


def membership_problems(
    role: str,
    *,
    has_school: bool,
    has_agency: bool,
    agency_is_gp: bool,
    linked_schools: int,
    district_wide: bool,
    clusters: int,
) -> dict[str, str]:
    """What is wrong with where a user belongs, for their role, as field -> message."""
    problems: dict[str, str] = {}
    if has_school and has_agency:
        problems["agency"] = "A person belongs to a school or to an agency, not both"
    if role in SCHOOL_ROLES and not has_school:
        problems["school"] = "Select the school this person works at"
    if role in AGENCY_ROLES and not has_agency:
        problems["agency"] = "Select the agency this person works for"
    if role == "gp" and has_agency and not agency_is_gp:
        problems["agency"] = "A GP practice account must belong to a GP practice"
    if role == "link_worker" and linked_schools == 0:
        problems["linked_schools"] = "Select at least one school this link worker is linked to"
    if role == "coordinator" and not district_wide and clusters == 0:
        problems["clusters"] = "Select the clusters this coordinator covers, or the whole district"
    if role == "admin" and (has_school or has_agency):
        problems["role"] = "An administrator does not belong to a school or agency"
    return problems


# What each role may belong to; everything else is cleared when a user is saved.
ROLE_MEMBERSHIPS: dict[str, frozenset[str]] = {
    "admin": frozenset(),
    "coordinator": frozenset({"agency", "district_wide", "clusters"}),
    "dsl": frozenset({"school"}),
    "school_staff": frozenset({"school"}),
    "link_worker": frozenset({"agency", "linked_schools"}),
    "practitioner": frozenset({"agency", "is_safeguarding_lead", "clusters"}),
    "gp": frozenset({"agency"}),
}


# Every question about where a person works that only some roles are asked.
ROLE_MEMBERSHIPS_ASKED = frozenset().union(*ROLE_MEMBERSHIPS.values())


def memberships_for(role: str) -> frozenset[str]:
    """Which of school, agency, linked schools, district, clusters and safeguarding lead apply."""
    return ROLE_MEMBERSHIPS.get(role, frozenset())


# ---------------------------------------------------------------- telling people about accounts

# What decides who holds an account and which children's records it reaches. Creating an
# account, or changing any of these, is told to the people who answer for where it works
# (issue 11, section 7), so nobody can quietly give themselves access to children.
WATCHED = (
    "role",
    "email",
    "school_id",
    "agency_id",
    "linked_schools",
    "district_wide",
    "clusters",
    "is_safeguarding_lead",
)
WATCHED_LABELS = {
    "role": "Role",
    "email": "Email address",
    "school_id": "School",
    "agency_id": "Agency",
    "linked_schools": "Linked schools",
    "district_wide": "Covers the whole district",
    "clusters": "Clusters",
    "is_safeguarding_lead": "Agency safeguarding lead",
}
# Roles that belong to no school and whose account says more than an agency's name would.
PARTNERSHIP_ROLES = frozenset({"admin", "coordinator"})


def watched_changes(changed: Iterable[str]) -> list[str]:
    """The watched fields among those changed, in the order the notice lists them."""
    changed = set(changed)
    return [field for field in WATCHED if field in changed]


def _with_article(words: str) -> str:
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def notice_subject(
    *, added: bool, changed: Iterable[str], role: str, organisation: str | None
) -> str:
    """What happened, plainly, naming where the account works and no person:
    "A new account was created at Oakfield Primary", "Role changed for a coordinator account"."""
    role_words = label(ROLES, role).lower()
    where = None if role in PARTNERSHIP_ROLES else organisation
    if added:
        if where:
            return f"A new account was created at {where}"
        return f"A new {role_words} account was created"
    account = f"an account at {where}" if where else _with_article(f"{role_words} account")
    changed = set(changed)
    parts = [
        words for field, words in (("role", "Role"), ("email", "email address")) if field in changed
    ]
    what = " and ".join(parts) if parts else "Access"
    return f"{what[:1].upper()}{what[1:]} changed for {account}"


def shown_value(value: object) -> str:
    """A watched value in words: Yes or No, names joined, "None" for nothing."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "None"
    if value is None or value == "":
        return "None"
    return str(value)
