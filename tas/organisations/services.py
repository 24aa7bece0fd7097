"""Admin use cases: check the change, make it, write the audit entry and commit once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tas.audit.services import record
from tas.core.choices import CLUSTER_FIRST, SchoolsListed, schools_listed
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db
from tas.organisations import rules
from tas.organisations.models import Agency, Cluster, School, User

Row = TypeVar("Row", Cluster, School, Agency, User)


# Values that must be unique, and what to say when one is already taken.
UNIQUE: dict[type, dict[str, str]] = {
    Cluster: {"name": "A cluster called {} already exists"},
    School: {
        "name": "A school called {} already exists. If this is another school, add where it "
        "is to its name, like St Mary's Primary, Alton",
        "urn": "A school with URN {} already exists",
    },
    Agency: {
        "name": "An agency called {} already exists",
        "ods_code": "An agency with ODS code {} already exists",
    },
    User: {"email": "A user with the email address {} already exists"},
}
# Names differing only in capitals would confuse people choosing from a list.
CASE_INSENSITIVE = frozenset({"name"})


def taken(model: type, values: dict, *, exclude_id: int | None = None) -> dict[str, str]:
    """Which unique values already belong to another record, as field -> message."""
    problems = {}
    for attribute, message in UNIQUE[model].items():
        value = values.get(attribute)
        if not value:
            continue
        column = getattr(model, attribute)
        if attribute in CASE_INSENSITIVE:
            same = func.lower(column) == value.lower()
        else:
            same = column == value
        query = select(model.id).where(same)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if db.session.scalar(query.limit(1)) is not None:
            problems[attribute] = message.format(value)
    return problems


def taken_by_another(row: Row, values: dict) -> dict[str, str]:
    """`taken` for the values a change would change: a name the record has always had is its
    own, even where another record came to share it before names had to differ."""
    changing = {
        name: value
        for name, value in values.items()
        if name not in UNIQUE[type(row)] or value != getattr(row, name)
    }
    return taken(type(row), changing, exclude_id=row.id)


def add(
    model: type[Row],
    values: dict,
    action: str,
    *,
    problems: dict[str, str] | None = None,
    then: Callable[[Row], dict | None] | None = None,
) -> Row:
    """Add a record, audited; refused when a unique value is taken or `problems` were found.
    `then` runs in the same transaction (emails queued there go only if it commits) and may
    return more for the audit entry."""
    problems = {**(problems or {}), **taken(model, values)}
    if problems:
        raise Refused(problems)
    row = model(**values)
    db.session.add(row)

    def write() -> None:
        db.session.flush()  # the audit entry needs the new id
        more = then(row) if then else None
        detail = {k: _plain(v) for k, v in values.items()}
        record(action, target=row, detail={**detail, **(more or {})})

    _commit(write, model, values, exclude_id=None)
    return row


def change(
    row: Row,
    version: int | None,
    values: dict,
    action: str,
    *,
    problems: dict[str, str] | None = None,
    then: Callable[[Row, dict[str, list]], dict | None] | None = None,
) -> dict[str, list]:
    """Save changed values, audited, unless someone else saved the record since `version`.
    `then` gets the saved record and the changes ({attribute: [old, new]}) in the same
    transaction, and may return more for the audit entry."""
    if version != row.version:
        raise StaleEdit
    problems = {**(problems or {}), **taken_by_another(row, values)}
    if problems:
        raise Refused(problems)
    # Read every old value (loading related records) before changing any, so that no lazy load
    # flushes half a change outside the commit below.
    saved = {attribute: _plain(getattr(row, attribute)) for attribute in values}
    changes = {
        attribute: [saved[attribute], _plain(new)]
        for attribute, new in values.items()
        if saved[attribute] != _plain(new)
    }
    if not changes:
        return changes

    def write() -> None:
        for attribute in changes:
            setattr(row, attribute, values[attribute])
        db.session.flush()  # a competing save shows here, as StaleDataError
        more = then(row, changes) if then else None
        record(action, target=row, detail={**changes, **(more or {})})

    _commit(write, type(row), values, exclude_id=row.id)
    return changes


def _plain(value: Any) -> Any:
    """A value as the audit log keeps it: related records by id."""
    if isinstance(value, list):
        return sorted(item.id for item in value)
    return value


def _commit(write: Callable[[], None], model: type, values: dict, exclude_id: int | None) -> None:
    """Write and commit once, turning a lost race into the same answer as a caught one."""
    try:
        write()
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error
    except IntegrityError as error:  # another request took a unique value after our check
        db.session.rollback()
        problems = taken(model, values, exclude_id=exclude_id)
        if not problems:
            attribute, message = next(iter(UNIQUE[model].items()))
            problems = {attribute: message.format(values.get(attribute))}
        raise Refused(problems) from error


def add_cluster(values: dict) -> Cluster:
    return add(Cluster, values, "cluster_added")


def change_cluster(cluster: Cluster, version: int | None, values: dict) -> dict:
    return change(cluster, version, values, "cluster_changed")


def add_school(values: dict) -> School:
    return add(School, values, "school_added")


def change_school(school: School, version: int | None, values: dict) -> dict:
    return change(school, version, values, "school_changed")


def add_agency(values: dict) -> Agency:
    return add(Agency, values, "agency_added")


def change_agency(agency: Agency, version: int | None, values: dict) -> dict:
    return change(
        agency, version, values, "agency_changed", problems=agency_problems(agency, values)
    )


def change_problems(row: Row, values: dict) -> dict[str, str]:
    """What the change of a cluster, school or agency would be refused for, beside the form's
    own errors: a unique value already taken, or (an agency) a change of kind it cannot make."""
    problems = taken_by_another(row, values)
    if isinstance(row, Agency):
        problems = {**agency_problems(row, values), **problems}
    return problems


def agency_problems(agency: Agency, values: dict) -> dict[str, str]:
    """A GP practice already in records (children registered with it, its people, GP
    notifications) stays one, and an agency in records does not become one: GP practices see
    and do other things than agencies (docs/design.md, Roles), and a practice that stopped
    being one would vanish from its children's records without anyone being told."""
    new_type = values.get("service_type")
    was_gp, is_gp = agency.is_gp_practice, new_type == rules.GP_PRACTICE
    if new_type is None or was_gp == is_gp or not in_records(agency):
        return {}
    if was_gp:
        return {
            "service_type": f"{agency.name} is already in records as a GP practice, so it "
            "stays one. Add the other service as a new agency"
        }
    return {
        "service_type": f"{agency.name} is already in records as another service, so it "
        "cannot become a GP practice. Add the practice as a new agency"
    }


