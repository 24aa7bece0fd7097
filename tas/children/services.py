"""Children use cases: find them within access, add and change them, audit every read, and
open a record as a coordinator with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view, record
from tas.children import access, records, rules
from tas.children.access import Access
from tas.children.models import Agreement, Child, CoordinatorAccess, FamilyMember
from tas.children.record_checks import services as record_checks
from tas.children.record_checks.models import RecordCheck
from tas.chronology import rules as chronology_rules
from tas.chronology.models import ChronologyEvent, HarmReview
from tas.core.clock import utcnow
from tas.core.paging import window
from tas.core.submissions import refuse_if_used
from tas.core.use_cases import Refused, commit, refuse_if
from tas.extensions import db
from tas.organisations.models import School, User
from tas.voice.models import VoiceEntry

MOST_NAME_WORDS = 5


# ---------------------------------------------------------------- what a user may do


def schools_for_adding(user: User) -> list[School]:
    """The schools this person may add a child to: a DSL's own, a link worker's linked ones."""
    if user.role == "dsl" and user.school is not None:
        return [user.school]
    if user.role == "link_worker":
        return list(user.linked_schools)
    return []


def can_move_school(user: User, child: Child, level: Access) -> bool:
    """The current school's DSL, or a link worker, who may change the child's record."""
    if level < Access.EDIT:
        return False
    return user.role == "link_worker" or (user.role == "dsl" and user.school_id == child.school_id)


def manages_staff_access(user: User, child: Child) -> bool:
    """Only a DSL of the child's current school decides which of its staff see the child."""
    return user.role == "dsl" and user.school_id == child.school_id


# ---------------------------------------------------------------- reading


def record_read(child_id: int, action: str, level: Access) -> None:
    """Audit one read of a child's record, committed before anything is shown."""
    audit_view(
        action, target_type="Child", target_id=child_id, detail={"access": level.name.lower()}
    )


def child_record(child_id: int) -> Child:
    """The child with their school and GP practice, in one query."""
    return db.session.scalars(_with_school(select(Child).where(Child.id == child_id))).one()


def child_and_family(child_id: int) -> tuple[Child, list[FamilyMember]]:
    """The child with their school and GP practice, and their family's adults in the order
    they were added, in one query (the child's page, for those who read the whole record)."""
    rows = db.session.execute(
        _with_school(select(Child, FamilyMember).where(Child.id == child_id))
        .outerjoin(FamilyMember, FamilyMember.child_id == Child.id)
        .order_by(FamilyMember.id)
    ).all()
    return rows[0][0], [member for _, member in rows if member is not None]


def _with_school(query):
    return query.options(joinedload(Child.school), joinedload(Child.gp_practice))


# ---------------------------------------------------------------- lists and search


@dataclass(frozen=True)
class Found:
    """A child in a list or search result, and whether this person may open their record."""

    child: Child
    can_open: bool


@dataclass(frozen=True)
class ResultsPage:
    rows: list[Found]
    number: int
    pages: int
    total: int


def listing(user: User, page: int) -> ResultsPage:
    """The children this person may see, by last name then first name, a page at a time.

    A coordinator has none here until they record a reason to open a record; a GP practice
    sees the children registered with it.
    """
    where = access.visible(user, Access.GP_SUMMARY)
    total = _count(where)
    audit_view("children_listed", detail={"found": total, "page": page})
    return _paged(where, true(), page, total)


def search(
    user: User,
    criteria: dict,
    page: int,
    *,
    exclude: ColumnElement[bool] | None = None,
    level: Access = Access.GP_SUMMARY,
) -> ResultsPage:
    """Children matching every criterion given, within this person's access; audited with the
    kinds of criterion used, never the name or numbers searched for.

    A coordinator finds the records they have opened as anyone else does; a record they have
    not opened yet (in the schools they cover) is found only by exact identification, so that
    they can record why they need it without being able to browse children's names.
    """
    if user.role == "coordinator" and level < Access.READ:
        opened = access.visible(user)
        where = or_(
            and_(opened, *_matching(criteria)),
            and_(access.covered_by_coordinator(user), _identified(criteria)),
        )
        can_open = opened
    else:
        where, can_open = and_(access.visible(user, level), *_matching(criteria)), true()
    if exclude is not None:
        where = and_(where, ~exclude)
    total = _count(where)
    used = sorted(name for name, value in criteria.items() if value)
    audit_view("children_searched", detail={"by": used, "found": total})
    return _paged(where, can_open, page, total)


