"""A child's school: sending the child protection file on after a move (school_moves), and
which of the school's staff a DSL lets see the child."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children.models import Child, FileTransfer, SchoolMove, StaffGrant
from tas.core.clock import local, utcnow
from tas.core.use_cases import Refused, StaleEdit, commit
from tas.extensions import db
from tas.organisations.models import User

# ---------------------------------------------------------------- the child protection file


def file_transfers(child_id: int) -> list[FileTransfer]:
    """Every file transfer after this child's moves, newest first, with both schools."""
    return list(
        db.session.scalars(
            select(FileTransfer)
            .join(FileTransfer.move)
            .where(SchoolMove.child_id == child_id)
            .options(
                joinedload(FileTransfer.move).joinedload(SchoolMove.from_school),
                joinedload(FileTransfer.move).joinedload(SchoolMove.to_school),
            )
            .order_by(SchoolMove.moved_at.desc(), FileTransfer.id.desc())
        )
    )


def file_transfer(child_id: int, transfer_id: int) -> FileTransfer | None:
    return db.session.scalars(
        select(FileTransfer)
        .join(FileTransfer.move)
        .where(FileTransfer.id == transfer_id, SchoolMove.child_id == child_id)
        .options(joinedload(FileTransfer.move))
    ).one_or_none()


def sends_file(user: User, transfer: FileTransfer) -> bool:
    """The old school's DSL sends the file."""
    return user.role == "dsl" and user.school_id == transfer.move.from_school_id


def receives_file(user: User, transfer: FileTransfer) -> bool:
    """The new school's DSL confirms they received it."""
    return user.role == "dsl" and user.school_id == transfer.move.to_school_id


def mark_file_sent(user: User, transfer: FileTransfer) -> bool:
    """Record that the old school sent the file today; False if it was already recorded."""
    return _mark(user, transfer, "sent", "child_protection_file_sent")


def confirm_file_received(user: User, transfer: FileTransfer) -> bool:
    """Record that the new school received the file today; False if already recorded."""
    return _mark(user, transfer, "receipt_confirmed", "child_protection_file_received")


def _mark(user: User, transfer: FileTransfer, what: str, action: str) -> bool:
    if getattr(transfer, f"{what}_on") is not None:
        return False
    child_id = transfer.move.child_id

    def write() -> None:
        setattr(transfer, f"{what}_on", local(utcnow()).date())
        setattr(transfer, f"{what}_by_id", user.id)
        db.session.flush()
        record(action, target=transfer, detail={"child_id": child_id})

    try:
        commit(write)
    except StaleEdit:  # the other DSL recorded their part at the same moment
        return False
    return True


# ---------------------------------------------------------------- school staff


def staff_grants(child: Child) -> list[StaffGrant]:
    """The staff of the child's school who may see the child now."""
    return list(
        db.session.scalars(
            select(StaffGrant)
            .join(StaffGrant.user)
            .where(
                StaffGrant.child_id == child.id,
                StaffGrant.revoked_at.is_(None),
                User.school_id == child.school_id,
            )
            .options(joinedload(StaffGrant.user))
            .order_by(User.name, StaffGrant.id)
        )
    )


def staff_to_grant(child: Child) -> list[User]:
    """Active school staff of the child's school who cannot see the child yet."""
    granted = select(StaffGrant.user_id).where(
        StaffGrant.child_id == child.id, StaffGrant.revoked_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == "school_staff",
                User.school_id == child.school_id,
                User.active.is_(True),
                User.id.not_in(granted),
            )
            .order_by(User.name, User.id)
        )
    )


def grant_staff(dsl: User, child: Child, staff_id: int) -> StaffGrant:
    """Let one member of the school's staff see this child, audited."""
    if staff_id not in {person.id for person in staff_to_grant(child)}:
        raise Refused({"staff": "Select a member of staff from the list"})
    grant = db.session.scalars(
        select(StaffGrant).where(StaffGrant.child_id == child.id, StaffGrant.user_id == staff_id)
    ).one_or_none()
    if grant is None:
        grant = StaffGrant(child_id=child.id, user_id=staff_id)
        db.session.add(grant)
    grant.granted_by_id = dsl.id
    grant.granted_at = utcnow()
    grant.revoked_at = None

    def write() -> None:
        db.session.flush()
        record("staff_access_granted", target=child, detail={"user_id": staff_id})

    commit(write, lambda: {"staff": "Select a member of staff from the list"})
    return grant


def staff_grant(child: Child, grant_id: int) -> StaffGrant | None:
    return db.session.scalars(
        select(StaffGrant)
        .where(StaffGrant.id == grant_id, StaffGrant.child_id == child.id)
        .options(joinedload(StaffGrant.user))
    ).one_or_none()


def revoke_staff(child: Child, grant: StaffGrant) -> bool:
    """End a member of staff's access to this child; False if it had already ended."""
    if grant.revoked_at is not None:
        return False
    grant.revoked_at = utcnow()
    record("staff_access_revoked", target=child, detail={"user_id": grant.user_id})
    db.session.commit()
    return True
