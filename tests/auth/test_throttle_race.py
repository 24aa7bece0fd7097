"""No race: wrong passwords sent at the same moment through 2 gunicorn workers (4 threads each)
are counted under a lock, so no more passwords are checked than the limit allows (docs/security.md
A3). Real processes and HTTP on the test's SQLite file and PostgreSQL database."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from tas.audit.models import AuditEvent
from tas.auth.models import SignInAttempt
from tas.extensions import db
from tests import factories
from tests.auth.servers import at_once, gunicorn

WRONG = "not the right one at all"


def _checked() -> int:
    """Attempts whose password was checked: each leaves one sign_in_failed row."""
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "sign_in_failed")
    )


@pytest.mark.commits  # gunicorn's processes sign in on this database
def test_no_race_40_concurrent_wrong_passwords_check_at_most_the_limit(app, tmp_path):
    user = factories.user(role="dsl")
    db.session.commit()
    with gunicorn(app, tmp_path) as url:
        statuses = at_once(url, [{"email": user.email, "password": WRONG}] * 40)
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    counted = Counter(statuses)
    assert set(counted) <= {200, 429}, counted
    assert _checked() <= limit
    assert counted[200] == _checked() and counted[429] == 40 - _checked()
    assert counted[429] >= 40 - limit
    attempts = db.session.scalar(select(func.count(SignInAttempt.id)))
    assert attempts == _checked()


@pytest.mark.commits  # gunicorn's processes sign in on this database
def test_no_race_per_address_40_concurrent_wrong_passwords_for_40_accounts(app, tmp_path):
    users = [factories.user(role="dsl") for _ in range(40)]
    db.session.commit()
    with gunicorn(app, tmp_path) as url:
        statuses = at_once(url, [{"email": u.email, "password": WRONG} for u in users])
    limit = app.config["SIGN_IN_ADDRESS_MAX_FAILURES"]
    counted = Counter(statuses)
    assert set(counted) <= {200, 429}, counted
    assert _checked() <= limit
    assert counted[429] == 40 - _checked() >= 40 - limit
