"""What a person's home page flags from reviews: their own reviews overdue and due in the next
10 working days, and for a coordinator the overdue reviews of the schools they cover. One
query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, or_, select

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import today
from tas.extensions import db
from tas.organisations.models import User
from tas.reviews import access
from tas.reviews.lists import soon_until
from tas.reviews.models import Review


@dataclass(frozen=True)
class ReviewAttention:
    mine_overdue: int = 0
    mine_due_soon: int = 0
    area_overdue: int = 0  # coordinators: every overdue review of the schools they cover

    @property
    def anything(self) -> bool:
        return bool(self.mine_overdue or self.mine_due_soon or self.area_overdue)


def for_home(user: User) -> ReviewAttention:
    if not user.active or not access.may_list(user):
        return ReviewAttention()
    day = today()
    until = soon_until(day, ENGLAND_AND_WALES)
    mine = Review.owner_id == user.id
    area = access.visible(user) & (Review.due_on < day) if user.role == "coordinator" else false()
    # Only open reviews due by the end of the "soon" window, and only the person's own or (for a
    # coordinator) their area's, are read: not every review there has ever been.
    row = db.session.execute(
        select(
            func.count(Review.id).filter(mine, Review.due_on < day),
            func.count(Review.id).filter(mine, Review.due_on >= day),
            func.count(Review.id).filter(area),
        ).where(Review.status == "open", Review.due_on <= until, or_(mine, area))
    ).one()
    return ReviewAttention(row[0] or 0, row[1] or 0, row[2] or 0)