def identifies(criteria: dict) -> bool:
    """Whether a search names exactly one child, as a coordinator must to find a record they
    have not opened: the NHS number, the UPN, or the first and last name with the date of
    birth."""
    words = (criteria.get("name") or "").split()
    named = len(words) >= 2 and criteria.get("date_of_birth") is not None
    return bool(criteria.get("nhs_number") or criteria.get("upn") or named)


def _identified(criteria: dict) -> ColumnElement[bool]:
    """Exactly this child: identified (the NHS number, the UPN, or the full name with the date
    of birth), and every other answer given matching exactly too. A name or a date of birth
    given beside a number is never ignored (that found another child than the one named), nor
    matched in part (that would let a coordinator spell out a name they may not see)."""
    if not identifies(criteria):
        return false()
    conditions = []
    for field in ("nhs_number", "upn", "date_of_birth"):
        if criteria.get(field):
            conditions.append(getattr(Child, field) == criteria[field])
    words = (criteria.get("name") or "").lower().split()
    if len(words) == 1:
        return false()  # a first or last name alone is not exact
    if words:
        conditions.append(func.lower(Child.first_name) == words[0])
        conditions.append(func.lower(Child.last_name) == " ".join(words[1:]))
    return and_(*conditions)


def _matching(criteria: dict) -> list[ColumnElement[bool]]:
    conditions = []
    for word in (criteria.get("name") or "").lower().split()[:MOST_NAME_WORDS]:
        conditions.append(
            or_(
                func.lower(Child.first_name).contains(word, autoescape=True),
                func.lower(Child.last_name).contains(word, autoescape=True),
            )
        )
    if criteria.get("date_of_birth"):
        conditions.append(Child.date_of_birth == criteria["date_of_birth"])
    if criteria.get("nhs_number"):
        conditions.append(Child.nhs_number == criteria["nhs_number"])
    if criteria.get("upn"):
        conditions.append(Child.upn == criteria["upn"])
    return conditions


def _count(where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count(Child.id)).where(where)) or 0


def _paged(
    where: ColumnElement[bool], can_open: ColumnElement[bool], page: int, total: int
) -> ResultsPage:
    """One page of children, with their schools, in one query."""
    size = current_app.config["PAGE_SIZE"]
    shown = window(page, total, size)
    rows = db.session.execute(
        select(Child, can_open.label("can_open"))
        .where(where)
        .options(joinedload(Child.school))
        .order_by(func.lower(Child.last_name), func.lower(Child.first_name), Child.id)
        .limit(shown.size)
        .offset(shown.start)
    ).all()
    found = [Found(child, bool(opens)) for child, opens in rows]
    return ResultsPage(found, shown.number, shown.pages, total)


# ---------------------------------------------------------------- adding and changing


def taken(user: User, values: dict, exclude_id: int | None = None) -> dict[str, str]:
    """Which of the child's unique numbers another child already has, as field -> message
    (the same message whoever has it, for a child this person may not see)."""
    found = record_checks.recorded(values, exclude_id)
    if found:
        record_checks.audit_found(found)
    return record_checks.refusal(user, found, can_ask=exclude_id is None).problems


def _refuse_unless_adding_to(user: User, values: dict) -> None:
    if values.get("school_id") not in {school.id for school in schools_for_adding(user)}:
        raise Refused({"school": "Select the child's school"})


class Namesakes(Refused):
    """A child of the same name and date of birth is already recorded at the school."""

    def __init__(self, children: list[Child]):
        super().__init__({"different_child": NAMESAKE})
        self.children = children


NAMESAKE = (
    "A child with this name and date of birth is already recorded at this school: open their "
    "record below, or tick the box to say this is a different child"
)


def namesakes(user: User, values: dict) -> list[Child]:
    """The children this person may see at the school being added to with the same first and
    last name (whatever their capitals) and date of birth: most likely the same child (one
    query, a few at most)."""
    school_id, born = values.get("school_id"), values.get("date_of_birth")
    first, last = values.get("first_name"), values.get("last_name")
    if not (school_id and born and first and last):
        return []
    if school_id not in {school.id for school in schools_for_adding(user)}:
        return []
    return list(
        db.session.scalars(
            select(Child)
            .where(
                Child.school_id == school_id,
                Child.date_of_birth == born,
                func.lower(Child.first_name) == first.lower(),
                func.lower(Child.last_name) == last.lower(),
                access.visible(user, Access.READ),
            )
            .order_by(Child.id)
            .limit(5)
        )
    )


