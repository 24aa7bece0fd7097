"""Pure rules about organisations and people: codes, identifiers and who may belong where."""

import re
from dataclasses import dataclass

URN_PATTERN = re.compile(r"^[1-9]\d{5}$")
ODS_PRACTICE_PATTERN = re.compile(r"^[A-Z]\d{5}$")


@dataclass(frozen=True)
class Choice:
    """A stored code and the words people see for it."""

    code: str
    label: str


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


def label(choices: tuple[Choice, ...], code: str | None) -> str:
    """The words for a stored code, or the code itself when it is not known."""
    return next((c.label for c in choices if c.code == code), code or "")


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
    "practitioner": frozenset({"agency", "is_safeguarding_lead"}),
    "gp": frozenset({"agency"}),
}


def memberships_for(role: str) -> frozenset[str]:
    """Which of school, agency, linked schools, district, clusters and safeguarding lead apply."""
    return ROLE_MEMBERSHIPS.get(role, frozenset())
