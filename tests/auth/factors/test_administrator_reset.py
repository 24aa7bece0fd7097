"""Issue 16: an administrator resets a person's second factors only with a recorded reason;
the person and their DSL or agency safeguarding lead are emailed; it is in the audit log; the
person is signed out and sets one up again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from tas.auth.factors.models import AuthenticatorApp, RecoveryCode
from tas.extensions import db
from tests import factories
from tests.auth.factors.steps import person, set_up_app, signed_in, text_of
from tests.auth.helpers import emails_to, open_sessions
from tests.pages import audit_events

pytestmark = pytest.mark.pages  # what pages show and do: PostgreSQL alone (tests/conftest.py)

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
REASON = "Lost her phone; confirmed by a call to her manager, Nia Owen"


def test_a_reset_needs_a_reason_and_tells_the_person_and_their_lead(fresh_install):
    agency = factories.agency()
    lead = person(fresh_install, "practitioner", agency=agency, is_safeguarding_lead=True)
    farah = person(fresh_install, "practitioner", agency=agency, name="Farah Khan")
    admin = person(fresh_install, "admin")
    with time_machine.travel(T0, tick=False):
        phone = signed_in(fresh_install, farah)
        set_up_app(phone, T0)
        office = signed_in(fresh_install, admin)
        set_up_app(office, T0)
        page = office.get(f"/admin/users/{farah.id}")
        assert "an authenticator app" in text_of(page)
        path = f"/admin/users/{farah.id}/second-factors/reset"
        blank = office.submit(path, {"reason": "   "}, page=path)
        assert "Enter why you are resetting this person's second factors" in text_of(blank)
        assert db.session.scalar(select(func.count(AuthenticatorApp.id))) == 2
        done = office.submit(path, {"reason": REASON})
        assert done.headers["Location"] == f"/admin/users/{farah.id}"
        after = office.get(done.headers["Location"])
    assert "Farah Khan's second factors have been reset" in text_of(after)
    assert "None set up yet" in text_of(after)
    assert (
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == farah.id)
        )
        == 0
    )
    assert open_sessions(farah.id) == []
    [event] = audit_events("second_factors_reset")
    assert (event.actor_id, event.target_id, event.detail) == (
        admin.id,
        farah.id,
        {"reason": REASON},
    )
    for told in (farah, lead):
        [message] = [m for m in emails_to(told.email) if "reset" in m["Subject"]]
        assert REASON in message.get_body(("plain",)).get_content()
    with time_machine.travel(T0, tick=False):
        again = signed_in(fresh_install, farah)
        assert again.get("/").headers["Location"] == "/sign-in/set-up-second-factor"


def test_an_administrator_cannot_reset_their_own(fresh_install):
    admin = person(fresh_install, "admin")
    with time_machine.travel(T0, tick=False):
        office = signed_in(fresh_install, admin)
        set_up_app(office, T0)
        assert office.get(f"/admin/users/{admin.id}/second-factors/reset").status_code == 404


def test_only_administrators_reset_second_factors(fresh_install):
    farah = person(fresh_install, "practitioner")
    with time_machine.travel(T0, tick=False):
        coordinator = signed_in(fresh_install, person(fresh_install, "coordinator"))
        set_up_app(coordinator, T0)
        path = f"/admin/users/{farah.id}/second-factors/reset"
        assert coordinator.get(path).status_code == 403
        assert coordinator.submit(path, {"reason": REASON}).status_code == 403
    assert audit_events("second_factors_reset") == []
