"""Where a record about a child came from, and the markers that limit sharing it further."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class RecordOrigin:
    """Every record about a child carries its originating agency (or school) and may be marked:
    restricted (ask the originator before sharing further), not to be disclosed to the parent,
    or third-party information. Family prints and subject-access exports depend on these."""

    @declared_attr
    def originating_agency_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("agency.id"))

    @declared_attr
    def originating_school_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("school.id"))

    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    not_for_parent: Mapped[bool] = mapped_column(Boolean, default=False)
    third_party: Mapped[bool] = mapped_column(Boolean, default=False)


class Recorder(Protocol):
    """Whoever records something: a person of one agency or one school."""

    agency_id: int | None
    school_id: int | None


def origin(user: Recorder) -> dict[str, int | None]:
    """A new record's originating agency or school: the organisation of whoever recorded it."""
    return {"originating_agency_id": user.agency_id, "originating_school_id": user.school_id}
