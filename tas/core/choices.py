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


CLUSTER_CHOSEN = "The schools of the cluster chosen"
LARGEST_ID = 2**31 - 1  # the largest id a database integer column holds


@dataclass(frozen=True)
class SchoolsOffered:
    """The (code, name) schools a filter offers, and the hint that says why when not all."""

    schools: list[tuple[str, str]]
    hint: str = ""


@dataclass(frozen=True)
class SchoolsListed:
    """Which of the schools a person covers their school filter lists: all of them, those of
    the cluster chosen, those of the chosen school's cluster (so a school chosen before stays
    chosen), or none until a cluster is chosen."""

    everything: bool
    cluster_id: int | None = None
    cluster_of_school_id: int | None = None
    hint: str = ""


def schools_listed(
    covered: int, clusters: int, cluster: str | None, school: str | None
) -> SchoolsListed:
    """Of the `covered` schools, in `clusters` clusters, those the filter lists: all of them
    when they are few (or all in one cluster, with no cluster to choose); else those of the
    cluster chosen (or, with none, of the chosen school's cluster)."""
    if covered <= SCHOOLS_AT_ONCE or clusters <= 1:
        return SchoolsListed(everything=True)
    if (cluster_id := record_id(cluster)) is not None:
        return SchoolsListed(everything=False, cluster_id=cluster_id, hint=CLUSTER_CHOSEN)
    if (school_id := record_id(school)) is not None:
        return SchoolsListed(everything=False, cluster_of_school_id=school_id, hint=CLUSTER_CHOSEN)
    return SchoolsListed(everything=False, hint=CLUSTER_FIRST)


def record_id(value) -> int | None:
    """An id chosen in a form or a query string, or None when nothing usable was sent (never a
    database error for text, or for numbers past the integer range)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None