def add_child(user: User, values: dict, *, different_child: bool = False) -> Child:
    """Add a child at one of the schools this person may add to, audited; refused, with an
    offer to ask the coordinator to check, when another record has their NHS number or UPN;
    and, unless they said this is a different child, when one of the school's children has
    the same name and date of birth (two records of one child split what is known)."""
    _refuse_unless_adding_to(user, values)
    record_checks.refuse_if_recorded(user, values)
    if not different_child:
        refuse_if_used()  # the same form sent twice says so, not that its child is known
        found = namesakes(user, values)
        if found:
            raise Namesakes(found)
    child = Child(
        **values,
        originating_school_id=user.school_id,
        originating_agency_id=user.agency_id,
    )
    db.session.add(child)

    def write() -> None:
        db.session.flush()  # the audit entry needs the new id
        record("child_added", target=child, detail={"school_id": child.school_id})

    commit(write, lambda: taken(user, values))
    return child


def ask_to_check(user: User, values: dict, note: str | None) -> list[RecordCheck]:
    """Instead of adding the child, ask the coordinator to check the numbers another record
    has (tas.children.record_checks.services)."""
    _refuse_unless_adding_to(user, values)
    return record_checks.ask(user, values, note)


def dated_records(child_id: int) -> list[rules.Dated]:
    """The earliest of each kind of the child's records that a date of birth must come before
    (or, for a chronology event, no more than a year after), in one query."""
    kinds = (
        ("what the child said", VoiceEntry.heard_on, VoiceEntry.child_id),
        ("the family's agreement", Agreement.agreed_on, Agreement.child_id),
        ("a Neglect Toolkit or escalation decision", HarmReview.done_on, HarmReview.child_id),
        ("a chronology event", ChronologyEvent.happened_on, ChronologyEvent.child_id),
    )
    firsts = [select(func.min(on)).where(of == child_id).scalar_subquery() for _, on, of in kinds]
    earliest = db.session.execute(select(*firsts)).one()
    found = []
    for (what, _, _), on in zip(kinds, earliest, strict=True):
        if on is not None:
            event = what == "a chronology event"
            found.append(
                rules.Dated(what, on, chronology_rules.latest_birth_for_event(on) if event else on)
            )
    return found


def details_problems(child: Child, values: dict) -> dict[str, str]:
    """What to put right before the child's details are changed: a date of birth after their
    earliest records would leave them recorded before they were born."""
    born = values.get("date_of_birth")
    if born is None or born == child.date_of_birth:
        return {}
    problem = rules.date_of_birth_after_records(born, dated_records(child.id))
    return {"date_of_birth": problem} if problem else {}


def change_child(user: User, child: Child, version: int | None, values: dict) -> list[str]:
    """Change a child's details (never their school: that is a move), audited."""
    refuse_if(details_problems(child, values))
    return records.change(
        child,
        version,
        values,
        "child_changed",
        unique=lambda: taken(user, values, exclude_id=child.id),
    )


# ---------------------------------------------------------------- coordinators


def covered_child(user: User, child_id: int) -> Child | None:
    """The child, if they attend a school this coordinator covers."""
    if user.role != "coordinator":
        return None
    return db.session.scalars(
        select(Child)
        .where(Child.id == child_id, access.covered_by_coordinator(user))
        .options(joinedload(Child.school))
    ).one_or_none()


def record_coordinator_reason(
    user: User, child: Child, reason: str, now: datetime | None = None
) -> CoordinatorAccess:
    """Open a child's record to a coordinator for a few hours, for the reason they gave."""
    now = now or utcnow()
    hours = current_app.config["COORDINATOR_ACCESS_HOURS"]
    grant = CoordinatorAccess(
        child_id=child.id,
        user_id=user.id,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(grant)

    def write() -> None:
        db.session.flush()
        record(
            "coordinator_access_recorded",
            target=child,
            detail={"coordinator_access_id": grant.id, "hours": hours},
        )

    commit(write)
    return grant
