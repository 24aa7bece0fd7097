"""Every open flag a person may see: on one child's page, on the list of flagged children, and
on the home page of whoever must act. Each kind of flag is one query, however many children
(the dashboards depend on it); access goes through the children's one check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, false, or_, select, text

from tas.children import access, agreed
from tas.children.access import Access
from tas.children.models import Child
from tas.chronology import harm
from tas.core.clock import local, today, utcnow
from tas.core.paging import window
from tas.extensions import db
from tas.flags import progress, rules
from tas.flags.rules import Flag
from tas.organisations.models import School, User
from tas.voice.models import UNANSWERED, VoiceEntry

# Those who see the flags of the children whose records they may read (with names), and the
# coordinators, who see their area's flags by reference (opening a record asks for a reason).
READERS = frozenset({"dsl", "school_staff", "link_worker", "practitioner"})


@dataclass
class FlaggedChild:
    """A child with open flags, as a list shows them: no name for a coordinator."""

    child_id: int
    name: str | None
    school: str
    flags: list[Flag] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return rules.child_reference(self.child_id)


def may_list(user: User) -> bool:
    return user.active and (user.role in READERS or user.role == "coordinator")


def names_children(user: User) -> bool:
    return user.role in READERS


def _seen_by(user: User) -> ColumnElement[bool]:
    """The children whose flags this person sees: those they may read, or the children of a
    coordinator's area whose family's agreement stands (shown by reference and kind alone)."""
    if user.role in READERS:
        return access.visible(user, Access.READ)
    if user.role == "coordinator":
        return and_(access.covered_by_coordinator(user), agreed.agreement_stands())
    return false()


def _concerns(condition: ColumnElement[bool]) -> list[Flag]:
    """Every unanswered concern about the children under `condition`."""
    now = local(utcnow())
    rows = db.session.execute(
        select(
            VoiceEntry.id,
            VoiceEntry.child_id,
            VoiceEntry.recorded_at,
            VoiceEntry.response_due_at,
        )
        .join(Child, Child.id == VoiceEntry.child_id)
        .where(text(UNANSWERED), condition)
        .order_by(VoiceEntry.response_due_at, VoiceEntry.id)
    )
    return [
        rules.concern_flag(entry_id, child_id, local(recorded), local(due), now)
        for entry_id, child_id, recorded, due in rows
    ]


def _harms(condition: ColumnElement[bool]) -> list[Flag]:
    """Every cumulative harm pattern of the children under `condition`."""
    return [
        rules.harm_flag(child_id, found.reason, local(max(e.recorded_at for e in found.events)))
        for child_id, found in harm.patterns(condition, today()).items()
    ]


def _all(condition: ColumnElement[bool]) -> list[Flag]:
    """Every kind of flag under `condition` (on Child): a fixed number of queries for each
    kind, however many children."""
    day = today()
    return [
        *_concerns(condition),
        *_harms(condition),
        *progress.engagement(condition, day),
        *progress.drifted(condition, day),
    ]


def for_child(child_id: int) -> list[Flag]:
    """The open flags of one child, whose record the caller has already checked."""
    return _all(Child.id == child_id)


@dataclass(frozen=True)
class FlagsPage:
    """One page of the flagged children, with how many children each kind of flag is on."""

    children: list[FlaggedChild]
    number: int
    pages: int
    total: int
    by_kind: dict[str, int]


def page_of(user: User, number: int, size: int) -> FlagsPage:
    """A page of the flagged children this person may see (most urgent first) and the counts
    by kind: every flag is worked out, in the statements each kind runs, whatever the page;
    only the page's children are then named, in one more."""
    flagged = _grouped(_all(_seen_by(user))) if may_list(user) else []
    page = window(number, len(flagged), size)
    by_kind: dict[str, int] = {}
    for _child_id, flags in flagged:
        for kind in {flag.kind for flag in flags}:
            by_kind[kind] = by_kind.get(kind, 0) + 1
    shown = _described(page.cut(flagged), names=names_children(user))
    return FlagsPage(shown, page.number, page.pages, len(flagged), by_kind)


def _grouped(found: Iterable[Flag]) -> list[tuple[int, list[Flag]]]:
    """(child id, their flags), the children with an urgent flag first, then by their first
    flag's date."""
    children: dict[int, list[Flag]] = {}
    for flag in found:
        children.setdefault(flag.child_id, []).append(flag)
    return sorted(
        children.items(),
        key=lambda item: (not any(flag.urgent for flag in item[1]), item[1][0].since),
    )


def _described(flagged: list[tuple[int, list[Flag]]], *, names: bool) -> list[FlaggedChild]:
    """The children as a list shows them, their names and schools read in one statement for
    these children alone (not for every flagged child of a region)."""
    if not flagged:
        return []
    about = {
        child_id: (f"{first} {last}", school)
        for child_id, first, last, school in db.session.execute(
            select(Child.id, Child.first_name, Child.last_name, School.name)
            .join(School, School.id == Child.school_id)
            .where(Child.id.in_([child_id for child_id, _flags in flagged]))
        )
    }
    return [
        FlaggedChild(child_id, about[child_id][0] if names else None, about[child_id][1], flags)
        for child_id, flags in flagged
    ]


def concerns_to_answer(user: User) -> list[FlaggedChild]:
    """For a home page: the unanswered concerns this person must see to: those they recorded,
    those about their school's children (a DSL), those their agency's staff recorded (its
    safeguarding lead); always among the children they may read."""
    if user.role not in READERS or not user.active:
        return []
    theirs = [VoiceEntry.recorded_by_id == user.id]
    if user.role == "dsl" and user.school_id is not None:
        theirs.append(Child.school_id == user.school_id)
    if user.is_safeguarding_lead and user.agency_id is not None:
        theirs.append(VoiceEntry.originating_agency_id == user.agency_id)
    condition = and_(or_(*theirs), access.visible(user, Access.READ))
    return _described(_grouped(_concerns(condition)), names=True)
