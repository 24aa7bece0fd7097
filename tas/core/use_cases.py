"""What every use case shares: the two ways a change is refused, and one commit.

A use case (a domain's `services` module) loads, checks access, changes, writes its audit entry
and commits once, through `commit`. It refuses with `Refused` (field name -> what to put right,
shown beside the fields) or `StaleEdit` (someone else saved the record after the form was
opened: the form comes back with both versions, see tas.core.editing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tas.core import submissions
from tas.extensions import db

Result = TypeVar("Result")
Problems = Callable[[], dict[str, str]]


class Refused(Exception):
    """The change cannot be saved as it stands: field name -> what to put right."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


class StaleEdit(Exception):
    """Someone else saved the record after the form was opened: nothing was saved."""


def refuse_if(problems: dict[str, str]) -> None:
    """Refuse the change when anything was found to put right."""
    if problems:
        raise Refused(problems)


def check_version(row, version: int | None) -> None:
    """Refuse a save from a form opened on an older version of the record (docs/security.md
    I35). Compared here, not left to the ORM: assigning an old version would let SQLAlchemy's
    version counter accept it."""
    if version is None or version != row.version:
        raise StaleEdit


def commit(write: Callable[[], Result], unique: Problems | None = None) -> Result:
    """Make the change and its audit entry, and commit once; nothing of a refused or failed
    change is kept.

    A competing save that lands between our check and our flush shows as StaleDataError and
    becomes StaleEdit (I36). A unique value taken at the same moment becomes the same field
    error as one caught beforehand (`unique` says which). A form sent once only
    (tas.core.submissions) claims its token in the same transaction."""
    try:
        submissions.claim()
        result = write()
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error
    except IntegrityError as error:
        db.session.rollback()
        problems = unique() if unique else {}
        if not problems:
            raise
        raise Refused(problems) from error
    except Exception:  # refused part-way, already sent, or failed
        db.session.rollback()
        raise
    return result
