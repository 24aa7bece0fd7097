"""A stored code and the words people see for it: every fixed list of the service is made of
these."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """A stored code and the words people see for it."""

    code: str
    label: str


def label(choices: tuple[Choice, ...], code: str | None) -> str:
    """The words for a stored code, or the code itself when it is not known."""
    return next((c.label for c in choices if c.code == code), code or "")


# A list's school filter offers every school it covers up to this many. Past it (a region's
# coordinators cover 1,600 schools) it offers the schools of the cluster chosen: nobody finds
# one school among 1,600 names, and drawing them was a third of those pages' time.
SCHOOLS_AT_ONCE = 100
CLUSTER_FIRST = "Choose a cluster first: its schools are then listed here"


@dataclass(frozen=True)
class SchoolsOffered:
    """The (code, name) schools a filter offers, and the hint that says why when not all."""

    schools: list[tuple[str, str]]
    hint: str = ""


def schools_offered(
    schools: list[tuple[str, str, str]], cluster: str | None, school: str | None
) -> SchoolsOffered:
    """Of the (code, name, cluster code) schools a person covers: all of them when they are
    few; else those of the cluster chosen (or, with none, of the chosen school's cluster, so a
    school chosen before stays chosen)."""
    if len(schools) <= SCHOOLS_AT_ONCE:
        return SchoolsOffered([(code, name) for code, name, _cluster in schools])
    if not cluster:
        cluster = next((within for code, _name, within in schools if code == school), "")
    if not cluster:
        return SchoolsOffered([], CLUSTER_FIRST)
    return SchoolsOffered(
        [(code, name) for code, name, within in schools if within == cluster],
        "The schools of the cluster chosen",
    )