def in_records(agency: Agency) -> bool:
    """Whether any record refers to the agency (one query per table that can)."""
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name != Agency.__tablename__ or key.parent.table is not table:
                continue
            used = select(key.parent).where(key.parent == agency.id).limit(1)
            if db.session.execute(used).first() is not None:
                return True
    return False


def agencies() -> list[Agency]:
    """Every agency, by name (the choices wherever an agency is picked)."""
    return list(db.session.scalars(select(Agency).order_by(Agency.name)))


def schools() -> list[School]:
    """Every school, by name, with its cluster."""
    return list(
        db.session.scalars(
            select(School).options(selectinload(School.cluster)).order_by(School.name)
        )
    )


def clusters() -> list[Cluster]:
    """Every cluster, by name, with its schools."""
    return list(
        db.session.scalars(
            select(Cluster).options(selectinload(Cluster.schools)).order_by(Cluster.name)
        )
    )


@dataclass(frozen=True)
class SchoolFilter:
    """What a list's school and cluster filters offer: the clusters of the schools a person
    covers and the schools listed, each as (id, name) by name, and the hint that says why the
    schools are not all listed."""

    clusters: list[tuple[str, str]]
    schools: list[tuple[str, str]]
    hint: str = ""


def school_filter(
    covered: ColumnElement[bool],
    cluster: str | None = None,
    school: str | None = None,
    *,
    clusters: bool = True,
    narrowed: bool = False,
) -> SchoolFilter:
    """The schools under `covered` (one query) or, for a filter with `clusters`, the clusters
    of those schools with how many each has, then the schools the filter lists: every one;
    or when `narrowed` and they are many, only a cluster's (tas.core.choices.schools_listed):
    a region's 1,600 schools are never read to list none of them."""
    if not clusters:
        return SchoolFilter([], _schools(covered))
    counted = db.session.execute(
        select(Cluster.id, Cluster.name, func.count(School.id))
        .join(School, School.cluster_id == Cluster.id)
        .where(covered)
        .group_by(Cluster.id, Cluster.name)
        .order_by(Cluster.name, Cluster.id)
    ).all()
    covering = sum(count for _id, _name, count in counted)
    listed = SchoolsListed(everything=True)
    if narrowed:
        listed = schools_listed(covering, len(counted), cluster, school)
    if listed.everything:
        condition = covered
    elif listed.cluster_id is not None:
        condition = and_(covered, School.cluster_id == listed.cluster_id)
    elif listed.cluster_of_school_id is not None:
        chosen_school_cluster = (
            select(School.cluster_id)
            .where(School.id == listed.cluster_of_school_id, covered)
            .correlate(None)
            .scalar_subquery()
        )
        condition = and_(covered, School.cluster_id == chosen_school_cluster)
    else:
        condition = false()
    schools = _schools(condition)
    hint = listed.hint
    if listed.cluster_of_school_id is not None and not schools:
        hint = CLUSTER_FIRST  # the school chosen is not one of theirs: no cluster to go by
    return SchoolFilter(
        clusters=[(str(cluster_id), name) for cluster_id, name, _count in counted],
        schools=schools,
        hint=hint,
    )


def _schools(condition: ColumnElement[bool]) -> list[tuple[str, str]]:
    return [
        (str(school_id), name)
        for school_id, name in db.session.execute(
            select(School.id, School.name).where(condition).order_by(School.name, School.id)
        )
    ]
