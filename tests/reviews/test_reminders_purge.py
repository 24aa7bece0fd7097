"""Each pass deletes short-lived rows past their use: used form tokens, sign-in attempts, wrong
feed links and forms kept across a sign-out (UK GDPR storage limitation)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tas.auth.models import SignInAttempt
from tas.core.clock import utcnow
from tas.core.pending_forms import PendingForm
from tas.core.submissions import UsedSubmission
from tas.extensions import db
from tas.ical.models import FeedMiss
from tas.jobs import run_pass
from tests import factories


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_pass_purges_what_is_past_its_use_and_keeps_the_rest(app):
    now = utcnow()
    user = factories.user("dsl")
    db.session.flush()
    db.session.add_all(
        [
            UsedSubmission(
                token="old", user_id=user.id, used_at=now - timedelta(days=1, minutes=1)
            ),
            UsedSubmission(token="new", user_id=user.id, used_at=now - timedelta(hours=23)),
            SignInAttempt(email="a@example.org", succeeded=False, at=now - timedelta(days=2)),
            SignInAttempt(email="a@example.org", succeeded=False, at=now - timedelta(minutes=5)),
            FeedMiss(client="192.0.2.1", at=now - timedelta(minutes=16)),
            FeedMiss(client="192.0.2.1", at=now - timedelta(minutes=14)),
            PendingForm(
                user_id=user.id, path="/x", fields=[], created_at=now - timedelta(hours=13)
            ),
            PendingForm(
                user_id=user.id, path="/y", fields=[], created_at=now - timedelta(hours=11)
            ),
        ]
    )
    db.session.commit()

    counts = run_pass(now)

    assert counts.purged == 4
    assert db.session.scalars(select(UsedSubmission.token)).all() == ["new"]
    assert count(SignInAttempt) == 1
    assert count(FeedMiss) == 1
    assert db.session.scalars(select(PendingForm.path)).all() == ["/y"]
    assert run_pass(now).purged == 0
