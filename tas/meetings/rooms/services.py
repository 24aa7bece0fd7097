"""A school's saved rooms, kept by its DSL and link workers and chosen when booking, so most
bookings type no place at all. A room's name reaches invitations and calendars, so it is checked
as a typed place is (tas.meetings.booking.checks.place_problem) when it is saved, and again
whenever a meeting is booked or moved into it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.core.clock import utcnow
from tas.core.use_cases import commit, refuse_if
from tas.extensions import db
from tas.meetings.access import may_organise_school
from tas.meetings.booking.checks import children_of, place_problem
from tas.meetings.models import SchoolRoom
from tas.organisations.models import School, User

SAME_NAME = "The school already has a saved room with this name"


def rooms_of(school_ids: Iterable[int]) -> list[SchoolRoom]:
    """The saved rooms of these schools, by school and name (one query)."""
    ids = sorted(set(school_ids))
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(SchoolRoom)
            .options(joinedload(SchoolRoom.school))
            .join(School, School.id == SchoolRoom.school_id)
            .where(SchoolRoom.school_id.in_(ids), SchoolRoom.removed_at.is_(None))
            .order_by(School.name, func.lower(SchoolRoom.name), SchoolRoom.id)
        )
    )


def add_room(user: User, values: dict) -> SchoolRoom:
    """Save a room for a school the person books meetings for, committed once."""
    school_id, name = values["school_id"], values["name"]
    problems = {}
    if school_id is None or not may_organise_school(user, school_id):
        problems["school"] = "Select a school you book meetings for"
    else:
        same = select(SchoolRoom.id).where(
            SchoolRoom.school_id == school_id,
            SchoolRoom.removed_at.is_(None),
            func.lower(SchoolRoom.name) == name.lower(),
        )
        if db.session.scalar(same) is not None:
            problems["name"] = SAME_NAME
        else:
            problem = place_problem(name, children_of(school_id), "The room's name")
            if problem:
                problems["name"] = problem
    refuse_if(problems)
    room = SchoolRoom(school_id=school_id, name=name, added_by_id=user.id)

    def write() -> SchoolRoom:
        db.session.add(room)
        db.session.flush()
        record("school_room_added", target=room, detail={"school_id": school_id})
        return room

    return commit(write)


def remove_room(user: User, room_id: int) -> SchoolRoom | None:
    """Take a room off the school's list (meetings already booked keep their place); None when
    the person may not (or the room is gone)."""
    room = db.session.get(SchoolRoom, room_id)
    if room is None or room.removed_at or not may_organise_school(user, room.school_id):
        return None
    room.removed_at = utcnow()

    def write() -> SchoolRoom:
        record("school_room_removed", target=room, detail={"school_id": room.school_id})
        return room

    return commit(write)
