"""The demo partnership's plan reviews fall on working days, whatever day it is loaded on: no
review due on a Saturday, a Sunday or an England and Wales bank holiday."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON
from tas.core.days import is_working_day
from tas.demo import loading as demo
from tas.extensions import db
from tas.plans.models import SharedPlan
from tas.reviews.models import Review


@pytest.mark.parametrize(
    "loaded_at",
    [
        datetime(2026, 11, 25, 9, 30, tzinfo=LONDON),  # a Wednesday
        datetime(2026, 11, 27, 9, 30, tzinfo=LONDON),  # a Friday
        datetime(2026, 12, 19, 10, 0, tzinfo=LONDON),  # a Saturday, before Christmas
        datetime(2027, 6, 1, 0, 30, tzinfo=LONDON),  # after midnight in summer (UTC: 31 May)
    ],
    ids=["wednesday", "friday", "saturday-before-christmas", "summer-midnight"],
)
def test_no_demo_review_is_due_on_a_weekend_or_bank_holiday(app, loaded_at):
    with time_machine.travel(loaded_at, tick=False):
        demo.load()

    reviews = db.session.execute(select(Review.kind, Review.due_on)).all()
    plans = db.session.execute(
        select(SharedPlan.id, SharedPlan.next_review_on).where(
            SharedPlan.next_review_on.is_not(None)
        )
    ).all()
    assert reviews and plans
    not_working = [
        (what, f"{day:%A %d %B %Y}")
        for what, day in [*reviews, *plans]
        if not is_working_day(day, ENGLAND_AND_WALES)
    ]
    assert not_working == []
