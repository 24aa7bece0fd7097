"""The audit log is append-only, in the database itself (docs/security.md G29), and records
sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tas.audit.models import AuditEvent
from tas.extensions import db
from tests import factories


def _audited_sign_in(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    assert visitor.sign_in(user.email).status_code == 302
    db.session.expire_all()
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).all()
    return user, event


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'nothing_happened'",
        "UPDATE audit_event SET detail = '{}', actor_id = NULL WHERE id = :id",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE id = :id",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(app, visitor, statement):
    _user, event = _audited_sign_in(app, visitor)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement), {"id": event.id})
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "sign_in"


def test_the_application_refuses_to_change_or_delete_audit_rows(app, visitor):
    _user, event = _audited_sign_in(app, visitor)
    event.action = "nothing_happened"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_sign_in_and_sign_out_are_audited_with_who_when_and_where(app, visitor):
    user, event = _audited_sign_in(app, visitor)
    assert event.actor_id == user.id and event.ip_address == "127.0.0.1"
    assert event.at is not None and event.at.tzinfo is not None
    visitor.submit("/sign-out", page="/")
    db.session.expire_all()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["sign_in", "sign_out"]
